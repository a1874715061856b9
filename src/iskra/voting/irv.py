"""Instant-runoff voting (the alternative vote), single winner.

Each round counts every ballot for its highest-ranked continuing candidate. A candidate
with more than half of the votes still in the count (exhausted ballots are left out)
wins; otherwise the candidate with fewest votes is excluded, ties broken by the most
recent earlier round where the tied candidates differed, then by lot.
"""

from __future__ import annotations

from .ballots import Profile
from .results import CountResult
from .stv.common import Progress, make_stage, pick_lowest
from .ties import TieBreaker


def count_irv(
    profile: Profile, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count a single-winner IRV election round by round."""
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    ties = TieBreaker(seed)
    continuing = [c not in profile.withdrawn for c in range(n)]
    shown = [c for c in range(n) if continuing[c]]
    # piles[c] lists (ballot index, position) of the ballots now counting for c.
    piles: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    totals = [0] * n
    for bi, r in enumerate(rankings):
        piles[r[0]].append((bi, 0))
        totals[r[0]] += weights[bi]
    exhausted = 0
    history: list[list[int]] = [list(totals)]
    stages = [make_stage(1, "First preferences", "first", shown, None, totals, 0, 0)]
    winner: int | None = None
    while True:
        active = sum(totals[c] for c in range(n) if continuing[c])
        cont = [c for c in range(n) if continuing[c]]
        leader = max(cont, key=lambda c: totals[c])
        if 2 * totals[leader] > active or len(cont) == 1:
            winner = leader
            stages[-1].elected = [leader]
            break
        number = len(stages) + 1
        notes: list[str] = []
        loser = pick_lowest(cont, totals, history, ties, number, notes, names)
        before = list(totals)
        ex_before = exhausted
        continuing[loser] = False
        for bi, pos in piles[loser]:
            r = rankings[bi]
            p = pos + 1
            while p < len(r) and not continuing[r[p]]:
                p += 1
            if p < len(r):
                piles[r[p]].append((bi, p))
                totals[r[p]] += weights[bi]
            else:
                exhausted += weights[bi]
        piles[loser] = []
        totals[loser] = 0
        stage = make_stage(
            number,
            f"Exclusion of {names[loser]}",
            "exclusion",
            shown,
            before,
            totals,
            ex_before,
            exhausted,
            subject=[loser],
        )
        stage.excluded = [loser]
        stage.notes.extend(notes)
        stages.append(stage)
        history.append(list(totals))
        if progress:
            progress(number)
    return CountResult(
        method="irv",
        seats=1,
        candidates=names,
        elected=[winner],
        valid_ballots=valid,
        stages=stages,
        lots=ties.lots,
        seed=ties.seed if ties.lots else None,
        withdrawn=profile.withdrawn,
        title=profile.title,
    )
