"""Read PrefLib ordinal files: SOC, SOI and TOC (the 2022 format with ``#`` headers).

Candidate names come from ``# ALTERNATIVE NAME i: name`` lines; each data line is
``count: a,b,{c,d},e``. In TOC files ``{c,d}`` means the voter ranked c and d equally.
The profile keeps those groups: the pairwise methods (Schulze, ranked pairs) count no
preference between equally ranked candidates, approval counts every listed candidate,
and the transfer methods (plurality, IRV, STV) read a ballot only up to its first
group of equal preferences (see :meth:`Profile.strict_ballots`).
"""

from __future__ import annotations

import re

from ..ballots import Profile, Ranking
from ..errors import BallotFileError
from .common import (
    MAX_CANDIDATES,
    check_name,
    file_text,
    number,
    refuse_repeat,
    repeated,
    shown,
    weight,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path

_ALT = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*)$")
_NUM_ALTS = re.compile(r"#\s*NUMBER ALTERNATIVES\s*:\s*(\d+)")
_TITLE = re.compile(r"#\s*TITLE\s*:\s*(.*)$")
_ITEMS = re.compile(r"\{[^}]*\}|[^,\s{}]+")


def read_preflib(path: str | Path, *, repeats: bool = True) -> Profile:
    """Parse a PrefLib SOC/SOI/TOC file."""
    name, text = file_text(path)
    names: dict[int, str] = {}
    n_alts: int | None = None
    title: str | None = None
    ballots: dict[Ranking, int] = {}
    first_line: dict[Ranking, int] = {}
    has_ties = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if m := _ALT.match(line):
                alt = number(m.group(1), name, lineno, "an alternative's number")
                if not 1 <= alt <= MAX_CANDIDATES:
                    raise BallotFileError(name, lineno, f"alternative {alt} is out of range")
                names[alt] = check_name(m.group(2).strip(), name, lineno)
            elif m := _NUM_ALTS.match(line):
                n_alts = number(m.group(1), name, lineno, "the number of alternatives")
                if n_alts > MAX_CANDIDATES:
                    raise BallotFileError(
                        name, lineno, f"{n_alts} alternatives; at most {MAX_CANDIDATES}"
                    )
            elif m := _TITLE.match(line):
                title = m.group(1).strip() or None
            continue
        count_text, sep, order = line.partition(":")
        if not sep:
            raise BallotFileError(name, lineno, "expected 'count: preferences'")
        count_text = count_text.strip()
        if not (count_text.isascii() and count_text.isdigit()):
            raise BallotFileError(name, lineno, f"bad count {shown(count_text)}")
        count = weight(count_text, name, lineno)
        groups: list[int | tuple[int, ...]] = []
        # Split on commas outside braces, keeping brace groups whole.
        for tok in _ITEMS.findall(order):
            items = tok.strip("{}").split(",") if tok.startswith("{") else [tok]
            group = []
            for x in (item.strip() for item in items):
                if not x:
                    continue
                if not (x.isascii() and x.isdigit()) or len(x) > 6:
                    raise BallotFileError(name, lineno, f"bad alternative {shown(tok)}")
                group.append(int(x) - 1)
            if not group:
                continue
            if len(group) > 1:
                has_ties = True
                groups.append(tuple(group))
            else:
                groups.append(group[0])
        if _ITEMS.sub("", order).replace(",", "").strip():
            raise BallotFileError(name, lineno, f"bad preferences {shown(order.strip(), 40)}")
        key = tuple(groups)
        if not repeats and (again := repeated(key)) is not None:
            raise refuse_repeat(name, lineno, names.get(again + 1, f"alternative {again + 1}"))
        ballots[key] = ballots.get(key, 0) + count
        first_line.setdefault(key, lineno)
    if n_alts is None:
        n_alts = max(names) if names else 0
    if n_alts < 1:
        raise BallotFileError(name, 1, "no '# NUMBER ALTERNATIVES' or '# ALTERNATIVE NAME' header")
    candidates = tuple(names.get(i, f"Alternative {i}") for i in range(1, n_alts + 1))
    for ranking in ballots:
        for entry in ranking:
            for c in (entry,) if isinstance(entry, int) else entry:
                if not 0 <= c < n_alts:
                    raise BallotFileError(
                        name, first_line[ranking], f"alternative {c + 1} is out of range"
                    )
    return Profile(
        candidates=candidates,
        ballots=tuple(ballots.items()),
        title=title,
        has_ties=has_ties,
    )
