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
from pathlib import Path

from ..ballots import Profile, Ranking
from ..errors import BallotFileError

_ALT = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*)$")
_NUM_ALTS = re.compile(r"#\s*NUMBER ALTERNATIVES\s*:\s*(\d+)")
_TITLE = re.compile(r"#\s*TITLE\s*:\s*(.*)$")


def read_preflib(path: str | Path) -> Profile:
    """Parse a PrefLib SOC/SOI/TOC file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise BallotFileError(name, None, f"cannot read file: {exc.strerror}") from None
    names: dict[int, str] = {}
    n_alts: int | None = None
    title: str | None = None
    ballots: dict[Ranking, int] = {}
    has_ties = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if m := _ALT.match(line):
                names[int(m.group(1))] = m.group(2).strip()
            elif m := _NUM_ALTS.match(line):
                n_alts = int(m.group(1))
            elif m := _TITLE.match(line):
                title = m.group(1).strip() or None
            continue
        count_text, sep, order = line.partition(":")
        if not sep:
            raise BallotFileError(name, lineno, "expected 'count: preferences'")
        try:
            count = int(count_text)
        except ValueError:
            raise BallotFileError(name, lineno, f"bad count {count_text.strip()!r}") from None
        groups: list[int | tuple[int, ...]] = []
        # Split on commas outside braces, keeping brace groups whole.
        for tok in re.findall(r"\{[^}]*\}|[^,\s{}]+", order):
            items = tok.strip("{}").split(",") if tok.startswith("{") else [tok]
            try:
                group = tuple(int(x) - 1 for x in items if x.strip())
            except ValueError:
                raise BallotFileError(name, lineno, f"bad alternative {tok!r}") from None
            if not group:
                continue
            if len(group) > 1:
                has_ties = True
                groups.append(group)
            else:
                groups.append(group[0])
        key = tuple(groups)
        ballots[key] = ballots.get(key, 0) + count
    if n_alts is None:
        n_alts = max(names) if names else 0
    if n_alts < 1:
        raise BallotFileError(name, 1, "no '# NUMBER ALTERNATIVES' or '# ALTERNATIVE NAME' header")
    candidates = tuple(names.get(i, f"Alternative {i}") for i in range(1, n_alts + 1))
    for ranking in ballots:
        for entry in ranking:
            for c in (entry,) if isinstance(entry, int) else entry:
                if not 0 <= c < n_alts:
                    raise BallotFileError(name, None, f"alternative {c + 1} is out of range")
    return Profile(
        candidates=candidates,
        ballots=tuple(ballots.items()),
        title=title,
        has_ties=has_ties,
    )
