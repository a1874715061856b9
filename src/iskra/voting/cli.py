"""``iskra count FILE --method METHOD [--seats N] [--seed S] [--format text|json|csv]
[--input-format FMT]``.

Errors never show a traceback: a bad file, an unknown method or an impossible number of
seats prints one line on stderr and exits with status 2 (as argparse does for usage
errors).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from .counting import METHODS, count
from .errors import BallotFileError, CountError
from .formats import FORMATS, read_profile


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iskra count",
        description=(
            "Count an election from a ballot file (BLT, PrefLib SOI/SOC/TOC, CSV, ABIF, "
            "City of Edinburgh Council preference profile CSV)."
        ),
    )
    p.add_argument("file", metavar="FILE", help="ballot file")
    p.add_argument("--method", required=True, choices=METHODS, help="counting method")
    p.add_argument(
        "--seats", type=int, default=None, help="seats to fill (default: the BLT header, else 1)"
    )
    p.add_argument("--seed", type=int, default=None, help="seed for any drawing of lots")
    p.add_argument(
        "--format",
        dest="output",
        choices=("text", "json", "csv"),
        default="text",
        help="output format (default: text)",
    )
    p.add_argument(
        "--input-format",
        choices=FORMATS,
        default=None,
        help=(
            "ballot file format (default: from the file extension; a .csv file in the "
            "Edinburgh council layout is read as edinburgh-csv)"
        ),
    )
    return p


def _progress_printer() -> Callable[[int], None]:
    """Report progress on stderr, but only once a count has taken over a second."""
    start = time.monotonic()

    def report(stage: int) -> None:
        if time.monotonic() - start > 1.0:
            print(f"counting… stage {stage}", file=sys.stderr, flush=True)

    return report


def main(argv: list[str] | None = None) -> int:
    """Run the count CLI; ``argv`` excludes the word "count". Returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        profile = read_profile(args.file, args.input_format)
        seats = args.seats if args.seats is not None else (profile.seats or 1)
        result = count(
            profile,
            method=args.method,
            seats=seats,
            seed=args.seed,
            progress=_progress_printer(),
        )
    except (BallotFileError, CountError) as exc:
        print(f"iskra count: error: {exc}", file=sys.stderr)
        return 2
    except (RecursionError, MemoryError):  # pragma: no cover - defensive
        print("iskra count: error: the count ran out of resources", file=sys.stderr)
        return 2
    if args.output == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif args.output == "csv":
        sys.stdout.write(result.to_csv())
    else:
        sys.stdout.write(result.to_text())
    return 0
