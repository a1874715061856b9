"""Read a practical subset of ABIF (Aggregated Ballot Information Format).

Supported: ``{key: "value"}`` metadata (``title`` is kept), ``#`` comments, candidate
definitions ``=token:[Full Name]``, and ballot lines ``count:A>B=C>D`` where ``>``
separates preferences and ``=`` marks equal ones. Ratings (``A/5``) are not supported.
Candidates appear in definition order, then in order of first mention.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..ballots import Profile, Ranking
from ..errors import BallotFileError

_CAND = re.compile(r"^=\s*([^:]+?)\s*:\s*\[(.*)\]\s*$")
_BALLOT = re.compile(r"^(\d+)\s*[:*]\s*(.*)$")
_TITLE = re.compile(r'^\{\s*title\s*:\s*"(.*)"\s*\}$')


def read_abif(path: str | Path) -> Profile:
    """Parse an ABIF file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BallotFileError(name, None, f"cannot read file: {exc.strerror}") from None
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
            if m := _TITLE.match(line):
                title = m.group(1)
            continue
        if m := _CAND.match(line):
            tokens[m.group(1)] = len(names)
            names.append(m.group(2))
            continue
        m = _BALLOT.match(line)
        if not m:
            raise BallotFileError(name, lineno, "expected 'count:A>B>C' or '=token:[Name]'")
        count = int(m.group(1))
        groups: list[int | tuple[int, ...]] = []
        for part in m.group(2).split(">"):
            group: list[int] = []
            for tok in part.split("="):
                tok = tok.strip().strip("[]")
                if not tok:
                    continue
                if "/" in tok:
                    raise BallotFileError(name, lineno, "rated ABIF ballots are not supported")
                if tok not in tokens:
                    tokens[tok] = len(names)
                    names.append(tok)
                group.append(tokens[tok])
            if len(group) == 1:
                groups.append(group[0])
            elif group:
                has_ties = True
                groups.append(tuple(group))
        key = tuple(groups)
        ballots[key] = ballots.get(key, 0) + count
    if not names:
        raise BallotFileError(name, 1, "no candidates found")
    return Profile(
        candidates=tuple(names), ballots=tuple(ballots.items()), title=title, has_ties=has_ties
    )
