"""Tie-breaking shared by the methods: earlier stages first, then lot from a seed.

A lot is drawn with ``random.Random(seed)``: the tied candidates are sorted by their
order in the ballot file and one is chosen with ``Random.choice``. The same generator
is used for every lot in one count, in order, so publishing the seed lets anyone
reproduce every draw exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    import random


@dataclass
class Lot:
    """A drawing of lots: at which stage, why, between whom, and who was chosen."""

    stage: int
    purpose: str
    between: list[int]
    chosen: int


@dataclass
class TieBreaker:
    """Seeded lot drawing with a record of every draw."""

    seed: int | None
    lots: list[Lot] = field(default_factory=list)
    _rng: random.Random | None = None

    def draw(self, tied: Sequence[int], *, stage: int, purpose: str) -> int:
        """Choose one of ``tied`` by lot and record the draw."""
        if self._rng is None:
            import random  # here, not at the top: most counts draw no lot

            # Without a published seed a fresh one is drawn and kept in the result, so
            # even an unseeded count can be reproduced afterwards.
            if self.seed is None:
                self.seed = random.SystemRandom().randrange(2**32)
            self._rng = random.Random(self.seed)
        ordered = sorted(tied)
        chosen = self._rng.choice(ordered)
        self.lots.append(Lot(stage=stage, purpose=purpose, between=ordered, chosen=chosen))
        return chosen


def by_points(tied: Sequence[int], points: Iterable[Sequence[int]], *, highest: bool) -> list[int]:
    """Narrow a tie by the candidates' votes at the given points of the count, in order.

    At each point where the tied candidates did not all have equal votes, only those with the
    highest (or lowest) value stay in the tie; the step repeats while more than one remains.
    """
    remaining = list(tied)
    for totals in points:
        if len(remaining) == 1:
            break
        values = [totals[c] for c in remaining]
        best = max(values) if highest else min(values)
        narrowed = [c for c, v in zip(remaining, values, strict=True) if v == best]
        if len(narrowed) < len(remaining):
            remaining = narrowed
    return remaining


def by_history(
    tied: Sequence[int], history: Sequence[Sequence[int]], *, highest: bool
) -> list[int]:
    """Narrow a tie using earlier stages, most recent first: the rule of SSI 2007/42 Sch. 1
    rules 49(2) and 51(2), extended to three or more tied candidates by repeating the step.
    (ERS97 looks at the *earliest* point where the tied candidates differed instead: see
    ``stv/ers97.py``.)"""
    return by_points(tied, reversed(history), highest=highest)
