from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "The newsletter: read bounces and complaints from the bounce mailbox (plain SMTP)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        bounces = sub.add_parser(
            "bounces", help="Read DSN bounces and ARF complaints from an mbox, a Maildir or a file."
        )
        bounces.add_argument("path", help="The mbox file, the Maildir folder, or one message.")

    def handle(self, *args: Any, **options: Any) -> None:
        from iskra.newsletter.bounces import read_path

        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        try:
            tally = read_path(path)
        except (OSError, UnicodeError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        self.stdout.write(
            f"{tally.messages} messages: {tally.hard} hard bounces, {tally.soft} soft, "
            f"{tally.complaints} complaints; {tally.stopped} subscriptions stopped; "
            f"{tally.unreadable} not bounce reports."
        )
