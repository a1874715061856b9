"""``iskra audit verify``: check the audit log's hash chain."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from iskra.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain and names the first broken entry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"audit log broken: {problem.message} ({checked} entries before it are intact)"
            )
        self.stdout.write(f"audit log intact: {checked} entries verified")
