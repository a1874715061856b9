"""``iskra demo``: migrate, seed the demo organisation once, and serve it until Ctrl-C."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run Iskra with a seeded demo organisation on SQLite (or DATABASE_URL)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--data-dir", default=None, help="Where the database lives (default ./var)."
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import create_server

        from iskra.core.demo import DEMO_LOGINS, DEMO_PASSWORD, is_seeded, seed_demo
        from iskra.wsgi import application

        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a valid port.")
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        if is_seeded():
            self.stdout.write("The database already holds an organisation; not seeding.")
        else:
            self.stdout.write("Seeding the demo organisation…")
            seed_demo()
        self.stdout.write(f"\nDemo logins (password '{DEMO_PASSWORD}' for each):")
        for email, what in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {what}")
        try:
            server = create_server(
                application, host="127.0.0.1", port=port, threads=8, ident="iskra"
            )
        except OSError as exc:
            raise CommandError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "iskra.cli", "worker"], env=os.environ.copy()
            )
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        self.stdout.write(self.style.SUCCESS(f"\nIskra is running at http://127.0.0.1:{port}/"))
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping.")
        finally:
            server.close()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
