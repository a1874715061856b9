"""Plurality (first past the post / SNTV), block vote and approval voting.

Each is a single-stage count of points: plurality gives each ballot's first preference
one vote, block vote gives one vote to each of the ballot's first ``seats`` preferences,
approval gives one vote to every candidate the ballot lists. The ``seats`` candidates
with most votes win; a tie for the last seat is decided by lot (these methods have no
rule of their own for ties).
"""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Profile
from .results import CountResult, Stage
from .ties import TieBreaker


def _winners(
    scores: Sequence[int], eligible: Sequence[int], seats: int, ties: TieBreaker
) -> tuple[list[int], list[str]]:
    ordered = sorted(eligible, key=lambda c: -scores[c])
    winners: list[int] = []
    notes: list[str] = []
    while len(winners) < seats and ordered:
        top = scores[ordered[0]]
        tied = [c for c in ordered if scores[c] == top]
        if len(tied) <= seats - len(winners):
            winners.extend(tied)
        else:
            pool = list(tied)
            while len(winners) < seats:
                pick = ties.draw(pool, stage=1, purpose="tie for the last seat")
                winners.append(pick)
                pool.remove(pick)
            notes.append(f"tie at {top} votes for the last seat(s) decided by lot")
        ordered = [c for c in ordered if c not in tied]
    return winners, notes


def _result(
    method: str, profile: Profile, seats: int, scores: list[int], seed: int | None, valid: int
) -> CountResult:
    ties = TieBreaker(seed)
    eligible = [c for c in range(len(profile.candidates)) if c not in profile.withdrawn]
    winners, notes = _winners(scores, eligible, seats, ties)
    stage = Stage(
        number=1,
        action={"plurality": "First preferences", "block": "Votes", "approval": "Approvals"}[
            method
        ],
        kind="round",
        votes={c: scores[c] for c in eligible},
        transfers=dict.fromkeys(eligible, 0),
        elected=list(winners),
        notes=notes,
    )
    return CountResult(
        method=method,
        seats=seats,
        candidates=profile.candidates,
        elected=winners,
        valid_ballots=valid,
        stages=[stage],
        lots=ties.lots,
        seed=ties.seed if ties.lots else None,
        withdrawn=profile.withdrawn,
        title=profile.title,
        scores={c: scores[c] for c in eligible},
    )


def count_plurality(profile: Profile, seats: int = 1, seed: int | None = None) -> CountResult:
    """First preferences; the ``seats`` highest win (SNTV when ``seats`` > 1)."""
    rankings, weights = profile.strict_ballots()
    scores = [0] * len(profile.candidates)
    for r, w in zip(rankings, weights, strict=True):
        scores[r[0]] += w
    return _result("plurality", profile, seats, scores, seed, sum(weights))


def count_block(profile: Profile, seats: int, seed: int | None = None) -> CountResult:
    """Each ballot gives one vote to each of its first ``seats`` preferences."""
    rankings, weights = profile.strict_ballots()
    scores = [0] * len(profile.candidates)
    for r, w in zip(rankings, weights, strict=True):
        for c in r[:seats]:
            scores[c] += w
    return _result("block", profile, seats, scores, seed, sum(weights))


def count_approval(profile: Profile, seats: int = 1, seed: int | None = None) -> CountResult:
    """Each ballot gives one vote to every candidate it lists (ranks are ignored)."""
    scores = [0] * len(profile.candidates)
    valid = 0
    for groups, w in profile.group_ballots():
        valid += w
        for g in groups:
            for c in g:
                scores[c] += w
    return _result("approval", profile, seats, scores, seed, valid)
