"""``iskra ballot export ID`` and ``iskra ballot verify EXPORT``."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from iskra.ballots.verify import VerifyError, verify_export, write_blt_files


class Command(BaseCommand):
    help = "Export a counted ballot's published record, or verify an export (chain and recount)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser(
            "export", help="write the published ballots as JSON (and BLT for ranked questions)"
        )
        exp.add_argument("ballot_id", type=int)
        exp.add_argument(
            "--output", "-o", default=None, help="JSON file to write (default: stdout)"
        )
        ver = sub.add_parser("verify", help="check the hash chain of an export and recount it")
        ver.add_argument("export_file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options["ballot_id"], options["output"])
        else:
            self._verify(options["export_file"])

    def _export(self, ballot_id: int, output: str | None) -> None:
        from iskra.ballots.models import Ballot
        from iskra.ballots.services import export
        from iskra.core.errors import DomainError

        ballot = Ballot.objects.filter(pk=ballot_id).first()
        if ballot is None:
            raise CommandError(f"no ballot {ballot_id}")
        try:
            data = export(ballot)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
        if output is None:
            self.stdout.write(text)
            return
        path = Path(output)
        path.write_text(text + "\n", encoding="utf-8")
        written = write_blt_files(data, path)
        self.stderr.write(f"wrote {path}" + "".join(f", {p}" for p in written))

    def _verify(self, export_file: str) -> None:
        try:
            data = json.loads(Path(export_file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{export_file}: cannot read: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{export_file}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        try:
            report = verify_export(data)
        except VerifyError as exc:
            raise CommandError(f"{export_file}: {exc}") from None
        sys.stdout.write(report + "\n")
