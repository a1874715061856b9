"""Read a practical subset of ABIF (Aggregated Ballot Information Format).

Supported: ``{key: "value"}`` metadata (``title`` is kept), ``#`` comments, candidate
definitions ``=token:[Full Name]``, and ballot lines ``count:A>B=C>D`` where ``>``
separates preferences and ``=`` marks equal ones. A candidate on a ballot line is a
token of letters, digits, ``_`` and ``-``, or a name in square brackets; anything else
is an error, so that a file in another format is not read as a list of odd candidates.
Ratings (``A/5``) are not supported. Candidates appear in definition order, then in
order of first mention.
"""

from __future__ import annotations

import re

from ..ballots import Profile, Ranking
from ..errors import BallotFileError
from .common import check_name, file_text, refuse_repeat, repeated, shown, weight

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path

_CAND = re.compile(r"^=\s*([A-Za-z0-9_-]+)\s*:\s*\[([^\[\]]*)\]\s*$")
_BALLOT = re.compile(r"^(\d+)\s*[:*]\s*(.*)$")
_TITLE = re.compile(r'^\{\s*title\s*:\s*"(.*)"\s*\}$')
_TOKEN = re.compile(r"[A-Za-z0-9_-]+|\[[^\[\]]+\]")


def read_abif(path: str | Path, *, repeats: bool = True) -> Profile:
    """Parse an ABIF file."""
    name, text = file_text(path)
    tokens: dict[str, int] = {}
    names: list[str] = []
    title: str | None = None
    ballots: dict[Ranking, int] = {}
    has_ties = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("{"):
            if not line.endswith("}"):
                raise BallotFileError(name, lineno, "a metadata line must end with '}'")
            if m := _TITLE.match(line):
                title = m.group(1)
            continue
        if line.startswith("="):
            m = _CAND.match(line)
            if m is None:
                raise BallotFileError(name, lineno, "expected a candidate line '=token:[Name]'")
            if m.group(1) in tokens:
                raise BallotFileError(name, lineno, f"candidate {m.group(1)!r} is defined twice")
            tokens[m.group(1)] = len(names)
            names.append(check_name(m.group(2), name, lineno))
            continue
        m = _BALLOT.match(line)
        if not m:
            raise BallotFileError(name, lineno, "expected 'count:A>B>C' or '=token:[Name]'")
        count = weight(m.group(1), name, lineno)
        groups: list[int | tuple[int, ...]] = []
        for part in m.group(2).split(">"):
            group: list[int] = []
            for tok in part.split("="):
                tok = tok.strip()
                if not tok:
                    continue
                if "/" in tok:
                    raise BallotFileError(name, lineno, "rated ABIF ballots are not supported")
                if not _TOKEN.fullmatch(tok):
                    raise BallotFileError(
                        name,
                        lineno,
                        f"{shown(tok)} is not a candidate token (letters, digits, _ and -, "
                        "or a name in [brackets])",
                    )
                tok = tok.strip("[]")
                if tok not in tokens:
                    tokens[tok] = len(names)
                    names.append(check_name(tok, name, lineno))
                group.append(tokens[tok])
            if len(group) == 1:
                groups.append(group[0])
            elif group:
                has_ties = True
                groups.append(tuple(group))
        if not repeats and (again := repeated(groups)) is not None:
            raise refuse_repeat(name, lineno, names[again])
        key = tuple(groups)
        ballots[key] = ballots.get(key, 0) + count
    if not names:
        raise BallotFileError(name, 1, "no candidates found")
    return Profile(
        candidates=tuple(names), ballots=tuple(ballots.items()), title=title, has_ties=has_ties
    )
