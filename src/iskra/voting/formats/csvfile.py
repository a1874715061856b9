"""Read ballots from CSV: one ballot per row, candidate names in preference order.

Rules:

* Every row has the same number of cells (a spreadsheet's export: shorter rankings end
  in empty cells). A row with more or fewer cells than the first is an error, because a
  ragged file is usually a damaged or mis-split one.
* An optional first column holds a count (a whole number) of identical ballots.
* The first row is a header, and skipped, when every non-empty cell in it is a column
  label: ``count``, ``weight``, ``votes``, ``n``, or a word followed by a number such as
  ``rank1``, ``Rank 2``, ``choice_3``, ``pref4``.
* Empty cells and the markers ``skipped`` and ``undervote`` are skipped.
* ``overvote`` ends the ballot there (the voter's intention at that rank is unknown).
* A name repeated later on the same ballot stays in the ranking, which the transfer
  methods read up to the repeat; with ``repeats=False`` it is an error.
* Candidates are listed in order of first appearance in the file.
"""

from __future__ import annotations

import csv
import io
import re

from ..ballots import Profile, Ranking
from ..errors import BallotFileError
from .common import check_name, file_text, refuse_repeat, weight

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path

# No two parts of the pattern can match the same character, so a long cell is matched in
# one pass (an earlier pattern with ``[a-z_ ]*?\s*`` took quadratic time on spaces).
_LABEL = re.compile(r"^(?:count|weight|votes|n|[a-z_ ]*\d+)$", re.IGNORECASE)
_SKIP = {"", "skipped", "undervote"}
_STOP = {"overvote"}


def _is_header(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(_LABEL.match(c) and not c.isdigit() for c in cells)


def read_csv(path: str | Path, *, repeats: bool = True) -> Profile:
    """Parse a CSV ballot file (see the module documentation for the rules)."""
    name, text = file_text(path)
    index: dict[str, int] = {}
    ballots: dict[Ranking, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    width: int | None = None
    try:
        for row in reader:
            lineno = reader.line_num
            if not row:
                continue  # a blank line
            if width is None:
                width = len(row)
            elif len(row) != width:
                raise BallotFileError(
                    name,
                    lineno,
                    f"this row has {len(row)} cells but the first row has {width}; "
                    "every row needs the same number of cells (empty ones are fine)",
                )
            if lineno == 1 and _is_header(row):
                continue
            if not any(c.strip() for c in row):
                continue
            count = 1
            cells = row
            first = row[0].strip()
            if first.isascii() and first.isdigit():
                count = weight(first, name, lineno)
                cells = row[1:]
            ranking: list[int] = []
            seen: set[int] = set()
            for cell in cells:
                label = cell.strip()
                low = label.lower()
                if low in _SKIP:
                    continue
                if low in _STOP:
                    break
                c = index.get(label)
                if c is None:
                    c = index[check_name(label, name, lineno)] = len(index)
                if c in seen and not repeats:
                    raise refuse_repeat(name, lineno, label)
                seen.add(c)
                ranking.append(c)
            key: Ranking = tuple(ranking)
            ballots[key] = ballots.get(key, 0) + count
    except csv.Error as exc:
        raise BallotFileError(name, reader.line_num, f"CSV error: {exc}") from None
    if not index:
        raise BallotFileError(name, 1, "no candidate names found")
    return Profile(candidates=tuple(index), ballots=tuple(ballots.items()))
