"""What every reader shares: reading the file, checking numbers, naming what is wrong.

A ballot file may come from anywhere (a member's download, a council's website, a
hand-edited spreadsheet), so every number is checked before it is used: a weight or a
candidate count written with thousands of digits would otherwise stop Python's ``int``
(``ValueError`` past 4 300 digits) or make the count's arithmetic crawl.
"""

from __future__ import annotations

from ..errors import BallotFileError, RepeatedPreference

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

# The largest weight one ballot line may carry (a count of identical ballots).
MAX_WEIGHT = 10**12
# The most candidates a file may declare (PrefLib's header, BLT's header).
MAX_CANDIDATES = 100_000
# Numbers longer than this are refused before int() reads them.
_MAX_DIGITS = 15


def file_bytes(path: str | Path) -> tuple[str, bytes]:
    """The file's name (for messages) and content; :class:`BallotFileError` if unreadable."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            return name, fh.read()
    except OSError as exc:
        raise BallotFileError(name, None, f"cannot read file: {exc.strerror}") from None


def file_text(path: str | Path) -> tuple[str, str]:
    """The file's name and text (UTF-8, a byte-order mark skipped).

    Bytes that are not UTF-8 are an error naming their line, not replacement characters:
    a file saved in another encoding, or not a text file at all, would otherwise be read
    as candidates with mangled names.
    """
    name, data = file_bytes(path)
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BallotFileError(
            name, line, "not UTF-8 text (save the file as UTF-8, or check it is a ballot file)"
        ) from None


def check_name(label: str, name: str, line: int) -> str:
    """A candidate name from the file, refused if it holds control characters."""
    if any((ord(ch) < 32 and ch != "\t") or ord(ch) == 127 for ch in label):
        raise BallotFileError(
            name, line, f"the candidate name {shown(label)} holds a control character"
        )
    return label


def shown(token: bytes | str, limit: int = 24) -> str:
    """A token for an error message: quoted, and cut short if long."""
    text = token.decode("utf-8", errors="replace") if isinstance(token, bytes) else token
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text)


def number(token: bytes | str, name: str, line: int, what: str) -> int:
    """A whole number (optionally negative) in ASCII digits, of at most 15 digits."""
    raw = token.decode("ascii", errors="replace") if isinstance(token, bytes) else token
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()):
        raise BallotFileError(name, line, f"expected a whole number for {what}, got {shown(raw)}")
    if len(digits) > _MAX_DIGITS:
        raise BallotFileError(name, line, f"{what} {shown(raw)} is too large")
    return int(raw)


def weight(token: bytes | str, name: str, line: int) -> int:
    """A ballot weight: a whole number from 0 to :data:`MAX_WEIGHT`."""
    value = number(token, name, line, "a ballot weight")
    if value < 0:
        raise BallotFileError(name, line, "a ballot weight cannot be negative")
    if value > MAX_WEIGHT:
        raise BallotFileError(
            name, line, f"a ballot weight cannot be more than {MAX_WEIGHT} (got {value})"
        )
    return value


def repeated(ranking: Iterable[int | Sequence[int]]) -> int | None:
    """The first candidate a ranking (or its groups of equal preferences) names twice."""
    seen: set[int] = set()
    for entry in ranking:
        for c in (entry,) if isinstance(entry, int) else entry:
            if c in seen:
                return c
            seen.add(c)
    return None


def refuse_repeat(name: str, line: int | None, candidate: str) -> RepeatedPreference:
    return RepeatedPreference(
        name, line, f"candidate {shown(candidate, 60)} is ranked twice on one ballot"
    )
