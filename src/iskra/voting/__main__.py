"""``python -m iskra.voting FILE --method METHOD ...`` runs the count CLI."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
