"""``python -m iskra.voting FILE --method METHOD ...`` runs the count CLI."""

from __future__ import annotations

import gc
import sys

if __name__ == "__main__":
    gc.disable()  # a one-shot count: see iskra.cli
    from .cli import main

    sys.exit(main())
