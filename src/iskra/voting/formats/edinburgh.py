"""Read the City of Edinburgh Council's "preference profile report" (format ``edinburgh-csv``).

The council published the ballots of each ward of its 2017 election as a ``.csv`` file
that is in fact a BLT-like listing with no commas, every line padded with spaces to a
fixed width::

    10 4                               <- candidates seats
    8 1 0                              <- count, preferences in order, 0
    3 1 10 0
    ...
    0                                  <- end of the ballot lines
    "Daniel FRASER"                    <- one quoted name per line, in number order
    ...
    "Ward 1 - Almond"                  <- the ward: the title

Reading rules:

* Leading and trailing spaces on every line (the padding) are ignored, and so are blank
  lines; a byte-order mark is skipped.
* Ballot lines follow the BLT rules (see :mod:`.blt`), including their error messages.
* After the ``0`` line come exactly as many names as the header says, one per line, each
  in double quotes, then optionally the ward name in double quotes, and nothing else.
* Runs of spaces inside a name are collapsed to one (the council's export pads some names,
  e.g. ``"Kevin  LANG"``); two candidates with the same name are an error.
* Names are UTF-8, or Windows-1252 if the file is not valid UTF-8.

A ``.csv`` file is read in this layout when its first line is two whole numbers and its
second a line of whole numbers (see :func:`looks_like_edinburgh`); any other ``.csv`` is
the one-ballot-per-row layout of :mod:`.csvfile`.
"""

from __future__ import annotations

import re

from ..ballots import Profile, gc_paused
from ..errors import BallotFileError
from .blt import parse_blt
from .common import check_name, file_bytes, shown

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path

_BOM = b"\xef\xbb\xbf"
_HEADER = re.compile(rb"\d+[ \t]+\d+")
_NUMBERS = re.compile(rb"-?\d+(?:[ \t]+-?\d+)*")
_QUOTED = re.compile(r'"([^"]*)"')
_SPACES = re.compile(r"\s+")
_SNIFF_BYTES = 1 << 16


def _content_lines(data: bytes) -> list[bytes]:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    return [line.strip() for line in data.splitlines()]


def looks_like_edinburgh(head: bytes) -> bool:
    """True if ``head`` (the start of a file) has the preference-profile layout.

    The first non-blank line must be exactly two whole numbers (candidates, seats) and the
    second a line of whole numbers (a ballot line, or ``0``), with no commas.
    """
    lines = [line for line in _content_lines(head)[:50] if line]
    return (
        len(lines) >= 2
        and _HEADER.fullmatch(lines[0]) is not None
        and _NUMBERS.fullmatch(lines[1]) is not None
    )


def sniff_edinburgh(path: str | Path) -> bool:
    """Whether the file at ``path`` is in the Edinburgh layout (False if unreadable)."""
    try:
        with open(path, "rb") as fh:
            return looks_like_edinburgh(fh.read(_SNIFF_BYTES))
    except OSError:
        return False


def _decode(raw: bytes, utf8: bool) -> str:
    return raw.decode("utf-8") if utf8 else raw.decode("cp1252", errors="replace")


def parse_edinburgh(data: bytes, name: str = "<edinburgh-csv>", *, repeats: bool = True) -> Profile:
    """Parse a preference profile report given as bytes (see the module documentation)."""
    lines = _content_lines(data)
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise BallotFileError(name, 1, "empty file: expected a header 'candidates seats'")
    if not _HEADER.fullmatch(lines[first]):
        raise BallotFileError(
            name,
            first + 1,
            "expected the header of a preference profile report: two whole numbers,"
            " 'candidates seats'",
        )
    # Same line numbers as the file, so that errors from the BLT parser point at it.
    profile = parse_blt(b"\n".join(lines), name, repeats=repeats)
    n_cands = len(profile.candidates)
    end = lines.index(b"0", first + 1)
    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    names: list[str] = []
    seen: dict[str, int] = {}
    title: str | None = None
    for i in range(end + 1, len(lines)):
        raw = lines[i]
        if not raw:
            continue
        text = _decode(raw, utf8)
        match = _QUOTED.fullmatch(text)
        if len(names) < n_cands:
            if match is None:
                raise BallotFileError(
                    name,
                    i + 1,
                    f"expected a candidate name in double quotes, got {shown(text, 40)}",
                )
            label = check_name(_SPACES.sub(" ", match.group(1)).strip(), name, i + 1)
            if not label:
                raise BallotFileError(name, i + 1, "empty candidate name")
            if label in seen:
                raise BallotFileError(
                    name,
                    i + 1,
                    f"candidate name {label!r} repeats the name on line {seen[label]}",
                )
            seen[label] = i + 1
            names.append(label)
        elif title is None:
            if match is None:
                raise BallotFileError(
                    name, i + 1, f"expected the ward name in double quotes, got {shown(text, 40)}"
                )
            title = _SPACES.sub(" ", match.group(1)).strip() or None
        else:
            raise BallotFileError(
                name, i + 1, f"unexpected line after the ward name: {shown(text, 40)}"
            )
    if len(names) < n_cands:
        raise BallotFileError(
            name, len(lines) or 1, f"expected {n_cands} candidate names, found {len(names)}"
        )
    return Profile(
        candidates=tuple(names),
        ballots=profile.ballots,
        withdrawn=profile.withdrawn,
        seats=profile.seats,
        title=title,
    )


def read_edinburgh(path: str | Path, *, repeats: bool = True) -> Profile:
    """Read a City of Edinburgh Council preference profile report; raise
    :class:`BallotFileError` (with the line number) if it is malformed."""
    name, data = file_bytes(path)
    with gc_paused():
        return parse_edinburgh(data, name, repeats=repeats)
