"""``iskra demo``: migrate, seed the demo organisation once, and serve it until stopped.

The demo leaves a marker in its data folder (``iskra.env.DEMO_MARKER``) so that later
``iskra`` commands run in the same folder use the demo's database (see ``iskra.cli``).
It stops, and stops its background worker, on Ctrl-C, SIGTERM or SIGHUP.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application

from iskra.env import write_demo_marker


class _Stop(Exception):
    """Raised by the signal handler to leave the server loop."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


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

        from iskra.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, is_seeded, seed_demo

        if settings.IS_PRODUCTION:
            # The demo seeds a made-up organisation and marks its folder as a demo's (which
            # later commands there follow): never on a production database.
            raise CommandError(
                "iskra demo does not run with ISKRA_ENV=production: it seeds a made-up "
                "organisation. Unset ISKRA_ENV (or set ISKRA_ENV=demo) to try Iskra."
            )
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a valid port.")
        if not os.environ.get("SITE_URL"):
            # Links in emails (sign-in, voting credentials) lead to the port served here.
            settings.SITE_URL = f"http://127.0.0.1:{port}"
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        if is_seeded():
            self.stdout.write("The database already holds an organisation; not seeding.")
        else:
            self.stdout.write("Seeding the demo organisation…")
            seed_demo(secrets_dir=settings.DATA_DIR / "demo-sealed")
            self.stdout.write(
                "The sealed ballot's trustee keys and voting credentials (secrets the server "
                f"never holds in real use) are in {settings.DATA_DIR / 'demo-sealed'}"
            )
        write_demo_marker(site_url=settings.SITE_URL)
        self.stdout.write(f"\nDemo logins (password '{DEMO_PASSWORD}' for each):")
        for email, what in DEMO_LOGINS:
            self.stdout.write(f"  {email:<24} {what}")
        try:
            server = create_server(
                get_wsgi_application(), host="127.0.0.1", port=port, threads=8, ident="iskra"
            )
        except OSError as exc:
            raise CommandError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
        worker: subprocess.Popen[bytes] | None = None
        try:
            if not options["no_worker"]:
                worker = subprocess.Popen(
                    [sys.executable, "-m", "iskra.cli", "worker"],
                    env={
                        **os.environ,
                        "ISKRA_ENV": settings.ISKRA_ENV,
                        "ISKRA_DATA_DIR": str(settings.DATA_DIR),
                        "SITE_URL": settings.SITE_URL,
                    },
                )
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
            self.stdout.write(self.style.SUCCESS(f"\nIskra is running at http://127.0.0.1:{port}/"))
            self.stdout.write("Press Ctrl-C to stop.")
            self.stdout.flush()
            server.run()
        except (KeyboardInterrupt, _Stop):
            self.stdout.write("\nStopping.")
        finally:
            server.close()
            if worker is not None:
                _end(worker)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _end(worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker: SIGTERM, then SIGKILL if it has not stopped in ten seconds."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
