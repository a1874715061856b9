"""Read ballots from CSV: one ballot per row, candidate names in preference order.

Rules:

* An optional first column holds a count (a whole number) of identical ballots.
* The first row is a header, and skipped, when every non-empty cell in it is a column
  label: ``count``, ``weight``, ``votes``, ``n``, or a word followed by a number such as
  ``rank1``, ``Rank 2``, ``choice_3``, ``pref4``.
* Empty cells and the markers ``skipped`` and ``undervote`` are skipped.
* ``overvote`` ends the ballot there (the voter's intention at that rank is unknown).
* A name repeated later on the same ballot is ignored (its first mention counts).
* Candidates are listed in order of first appearance in the file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..ballots import Profile, Ranking
from ..errors import BallotFileError

_LABEL = re.compile(r"^(count|weight|votes|n|[a-z_ ]*?\s*_?\d+)$", re.IGNORECASE)
_SKIP = {"", "skipped", "undervote"}
_STOP = {"overvote"}


def _is_header(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(_LABEL.match(c) and not c.isdigit() for c in cells)


def read_csv(path: str | Path) -> Profile:
    """Parse a CSV ballot file (see the module documentation for the rules)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise BallotFileError(name, None, f"cannot read file: {exc.strerror}") from None
    index: dict[str, int] = {}
    ballots: dict[Ranking, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            lineno = reader.line_num
            if lineno == 1 and _is_header(row):
                continue
            if not any(c.strip() for c in row):
                continue
            count = 1
            cells = row
            first = row[0].strip()
            if first.isdigit():
                count = int(first)
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
                c = index.setdefault(label, len(index))
                if c not in seen:
                    seen.add(c)
                    ranking.append(c)
            key: Ranking = tuple(ranking)
            ballots[key] = ballots.get(key, 0) + count
    except csv.Error as exc:
        raise BallotFileError(name, reader.line_num, f"CSV error: {exc}") from None
    if not index:
        raise BallotFileError(name, 1, "no candidate names found")
    return Profile(candidates=tuple(index), ballots=tuple(ballots.items()))
