"""The ``iskra`` command: a thin front over Django's management commands.

``iskra count`` runs the counting engine without loading Django at all, so recounting a
published ballot file needs nothing but this package.
"""

from __future__ import annotations

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
  iskra check --deploy                          check production settings

All Django management commands follow (iskra help COMMAND for one command's options).
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "count":
        from iskra.voting.cli import main as count_main

        return count_main(args[1:])
    if args and args[0] == "trustee":
        from iskra.sealed.cli import main as trustee_main

        return trustee_main(args[1:])
    if args and args[0] == "demo":
        os.environ.setdefault("ISKRA_ENV", "demo")
        if "--data-dir" in args:
            index = args.index("--data-dir")
            if index + 1 < len(args):
                os.environ["ISKRA_DATA_DIR"] = args[index + 1]
    if not args or args[0] in {"help", "--help", "-h"}:
        # Listing commands needs settings but no secrets.
        os.environ.setdefault("ISKRA_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")

    from iskra.env import ConfigurationError

    if not args or (args[0] in {"help", "--help", "-h"} and len(args) == 1):
        print(ISKRA_HELP)

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["iskra", *args])
    except ConfigurationError as exc:
        print(f"iskra: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
