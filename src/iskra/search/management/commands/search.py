"""``iskra search reindex``: rebuild the search index from the source tables."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from iskra.search.indexing import reindex
from iskra.search.models import Kind


class Command(BaseCommand):
    help = (
        "Search tools. 'reindex' rebuilds the index from the source tables: after a bulk import "
        "(iskra seed) or anything else that wrote rows without Django's signals."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["reindex"])
        parser.add_argument(
            "--kind", action="append", choices=Kind.values, help="Only this kind (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = reindex(options["kind"])
        written = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(f"search index rebuilt: {written} ({time.monotonic() - started:.1f} s)")
