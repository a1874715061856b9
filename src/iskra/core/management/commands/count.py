"""``iskra count FILE --method METHOD …``: count a ballot file with ``iskra.voting``.

The ``iskra`` script runs this without starting Django; this command exists so that
``iskra help`` lists it and ``manage.py``-style invocations work too.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Count a ballot file (BLT, PrefLib, CSV, ABIF, Edinburgh council CSV): iskra count FILE --method "
        "{plurality,block,approval,irv,stv-scottish,stv-ers97,stv-meek,schulze,ranked-pairs} "
        "[--seats N] [--seed S] [--format text|json|csv]"
    )

    def run_from_argv(self, argv: list[str]) -> None:
        from iskra.voting.cli import main

        sys.exit(main(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv
        from iskra.voting.cli import main

        sys.exit(main(list(args)))
