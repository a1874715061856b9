"""The ``iskra`` command: a thin front over Django's management commands.

Two commands run without Django at all, so that they need no settings: ``iskra count``
(recounting a published ballot file) and ``iskra ballot verify`` (a member checking a
downloaded export on their own computer).

Every other command loads the settings, whose mode ``ISKRA_ENV`` chooses. When it is not
set, the mode is ``production`` (secrets required), except in a folder where ``iskra demo``
has run: its data folder holds a marker (``iskra.env.DEMO_MARKER``), and commands started
there without ISKRA_ENV run as the demo, on the demo's database. A server started with
``gunicorn iskra.wsgi`` never looks at the marker: without its settings it refuses to start.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

ISKRA_HELP = """Iskra: internal democracy and organising for membership organisations.

Iskra's own commands:
  iskra demo [--port 8000] [--data-dir DIR]     serve a seeded demo organisation
  iskra worker                                  run background tasks (email, probation ends)
  iskra count FILE --method METHOD [...]        count a ballot file (BLT, PrefLib, CSV)
  iskra trustee keygen|mix|decrypt|credentials  offline tools for sealed ballots' trustees
  iskra import members FILE.csv [...]           import members from a CRM export
  iskra seed --members N [--branches M]         build a large synthetic organisation
  iskra audit verify                            check the audit log's hash chain
  iskra search reindex                          rebuild the search index (after iskra seed)
  iskra ballot export ID [-o FILE]              write a counted ballot's published record
  iskra ballot verify EXPORT                    check an export's hash chain and recount it
  iskra newsletter bounces PATH                 read bounces and complaints from the bounce mailbox
  iskra check --deploy                          check production settings

All Django management commands follow (iskra help COMMAND for one command's options).
"""

HELP_WORDS = {"help", "--help", "-h"}


def _option(args: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in ``args``, if given."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def choose_environment(args: list[str]) -> None:
    """Set ISKRA_ENV (and the demo's data folder and address) before settings load."""
    from iskra.env import demo_marker

    if args and args[0] == "demo":
        os.environ.setdefault("ISKRA_ENV", "demo")
        data_dir = _option(args, "--data-dir")
        if data_dir:
            os.environ["ISKRA_DATA_DIR"] = data_dir
        port = _option(args, "--port")
        if port and port.isdigit():
            # Links in the demo's emails lead to the port it serves on.
            os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{int(port)}")
        return
    marker = demo_marker()
    if "ISKRA_ENV" not in os.environ:
        if marker is not None:
            os.environ["ISKRA_ENV"] = "demo"
        elif not args or args[0] in HELP_WORDS:
            # Listing commands needs settings but no secrets.
            os.environ["ISKRA_ENV"] = "development"
    if os.environ.get("ISKRA_ENV") == "demo" and marker and marker.get("site_url"):
        # The demo's worker, run on its own, links to the port the demo served on.
        os.environ.setdefault("SITE_URL", marker["site_url"])


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["count"]:
        if argv is None:
            # A one-shot command whose data holds no reference cycles: the cyclic garbage
            # collector would only walk the imports' and the ballots' objects again and
            # again (about a tenth of the process's time at 100 000 ballots).
            gc.disable()
        from iskra.voting.cli import main as count_main

        status = count_main(args[1:])
        if argv is None:
            # Run as the command: leave at once. The interpreter's own exit would free the
            # count's objects one by one, a few milliseconds that only a user waits for.
            _exit_now(status)
        return status
    if args[:2] == ["ballot", "verify"]:
        from iskra.ballots.verify import main as verify_main

        return verify_main(args[2:])
    if args[:1] == ["trustee"]:
        from iskra.sealed.cli import main as trustee_main

        return trustee_main(args[1:])

    from iskra.env import ConfigurationError

    try:
        choose_environment(args)
    except ConfigurationError as exc:
        print(f"iskra: configuration error: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    if not args or (args[0] in HELP_WORDS and len(args) == 1):
        print(ISKRA_HELP)

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["iskra", *args])
    except ConfigurationError as exc:
        hint = ""
        if os.environ.get("ISKRA_ENV", "production") == "production":
            hint = (
                " (to try Iskra on this computer, run `iskra demo` first: later commands in "
                "the same folder use its database; or set ISKRA_ENV=development)"
            )
        print(f"iskra: configuration error: {exc}{hint}", file=sys.stderr)
        return 2
    return 0


def _exit_now(status: int) -> None:
    """End the process with ``status`` after flushing the output, skipping the clean-up."""
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe: nothing more can be said anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
