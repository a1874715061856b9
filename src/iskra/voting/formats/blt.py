"""Read and write the BLT ballot format (as used by OpenSTV, ERS and many others).

Layout::

    4 2              # candidates seats
    -2               # optional: withdrawn candidates as negative numbers
    3 1 2 4 0        # weight, preferences..., 0
    0                # end of ballots
    "Alice"          # one name per line (quotes optional)
    ...
    "Title"          # optional

Blank lines and lines starting with ``#`` are ignored. Reading groups identical ballot
lines as raw bytes before parsing them, so a million-ballot file is parsed as its few
thousand distinct lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from typing import cast

from ..ballots import Profile, Ranking, gc_paused
from ..errors import BallotFileError

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _first_line(lines: list[bytes], key: bytes, start: int) -> int:
    """Line number (1-based) of the first occurrence of ``key`` from ``start``."""
    try:
        return lines.index(key, start) + 1
    except ValueError:
        return start + 1


def _content(lines: list[bytes], i: int) -> int:
    """Index of the next line at or after ``i`` that is neither blank nor a comment."""
    while i < len(lines):
        s = lines[i].strip()
        if s and not s.startswith(b"#"):
            return i
        i += 1
    return i


def _parse_ballot(toks: list[bytes], n_cands: int, name: str, line: int) -> tuple[int, Ranking]:
    """Parse one ballot line carefully, raising a precise error if it is malformed."""
    try:
        nums = [int(t) for t in toks]
    except ValueError:
        bad = next(t for t in toks if not t.lstrip(b"-").isdigit())
        raise BallotFileError(
            name, line, f"expected numbers on a ballot line, got {bad.decode(errors='replace')!r}"
        ) from None
    if len(nums) < 2 or nums[-1] != 0:
        raise BallotFileError(name, line, "a ballot line must end with 0")
    if nums[0] < 0:
        raise BallotFileError(name, line, "a ballot weight cannot be negative")
    prefs = nums[1:-1]
    for p in prefs:
        if not 1 <= p <= n_cands:
            raise BallotFileError(
                name, line, f"preference {p} is not a candidate number (1..{n_cands})"
            )
    return nums[0], tuple(p - 1 for p in prefs)


def _parse_unit_weight_lines(
    counts: Counter[bytes], lookup: Callable[[bytes], int]
) -> dict[Ranking, int] | None:
    """Fast path for the usual export, one ballot per line: ``1 <preferences> 0``.

    If every distinct line starts with ``1 `` and ends with `` 0`` and every preference
    is a candidate number, the rankings are built in one list comprehension; otherwise
    return None and let the line-by-line parser (with its precise errors) handle the file.
    """
    if not (
        all(map(bytes.startswith, counts, repeat(b"1 ")))
        and all(map(bytes.endswith, counts, repeat(b" 0")))
    ):
        return None
    try:
        keys: list[Ranking] = [tuple(map(lookup, raw[2:-2].split())) for raw in counts]
    except KeyError:
        return None
    ballots: dict[Ranking, int] = dict(zip(keys, counts.values(), strict=True))
    if len(ballots) != len(keys):
        # Lines that differ only in spacing give the same ranking: add them up.
        ballots = {}
        for key, times in zip(keys, counts.values(), strict=True):
            ballots[key] = ballots.get(key, 0) + times
    return ballots


def read_blt(path: str | Path) -> Profile:
    """Parse a BLT file into a :class:`Profile`; raise :class:`BallotFileError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BallotFileError(name, None, f"cannot read file: {exc.strerror}") from None
    with gc_paused():
        return parse_blt(data, name)


def parse_blt(data: bytes, name: str = "<blt>") -> Profile:
    """Parse BLT content given as bytes."""
    lines = data.splitlines()
    i = _content(lines, 0)
    if i >= len(lines):
        raise BallotFileError(name, 1, "empty file: expected a header 'candidates seats'")
    header = lines[i].split()
    try:
        if len(header) != 2:
            raise ValueError
        n_cands, seats = int(header[0]), int(header[1])
    except ValueError:
        raise BallotFileError(
            name, i + 1, "expected a header of two numbers 'candidates seats'"
        ) from None
    if n_cands < 1:
        raise BallotFileError(name, i + 1, "the number of candidates must be at least 1")
    if seats < 1:
        raise BallotFileError(name, i + 1, "the number of seats must be at least 1")
    i = _content(lines, i + 1)
    withdrawn: set[int] = set()
    if i < len(lines) and lines[i].lstrip().startswith(b"-"):
        for tok in lines[i].split():
            try:
                v = int(tok)
            except ValueError:
                raise BallotFileError(
                    name, i + 1, f"withdrawn candidates must be negative numbers, got {tok!r}"
                ) from None
            if not -n_cands <= v <= -1:
                raise BallotFileError(name, i + 1, f"withdrawn candidate {v} is out of range")
            withdrawn.add(-v - 1)
        i += 1
    start = i
    # The ballot section ends at the first line that is exactly "0". A C-level search
    # finds it quickly; the slow scan only runs for files with odd whitespace.
    try:
        end = lines.index(b"0", start)
    except ValueError:
        end = start
        while end < len(lines) and lines[end].strip() != b"0":
            end += 1
        if end >= len(lines):
            raise BallotFileError(
                name, len(lines), "missing the line '0' that ends the ballots"
            ) from None
    counts = Counter(lines[start:end])
    # Candidate numbers are looked up as bytes, which is faster than int() and checks
    # the range at the same time; anything unusual falls back to the careful parser.
    index = {str(i + 1).encode(): i for i in range(n_cands)}
    lookup = index.__getitem__
    ballots = _parse_unit_weight_lines(counts, lookup)
    if ballots is None:
        ballots = {}
        for raw, times in counts.items():
            toks = raw.split()
            try:
                if toks[-1] != b"0":
                    raise KeyError
                key: Ranking = tuple(map(lookup, toks[1:-1]))
                weight = int(toks[0])
                if weight < 0:
                    raise KeyError
            except (KeyError, IndexError, ValueError):
                if not toks or toks[0].startswith(b"#"):
                    continue
                weight, key = _parse_ballot(toks, n_cands, name, _first_line(lines, raw, start))
            ballots[key] = ballots.get(key, 0) + weight * times
    names: list[str] = []
    i = end + 1
    title: str | None = None
    while i < len(lines) and len(names) < n_cands:
        i = _content(lines, i)
        if i >= len(lines):
            break
        text = lines[i].decode("utf-8", errors="replace").strip()
        quoted = _QUOTED.findall(text) if text.startswith('"') else []
        names.extend(quoted if quoted else [text])
        i += 1
    if len(names) < n_cands:
        raise BallotFileError(
            name, min(i, len(lines)) or 1, f"expected {n_cands} candidate names, found {len(names)}"
        )
    if len(names) > n_cands:
        title = names[n_cands]
        names = names[:n_cands]
    i = _content(lines, i)
    if title is None and i < len(lines):
        text = lines[i].decode("utf-8", errors="replace").strip()
        title = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text
    return Profile(
        candidates=tuple(names),
        ballots=tuple(ballots.items()),
        withdrawn=frozenset(withdrawn),
        seats=seats,
        title=title,
    )


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def write_blt(profile: Profile, seats: int | None = None) -> str:
    """Serialise a profile as BLT text. Equal preferences cannot be written in BLT."""
    out = [f"{len(profile.candidates)} {seats or profile.seats or 1}"]
    if profile.withdrawn:
        out.append(" ".join(str(-(c + 1)) for c in sorted(profile.withdrawn)))
    for ranking, weight in profile.ballots:
        if not all(isinstance(c, int) for c in ranking):
            raise ValueError("BLT cannot express equal preferences")
        prefs = " ".join(str(cast(int, c) + 1) for c in ranking)
        out.append(f"{weight} {prefs} 0" if prefs else f"{weight} 0")
    out.append("0")
    out.extend(_quote(c) for c in profile.candidates)
    out.append(_quote(profile.title or ""))
    return "\n".join(out) + "\n"
