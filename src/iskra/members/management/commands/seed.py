"""``iskra seed --members N --branches M``: a large synthetic organisation for benchmarks."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from iskra.core.errors import DomainError
from iskra.members.seeding import seed_organisation, seed_summary


class Command(BaseCommand):
    help = (
        "Build a large synthetic organisation (national unit, districts, branches, bodies, "
        "secretaries, members) in an empty database, for benchmarks."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--members", type=int, required=True, help="How many members.")
        parser.add_argument("--branches", type=int, default=None, help="Default: members/20.")
        parser.add_argument("--seed", type=int, default=1917, help="Random seed (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        members: int = options["members"]
        branches: int = options["branches"]
        if branches is None:
            branches = max(1, members // 20)
        started = time.perf_counter()

        def say(message: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {time.perf_counter() - started:7.1f}s  {message}")

        try:
            report = seed_organisation(
                members=members, branches=branches, seed=options["seed"], say=say
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for line in seed_summary(report):
            self.stdout.write(line)
        self.stdout.write(f"Elapsed: {time.perf_counter() - started:.1f}s")
