"""The ballot profile: candidates plus grouped, weighted ballots.

Every counting method reads a :class:`Profile`. Identical ballots are grouped with a
weight (the number of voters who cast that ballot), because real elections repeat the
same short rankings many times and counting each distinct ballot once is what makes
the counts fast.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter, ne

# A ranked ballot lists candidate indices in order of preference. An entry that is a
# tuple is a group of candidates the voter ranked equally (only PrefLib TOC and ABIF
# files can express that). Plain integers keep the common strict case cheap.
Ranking = tuple[int | tuple[int, ...], ...]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing or counting.

    Both create millions of small acyclic tuples; the collector's repeated passes over
    them found nothing to free yet cost several times the work itself on large files.
    Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Profile:
    """Candidates in file order and the weighted ballots cast for them.

    ``ballots`` holds ``(ranking, weight)`` pairs where the ranking lists candidate
    indices. ``withdrawn`` candidates stay in ``candidates`` (so that indices and the
    printed order match the file) but every count treats them as excluded before it
    starts.
    """

    candidates: tuple[str, ...]
    ballots: tuple[tuple[Ranking, int], ...]
    withdrawn: frozenset[int] = frozenset()
    seats: int | None = None
    title: str | None = None
    has_ties: bool = field(default=False)

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        rankings: Iterable[tuple[Sequence[int], int]],
        *,
        withdrawn: Iterable[int] = (),
        seats: int | None = None,
        title: str | None = None,
    ) -> Profile:
        """Build a profile from strict rankings (``(candidate indices, weight)``)."""
        grouped: dict[Ranking, int] = {}
        for ranking, weight in rankings:
            key: Ranking = tuple(ranking)
            grouped[key] = grouped.get(key, 0) + weight
        return cls(
            candidates=tuple(candidates),
            ballots=tuple(grouped.items()),
            withdrawn=frozenset(withdrawn),
            seats=seats,
            title=title,
        )

    @property
    def total_weight(self) -> int:
        """Number of ballots, counting each grouped ballot by its weight."""
        return sum(w for _, w in self.ballots)

    def valid_weight(self) -> int:
        """Number of ballots with at least one preference for a standing candidate."""
        if not self.has_ties and not self.withdrawn:
            return sum(w for r, w in self.ballots if w > 0 and r)
        return sum(w for _, w in self.group_ballots())

    def strict_ballots(
        self, *, cut_repeats: bool = True
    ) -> tuple[list[tuple[int, ...]], list[int]]:
        """Rankings for the transfer-based methods (plurality, IRV, STV).

        Withdrawn candidates are removed. A ranking stops at the first group of equal
        preferences and at the first repeated candidate, because a paper is not
        transferable past an ambiguous preference (the same treatment the Scottish
        rules give to papers on which the next preference cannot be read). Ballots left
        without any preference are not valid votes and are dropped. Identical results
        are merged.

        With ``cut_repeats=False`` a ranking may still hold a repeated candidate, and
        the caller must treat it as the end of that ranking. This saves a pass over
        every ranking for a count that only looks past a preference when it transfers
        the paper (see ``stv/scottish.py``).
        """
        if not self.has_ties and not self.withdrawn:
            # Fast path for strict rankings (BLT, CSV): only repeated candidates need
            # attention, and they are rare.
            # Without ties every entry of a ranking is an int.
            strict: tuple[tuple[tuple[int, ...], int], ...] = self.ballots  # type: ignore[assignment]
            if not strict:
                return [], []
            # C-level passes (map, compress) rather than a Python loop over every ballot.
            rankings = list(map(itemgetter(0), strict))
            weights = list(map(itemgetter(1), strict))
            if not all(rankings) or min(weights) <= 0:
                rankings = [r for r, w in strict if w > 0 and r]
                weights = [w for r, w in strict if w > 0 and r]
            if not cut_repeats:
                return rankings, weights
            lengths = list(map(len, rankings))
            distinct = list(map(len, map(set, rankings)))
            if lengths != distinct:
                for i in compress(range(len(rankings)), map(ne, lengths, distinct)):
                    seen: set[int] = set()
                    cut = []
                    for c in rankings[i]:
                        if c in seen:
                            break
                        seen.add(c)
                        cut.append(c)
                    rankings[i] = tuple(cut)
            return rankings, weights
        merged: dict[tuple[int, ...], int] = {}
        withdrawn = self.withdrawn
        for ranking, weight in self.ballots:
            if weight <= 0:
                continue
            out: list[int] = []
            found: set[int] = set()
            for entry in ranking:
                if not isinstance(entry, int):
                    break
                if entry in found:
                    break
                found.add(entry)
                if entry not in withdrawn:
                    out.append(entry)
            if out:
                key = tuple(out)
                merged[key] = merged.get(key, 0) + weight
        return list(merged.keys()), list(merged.values())

    def group_ballots(self) -> list[tuple[list[set[int]], int]]:
        """Rankings as lists of sets, for the pairwise methods that accept equal ranks.

        Withdrawn candidates and repeated mentions are removed; empty groups vanish.
        """
        out: list[tuple[list[set[int]], int]] = []
        for ranking, weight in self.ballots:
            seen: set[int] = set()
            groups: list[set[int]] = []
            for entry in ranking:
                group = (entry,) if isinstance(entry, int) else entry
                g = {c for c in group if c not in self.withdrawn and c not in seen}
                if g:
                    seen |= g
                    groups.append(g)
            if groups and weight > 0:
                out.append((groups, weight))
        return out
