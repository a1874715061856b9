"""Helpers shared by the transfer-based counts (IRV and the STV variants)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..results import Stage
from ..ties import TieBreaker, by_history

Progress = Callable[[int], None]


def make_stage(
    number: int,
    action: str,
    kind: str,
    shown: Sequence[int],
    before: Sequence[int] | None,
    after: Sequence[int],
    nt_before: int,
    nt_after: int,
    *,
    subject: Sequence[int] = (),
) -> Stage:
    """Build a stage from the totals before and after it."""
    votes = {c: after[c] for c in shown}
    transfers = {c: after[c] - (before[c] if before is not None else 0) for c in shown}
    if before is None:
        transfers = dict.fromkeys(shown, 0)
    return Stage(
        number=number,
        action=action,
        kind=kind,
        votes=votes,
        transfers=transfers,
        non_transferable=nt_after,
        non_transferable_change=nt_after - nt_before,
        subject=list(subject),
    )


def order_of_election(
    cands: Sequence[int],
    totals: Sequence[int],
    history: Sequence[Sequence[int]],
    ties: TieBreaker,
    stage: int,
) -> list[int]:
    """Order candidates elected at the same stage: most votes first.

    Equal totals are ordered by the most recent earlier stage where they differed,
    then by lot, because the order matters for the order in which surpluses are dealt
    with and for the published order of election.
    """
    remaining = sorted(cands, key=lambda c: -totals[c])
    out: list[int] = []
    while remaining:
        top = totals[remaining[0]]
        tied = [c for c in remaining if totals[c] == top]
        while tied:
            best = by_history(tied, history, highest=True)
            pick = (
                best[0]
                if len(best) == 1
                else ties.draw(best, stage=stage, purpose="order of election")
            )
            out.append(pick)
            tied.remove(pick)
            remaining.remove(pick)
    return out


def pick_lowest(
    cands: Sequence[int],
    totals: Sequence[int],
    history: Sequence[Sequence[int]],
    ties: TieBreaker,
    stage: int,
    notes: list[str],
    names: Sequence[str],
) -> int:
    """The continuing candidate to exclude: fewest votes, then history, then lot."""
    low = min(totals[c] for c in cands)
    tied = [c for c in cands if totals[c] == low]
    if len(tied) == 1:
        return tied[0]
    narrowed = by_history(tied, history, highest=False)
    if len(narrowed) == 1:
        notes.append(
            "tie for exclusion between "
            + ", ".join(names[c] for c in tied)
            + f" broken by earlier stages: {names[narrowed[0]]} excluded"
        )
        return narrowed[0]
    chosen = ties.draw(narrowed, stage=stage, purpose="exclusion")
    notes.append(
        "tie for exclusion between "
        + ", ".join(names[c] for c in narrowed)
        + f" decided by lot: {names[chosen]} excluded"
    )
    return chosen


def pick_largest(
    cands: Sequence[int],
    totals: Sequence[int],
    history: Sequence[Sequence[int]],
    ties: TieBreaker,
    stage: int,
    notes: list[str],
    names: Sequence[str],
) -> int:
    """The surplus to transfer first: the largest, then history, then lot."""
    high = max(totals[c] for c in cands)
    tied = [c for c in cands if totals[c] == high]
    if len(tied) == 1:
        return tied[0]
    narrowed = by_history(tied, history, highest=True)
    if len(narrowed) == 1:
        notes.append(
            "equal surpluses of "
            + ", ".join(names[c] for c in tied)
            + f"; {names[narrowed[0]]} had more votes at the most recent earlier stage"
            " where they differed, so that surplus is transferred first"
        )
        return narrowed[0]
    chosen = ties.draw(narrowed, stage=stage, purpose="order of surpluses")
    notes.append(
        "equal surpluses of "
        + ", ".join(names[c] for c in narrowed)
        + f"; order decided by lot: {names[chosen]} first"
    )
    return chosen
