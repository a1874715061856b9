"""``iskra ballot export ID`` and ``iskra ballot verify EXPORT``.

``iskra ballot verify`` is run by the ``iskra`` script without Django (see ``iskra.cli``):
a member checks a downloaded export on their own computer, with no settings at all. The
subcommand stays here too, for ``call_command`` and ``django-admin``-style use.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from iskra.ballots.verify import VerifyError, read_export, verify_export, write_blt_files


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
        files = [(path, text + "\n"), *write_blt_files(data, path)]
        _write_all(files)
        self.stderr.write(f"wrote {', '.join(str(p) for p, _ in files)}")

    def _verify(self, export_file: str) -> None:
        try:
            report = verify_export(read_export(export_file))
        except VerifyError as exc:
            message = str(exc)
            sep = "" if message[:1].isdigit() else " "
            raise CommandError(f"{export_file}:{sep}{message}") from None
        sys.stdout.write(report + "\n")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_all(files: list[tuple[Path, str]]) -> None:
    """Write every file or none: each goes to a temporary file beside it first, and the
    temporary files are renamed into place only once all are written."""
    written: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            if path.is_dir():
                raise CommandError(f"{path}: cannot write: it is a folder")
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as exc:
                raise CommandError(f"{path}: cannot write: {exc.strerror}") from None
            written.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        for tmp, path in written:
            os.replace(tmp, path)
        written = []
    except OSError as exc:
        raise CommandError(f"cannot write the export: {exc.strerror}") from None
    finally:
        for tmp, _ in written:
            Path(tmp).unlink(missing_ok=True)
