"""``iskra worker``: run background tasks, and the periodic sweeps that back up scheduled ones."""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def sweep() -> None:
    """Idempotent work that falls due with time: ballots closing, probation and suspension ends,
    requisitioned meetings the officers did not call, scheduled articles, notification emails."""
    from iskra.ballots.services import close_due_ballots
    from iskra.campaigns.services import send_reminders
    from iskra.core.notifications import send_due_notification_emails
    from iskra.members.services import complete_due_probations, end_due_suspensions
    from iskra.press.sales import remind_due_subscriptions
    from iskra.press.services import publish_due
    from iskra.representation.byelections import close_due_nominations
    from iskra.representation.requisitions import run_clocks
    from iskra.representation.services import lapse_due_petitions

    close_due_ballots()
    complete_due_probations()
    end_due_suspensions()
    lapse_due_petitions()
    run_clocks()
    close_due_nominations()
    publish_due()
    remind_due_subscriptions()
    send_reminders()
    send_due_notification_emails()


class Command(BaseCommand):
    help = "Run the background worker (emails, probation and suspension ends)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--sweep-every",
            type=int,
            default=20,
            help="Seconds between sweeps (ballots close on the next sweep after their time).",
        )
        parser.add_argument("--once", action="store_true", help="Run one sweep and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            sweep()
            return
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    sweep()
                except Exception:
                    logger.exception("sweep failed")
                finally:
                    close_old_connections()
                stop.wait(options["sweep_every"])

        thread = threading.Thread(target=loop, name="iskra-sweeps", daemon=True)
        thread.start()
        try:
            call_command("db_worker", interval=1.0)
        finally:
            stop.set()
