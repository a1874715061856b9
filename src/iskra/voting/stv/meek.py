"""Meek STV as in the New Zealand rules (Local Electoral Regulations 2001, Schedule 1A).

Values are integers in units of 10**-9 (Schedule 1A works to nine decimal places).

* Every candidate has a keep value: 1 while hopeful, 0 once excluded, and for elected
  candidates a value below 1 recalculated each iteration.
* Each ballot gives each candidate in turn ``keep`` times what is left of it (truncated
  to nine decimals, the rest stays with the ballot); what is left after the last
  preference is the excess (non-transferable).
* Quota = (total votes - excess) / (seats + 1), truncated to nine decimals, plus
  0.000000001.
* Iteration: each elected candidate's keep value becomes keep x quota / votes, rounded
  up to nine decimals, until the total surplus is below 0.00001 (or stops changing).
* Then any hopeful candidate at or above the quota is elected; otherwise the hopeful
  candidate with fewest votes is excluded (ties by earlier stages, then lot). When the
  hopeful candidates are no more than the vacancies left, they are all elected.
"""

from __future__ import annotations

from ..ballots import Profile
from ..results import CountResult
from ..ties import TieBreaker
from .common import Progress, make_stage, order_of_election, pick_lowest

SCALE = 10**9
PRECISION = 9
TOLERANCE = 10**4  # 0.00001 in units of 1e-9


def count_meek(
    profile: Profile, seats: int, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count ``profile`` for ``seats`` vacancies by Meek's method (NZ Schedule 1A)."""
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    ties = TieBreaker(seed)
    keep = [0 if c in profile.withdrawn else SCALE for c in range(n)]
    hopeful = [c not in profile.withdrawn for c in range(n)]
    shown = [c for c in range(n) if c not in profile.withdrawn]
    elected: list[int] = []

    def distribute() -> tuple[list[int], int]:
        votes = [0] * n
        excess = 0
        for r, w in zip(rankings, weights, strict=True):
            left = SCALE
            for c in r:
                k = keep[c]
                if k == 0:
                    continue
                give = left if k == SCALE else left * k // SCALE
                votes[c] += give * w
                left -= give
                if left == 0:
                    break
            excess += left * w
        return votes, excess

    def quota_of(votes: list[int]) -> int:
        return sum(votes) // (seats + 1) + 1

    votes, excess = distribute()
    quota = quota_of(votes)
    history = [list(votes)]
    stages = [make_stage(1, "First preferences", "first", shown, None, votes, 0, excess)]
    stages[0].quota = quota

    def elect_new() -> None:
        reached = [c for c in range(n) if hopeful[c] and votes[c] >= quota]
        for c in order_of_election(reached, votes, history[:-1], ties, len(stages)):
            if len(elected) < seats:
                hopeful[c] = False
                elected.append(c)
                stages[-1].elected.append(c)

    elect_new()
    while len(elected) < seats:
        cont = [c for c in range(n) if hopeful[c]]
        if len(cont) <= seats - len(elected):
            ordered = order_of_election(cont, votes, history[:-1], ties, len(stages))
            elected.extend(ordered)
            stages[-1].elected.extend(ordered)
            stages[-1].notes.append("last vacancies filled by the hopeful candidates")
            break
        number = len(stages) + 1
        before, ex_before = list(votes), excess
        notes: list[str] = []
        surplus = sum(votes[c] - quota for c in elected if votes[c] > quota)
        if surplus >= TOLERANCE:
            iterations = 0
            while True:
                iterations += 1
                changed = False
                for c in elected:
                    if votes[c] > 0:
                        # Rounded up, so that keep values never fall short.
                        new = -(-keep[c] * quota // votes[c])
                        new = min(new, SCALE)
                        if new != keep[c]:
                            keep[c] = new
                            changed = True
                votes, excess = distribute()
                quota = quota_of(votes)
                surplus = sum(votes[c] - quota for c in elected if votes[c] > quota)
                if (
                    surplus < TOLERANCE
                    or not changed
                    or any(hopeful[c] and votes[c] >= quota for c in range(n))
                ):
                    break
            action = "Surplus transfer (keep values recalculated)"
            notes.append(
                f"{iterations} iteration(s); keep values: "
                + ", ".join(f"{names[c]} {keep[c] / SCALE:.9f}" for c in elected)
            )
            excluded: list[int] = []
        else:
            c = pick_lowest(cont, votes, history, ties, number, notes, names)
            hopeful[c] = False
            keep[c] = 0
            votes, excess = distribute()
            quota = quota_of(votes)
            action = f"Exclusion of {names[c]}"
            excluded = [c]
        stage = make_stage(
            number,
            action,
            "surplus" if not excluded else "exclusion",
            shown,
            before,
            votes,
            ex_before,
            excess,
        )
        stage.excluded = excluded
        stage.subject = excluded
        stage.quota = quota
        stage.notes.extend(notes)
        stages.append(stage)
        history.append(list(votes))
        elect_new()
        if progress:
            progress(number)
    return CountResult(
        method="stv-meek",
        seats=seats,
        candidates=names,
        elected=elected[:seats],
        valid_ballots=valid,
        precision=PRECISION,
        quota=quota,
        stages=stages,
        lots=ties.lots,
        seed=ties.seed if ties.lots else None,
        withdrawn=profile.withdrawn,
        title=profile.title,
    )
