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
thousand distinct lines; in the usual export form those are then converted all at once
by operations on one buffer (see :func:`_unit_weight_rankings`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import islice, repeat

from ..ballots import Profile, Ranking, gc_paused
from ..errors import BallotFileError
from .common import (
    MAX_CANDIDATES,
    MAX_WEIGHT,
    check_name,
    file_bytes,
    number,
    refuse_repeat,
    repeated,
    shown,
)
from .common import weight as read_weight

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path

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
    for tok in toks:
        if not tok.lstrip(b"-").isdigit():
            raise BallotFileError(
                name, line, f"expected numbers on a ballot line, got {shown(tok)}"
            )
    if len(toks) < 2 or toks[-1] != b"0":
        raise BallotFileError(name, line, "a ballot line must end with 0")
    count = read_weight(toks[0], name, line)
    prefs = [number(t, name, line, "a preference") for t in toks[1:-1]]
    for p in prefs:
        if not 1 <= p <= n_cands:
            raise BallotFileError(
                name, line, f"preference {p} is not a candidate number (1..{n_cands})"
            )
    return count, tuple(p - 1 for p in prefs)


# Byte classes for _convert_lines: a digit becomes its value (0-9); a space or a newline
# becomes a separator, marked by bit 0x40, which no digit value has; any other byte
# becomes _OTHER. The separators stay apart from the values of numbers (0-99) and from
# flagged tens digits (0x80-0x89) throughout.
_SPACE, _NEWLINE, _OTHER = 0x70, 0xC0, 0xFF
_CLASSES = bytes(
    b - 0x30 if 0x30 <= b <= 0x39 else {0x20: _SPACE, 0x0A: _NEWLINE}.get(b, _OTHER)
    for b in range(256)
)
# The first digit of a two-digit number is flagged with 0x80 and then dropped.
_TENS_FLAG = 0x80
_DROPPED = bytes([_SPACE, *range(_TENS_FLAG + 1, _TENS_FLAG + 10)])
# Codes of the converted buffer besides the candidate indices 0..98.
_END, _LINE, _BAD = 0xFF, 0xFD, 0xFE
# How many candidates the buffer conversion handles: numbers of at most two digits.
_MAX_BUFFER_CANDIDATES = 99


def _value_codes(n_cands: int) -> bytes:
    """Translation table from a number's value to its code: candidate numbers 1..n to
    indices 0..n-1, 0 to _END, newlines to _LINE; anything else is _BAD (including a
    flagged tens digit 0, i.e. a number written with a leading zero)."""
    table = bytearray([_BAD]) * 256
    table[0] = _END
    table[1 : n_cands + 1] = range(n_cands)
    table[_NEWLINE] = _LINE
    return bytes(table)


def _unit_weight_rankings(lines: Iterable[bytes], n_cands: int) -> list[Ranking] | None:
    """Rankings of distinct ballot lines that all have the usual export form, or None.

    The form is ``1 <preferences> 0``: weight 1, preferences that are candidate numbers
    written without leading zeros, single spaces, nothing else on the line. Every line
    of that form gives a different ranking, so no two need adding up.

    Instead of splitting each line, a few thousand lines at a time are joined into one
    buffer and converted by operations on the whole buffer (see :func:`_convert_lines`),
    so no Python code runs per preference. Any line not of the form is detected on the
    way, and then None sends the file to the line parsers, which report the precise
    error or handle the other forms.
    """
    if n_cands > _MAX_BUFFER_CANDIDATES:
        return None
    codes = _value_codes(n_cands)
    rankings: list[Ranking] = []
    remaining = iter(lines)
    # Small buffers stay in the processor's cache and keep the memory used low.
    while chunk := tuple(islice(remaining, 4096)):
        pieces = _convert_lines(chunk, codes)
        if pieces is None:
            return None
        rankings += map(tuple, pieces)
    return rankings


def _convert_lines(lines: Sequence[bytes], codes: bytes) -> list[bytes] | None:
    """Each line's preferences as candidate indices, one byte each, if every line has
    the usual export form (see :func:`_unit_weight_rankings`); otherwise None.

    Each step is one pass in C over one buffer: translate, find, count, split, and
    arithmetic on a big integer holding the whole buffer, which handles two-digit
    numbers for all lines at once.
    """
    buf = b"\n".join((b"", *lines, b"")).translate(_CLASSES)
    if bytes([_OTHER]) in buf:
        return None  # a character other than a digit, a space or a newline
    # Byte i of the buffer is bits 8i..8i+7 of the integer x, so x >> 8 holds each
    # byte's successor in its place. No step below carries from one byte to the next:
    # &, | and ^ never carry, and the one addition leaves every byte below 0x100.
    size = len(buf)
    x = int.from_bytes(buf, "little")
    sep_bits = int.from_bytes(bytes([0x40]) * size, "little")
    sep = x & sep_bits
    if sep & (sep >> 8):
        # Two separators in a row: a blank line, a space at either end of a line, or
        # two spaces between numbers.
        return None
    # 0x40 on each byte where neither it nor the next is a separator, i.e. on a digit
    # followed by a digit: the first digit of a number of two or more digits. (The last
    # byte is a newline, so nothing reads past the end.)
    tens = sep_bits ^ ((x | (x >> 8)) & sep_bits)
    if tens & (tens >> 8):
        return None  # a number with three or more digits
    # Add ten times each first digit to the digit after it (at most 9 + 90 = 99) and
    # flag the first digit with 0x80 (9 + 0x80 at most) for deletion, so that each
    # number ends as one byte holding its value.
    x += (((x & ((tens >> 6) * 0xFF)) * 10) << 8) + (tens << 1)
    converted = x.to_bytes(size, "little").translate(codes, _DROPPED)
    # Now one code per number and _LINE per newline. The lines have the form exactly
    # when this reads _LINE, then per line: 1 (index 0), candidate indices, _END, _LINE.
    # That holds when there is no _BAD, the ends are right, _END occurs once per line
    # (so no preference is 0), and splitting at "_END _LINE 1" gives one piece per line
    # (so every line break is between a final 0 and a weight 1).
    head, tail = bytes([_LINE, 0]), bytes([_END, _LINE])
    if (
        bytes([_BAD]) in converted
        or converted[:2] != head
        or converted[-2:] != tail
        or converted.count(_END) != len(lines)
    ):
        return None
    pieces = converted[2:-2].split(tail + b"\x00")
    return pieces if len(pieces) == len(lines) else None


def _parse_unit_weight_lines(
    counts: Counter[bytes], lookup: Callable[[bytes], int]
) -> dict[Ranking, int] | None:
    """Unit-weight lines, ``1 <preferences> 0``, with any spacing between numbers.

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


def _ballots(
    counts: Counter[bytes], n_cands: int, name: str, lines: list[bytes], start: int
) -> tuple[tuple[Ranking, int], ...]:
    """The grouped ballots of the distinct ballot lines ``counts`` (line -> times seen).

    The quickest reader that accepts every line is used: the whole-buffer conversion of
    the usual export form, then one list comprehension for unit weights with any
    spacing, then the line-by-line parser, which alone raises errors.
    """
    keys = _unit_weight_rankings(counts, n_cands)
    if keys is not None:
        return tuple(zip(keys, counts.values(), strict=True))
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
                if len(toks[0]) > 13:
                    raise KeyError
                count = int(toks[0])
                if not 0 <= count <= MAX_WEIGHT:
                    raise KeyError
            except (KeyError, IndexError, ValueError):
                if not toks or toks[0].startswith(b"#"):
                    continue
                count, key = _parse_ballot(toks, n_cands, name, _first_line(lines, raw, start))
            ballots[key] = ballots.get(key, 0) + count * times
    return tuple(ballots.items())


def read_blt(path: str | Path, *, repeats: bool = True) -> Profile:
    """Parse a BLT file into a :class:`Profile`; raise :class:`BallotFileError`.

    ``repeats=False`` refuses a ballot line naming a candidate twice (see
    :func:`iskra.voting.formats.read_profile`).
    """
    name, data = file_bytes(path)
    with gc_paused():
        return parse_blt(data, name, repeats=repeats)


def parse_blt(data: bytes, name: str = "<blt>", *, repeats: bool = True) -> Profile:
    """Parse BLT content given as bytes."""
    lines = data.splitlines()
    i = _content(lines, 0)
    if i >= len(lines):
        raise BallotFileError(name, 1, "empty file: expected a header 'candidates seats'")
    header = lines[i].split()
    if len(header) != 2 or not all(map(bytes.isdigit, header)):
        raise BallotFileError(name, i + 1, "expected a header of two numbers 'candidates seats'")
    n_cands = number(header[0], name, i + 1, "the number of candidates")
    seats = number(header[1], name, i + 1, "the number of seats")
    if n_cands < 1:
        raise BallotFileError(name, i + 1, "the number of candidates must be at least 1")
    if n_cands > MAX_CANDIDATES:
        # Believing a damaged header would make the reader build tables of that size.
        raise BallotFileError(
            name, i + 1, f"the header names {n_cands} candidates; at most {MAX_CANDIDATES}"
        )
    if seats < 1:
        raise BallotFileError(name, i + 1, "the number of seats must be at least 1")
    if seats > n_cands:
        raise BallotFileError(
            name, i + 1, f"the header asks for {seats} seats but names {n_cands} candidates"
        )
    i = _content(lines, i + 1)
    withdrawn: set[int] = set()
    if i < len(lines) and lines[i].lstrip().startswith(b"-"):
        for tok in lines[i].split():
            if not tok.startswith(b"-"):
                raise BallotFileError(
                    name,
                    i + 1,
                    f"withdrawn candidates must be negative numbers, got {shown(tok)}",
                )
            v = number(tok, name, i + 1, "a withdrawn candidate")
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
    ballots = _ballots(Counter(lines[start:end]), n_cands, name, lines, start)
    names: list[str] = []
    i = end + 1
    title: str | None = None
    while i < len(lines) and len(names) < n_cands:
        i = _content(lines, i)
        if i >= len(lines):
            break
        text = lines[i].decode("utf-8", errors="replace").strip()
        quoted = _QUOTED.findall(text) if text.startswith('"') else []
        names.extend(check_name(n, name, i + 1) for n in (quoted if quoted else [text]))
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
    if not repeats:
        _refuse_repeats(ballots, lines, start, end, name, names)
    return Profile(
        candidates=tuple(names),
        ballots=ballots,
        withdrawn=frozenset(withdrawn),
        seats=seats,
        title=title,
    )


def _refuse_repeats(
    ballots: tuple[tuple[Ranking, int], ...],
    lines: list[bytes],
    start: int,
    end: int,
    name: str,
    names: list[str],
) -> None:
    """Raise :class:`RepeatedPreference` for the first ballot line naming a candidate twice."""
    rankings = [r for r, _ in ballots]
    if list(map(len, rankings)) == list(map(len, map(set, rankings))):
        return  # checked in C: no ranking has a repeat
    for i in range(start, end):
        toks = lines[i].split()
        if len(toks) < 3 or toks[0].startswith(b"#"):
            continue
        again = repeated(int(t) for t in toks[1:-1])
        if again is not None:
            raise refuse_repeat(name, i + 1, names[again - 1])


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
        prefs = " ".join(str(c + 1) for c in ranking if isinstance(c, int))
        out.append(f"{weight} {prefs} 0" if prefs else f"{weight} 0")
    out.append("0")
    out.extend(_quote(c) for c in profile.candidates)
    out.append(_quote(profile.title or ""))
    return "\n".join(out) + "\n"
