"""``iskra count FILE --method METHOD [--seats N] [--seed S] [--format text|json|csv]
[--input-format FMT]``.

Errors never show a traceback: a bad file, an unknown method or an impossible number of
seats prints one line on stderr and exits with status 2 (as argparse does for usage
errors).

The command is timed by its users as a whole process, start-up included, so this module
imports only ``argparse`` at first; the reader of the file's format and the chosen
method's module are loaded when they are needed (see ``iskra.voting.counting``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .counting import METHODS, REPEATS_BY_RULE, count
from .errors import BallotFileError, CountError, RepeatedPreference
from .formats import FORMATS, read_profile

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable

    from .results import CountResult


class _Formatter(argparse.HelpFormatter):
    """Help text as wide as the terminal, measured with ``os`` (loaded anyway): argparse's
    own measurement imports ``shutil``, and with it three compression modules, on every
    run, since argparse builds a formatter for each option it is given."""

    def __init__(self, prog: str) -> None:
        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except (AttributeError, OSError, ValueError):  # not a terminal, or no file at all
            columns = 80
        super().__init__(prog, width=max(40, columns - 2))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iskra count",
        formatter_class=_Formatter,
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


def _error(message: str) -> int:
    print(f"iskra count: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Run the count CLI; ``argv`` excludes the word "count". Returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        profile = read_profile(args.file, args.input_format, repeats=args.method in REPEATS_BY_RULE)
        seats = args.seats if args.seats is not None else (profile.seats or 1)
        result = count(
            profile,
            method=args.method,
            seats=seats,
            seed=args.seed,
            progress=_progress_printer(),
        )
    except RepeatedPreference as exc:
        return _error(
            f"{exc}: {args.method} has no rule for a repeated preference "
            f"(only {', '.join(sorted(REPEATS_BY_RULE))} read a paper up to its first repeat)"
        )
    except (BallotFileError, CountError) as exc:
        return _error(str(exc))
    except (RecursionError, MemoryError):  # pragma: no cover - defensive
        return _error("the count ran out of resources")
    except KeyboardInterrupt:
        return _error("interrupted")
    try:
        _write(result, args.output)
    except BrokenPipeError:
        # The reader of our output went away (``iskra count … | head``): not an error of
        # the count. Point stdout at nothing so that the exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _write(result: CountResult, output: str) -> None:
    if output == "json":
        import json

        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    elif output == "csv":
        sys.stdout.write(result.to_csv())
    else:
        sys.stdout.write(result.to_text())
    sys.stdout.flush()
