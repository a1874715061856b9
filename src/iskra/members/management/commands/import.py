"""``iskra import members FILE.csv``: bring people in from a CRM's CSV export.

The work is done by ``iskra.members.importing``; this command reads the options, shows a
progress bar for large files and prints the report.
"""

# The command is called `import` because that is the verb officers type.
# ruff: noqa: N999

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from iskra.core.errors import DomainError
from iskra.members import importing

# Beyond this many rows a progress bar is shown even when stderr is not a terminal.
PROGRESS_ROWS = 1000


class Command(BaseCommand):
    help = (
        "Import people from a CSV file. Columns are recognised from common CRM header names "
        "(Email, First name, Surname, Branch, Status, Member number…); override with --map. "
        "Nothing is written if any row is invalid, unless --skip-invalid."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["members"], help="What the file holds.")
        parser.add_argument("file", help="The CSV file (UTF-8; a byte-order mark is fine).")
        parser.add_argument(
            "--unit", help="Branch (name or id) for rows that do not name one themselves."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Read FIELD from COLUMN. Fields: {', '.join(importing.FIELDS)}.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows even if some rows are invalid.",
        )
        parser.add_argument("--encoding", default="utf-8", help="The file's encoding.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        try:
            overrides = importing.parse_overrides(options["map"])
            text = importing.read_file(path, options["encoding"])
            default_unit = importing.find_branch(options["unit"]) if options["unit"] else None
            show_bar = sys.stderr.isatty() or text.count("\n") > PROGRESS_ROWS
            report = importing.import_members(
                actor=None,
                text=text,
                source=path,
                default_unit=default_unit,
                overrides=overrides,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=self._bar if show_bar else None,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for error in report.errors:
            self.stderr.write(error.format(path))
        if options["verbosity"] >= 2:
            for name, header in sorted(report.mapping.items()):
                self.stdout.write(f"  {name:<14} ← {header!r}")
        self.stdout.write(self._summary(path, report, dry_run=options["dry_run"]))
        if report.errors and not options["skip_invalid"]:
            raise CommandError(
                f"{report.invalid} invalid row(s); nothing was imported. "
                "Fix them, or pass --skip-invalid to import the rest."
            )

    def _bar(self, description: str, total: int) -> importing.Progress:
        return tqdm(total=total, desc=description, unit="row", file=sys.stderr, leave=False)

    def _summary(self, path: str, report: importing.ImportReport, *, dry_run: bool) -> str:
        verb = "would be" if dry_run or not report.written else "were"
        parts = [
            f"{report.created} created",
            f"{report.updated} updated",
            f"{report.unchanged} unchanged",
        ]
        if report.invalid:
            parts.append(f"{report.invalid} invalid" + (" (skipped)" if report.written else ""))
        line = f"{path}: {report.rows} rows: {', '.join(parts)}"
        line += f"; {report.memberships_created} memberships {verb} created"
        if report.memberships_kept:
            line += (
                f"; {report.memberships_kept} existing memberships differ in branch or status "
                "and were left as they are (use transfers and status changes)"
            )
        if dry_run:
            line += ". Dry run: nothing written."
        elif not report.written:
            line += ". Nothing written."
        return line
