"""Meek STV by the New Zealand rules: Local Electoral Regulations 2001, Schedule 1A.

Clause numbers below are those of Schedule 1A ("New Zealand method of counting single
transferable votes", inserted 1 January 2004, text as at 1 July 2025). Every figure is an
integer in units of 10**-9 (the Schedule works to nine decimal places).

Part 1, several vacancies (``count_meek`` with ``seats`` > 1):

* Before step 1, a candidate with no preference on any valid ballot is withdrawn
  (cl. 20); withdrawn candidates keep 0 (cl. 9) and their preferences are skipped
  (cl. 38).
* Step 1 (cl. 5-6): quota q = (v - vnt) / (n + 1) + 0.000000001, truncated to nine
  decimals; candidates whose first preferences reach q are successful.
* Every later step (cl. 7-17): keep values are set - successful candidates
  k = (q x k, rounded up) / votes, rounded up (cl. 7, 17; the first time k is 1, so
  k = q / votes), hopeful 1 (cl. 8), withdrawn and excluded 0 (cl. 9, 16) - then each
  ballot gives its m-th preference (1 - k1) x ... x (1 - km-1) x km, every product
  rounded up to nine decimals, left to right (cl. 10); a new quota is calculated
  (cl. 11); hopeful candidates reaching it become successful (cl. 12); and the hopeful
  candidate with the fewest votes is excluded if those votes plus the total surplus are
  below every other hopeful candidate's votes, or if the total surplus is below 0.0001
  (cl. 13-14). One candidate at most is excluded per step.
* Counting is complete when the successful candidates fill the vacancies, or when the
  successful and hopeful candidates together are no more than the vacancies: the hopeful
  ones then become successful (cl. 3, 21).
* Ties for exclusion (cl. 19): the Ahead At First Difference method (cl. 40: the tied
  candidate(s) with the fewest votes at the *earliest* step where they differed), then
  the lowest pseudo-random number of the PRNG method (cl. 41-48).
* Stable state (cl. 23): when further steps cannot change anything (the keep values
  repeat), the hopeful candidate with the fewest votes is excluded.

Part 2, one vacancy (``seats`` == 1, cl. 24-36): whole votes; a candidate is elected on
reaching the absolute majority m = (v - vnt) / 2 rounded up; otherwise the candidate
with the fewest votes is excluded and their ballots pass to the next preference.

The non-transferable figure vnt is taken as the valid ballots minus all votes allocated,
so that it also absorbs the few 10**-9 created by rounding up in clause 10 (the reading
of A. Conway's ConcreteSTV; the Schedule does not say how those rounding gains count).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ballots import Profile
from ..results import CountResult, Stage
from ..ties import TieBreaker
from .common import Progress, make_stage, order_of_election

SCALE = 10**9
PRECISION = 9
SURPLUS_LIMIT = 10**5  # 0.0001 in units of 1e-9 (clause 13)
PRN_SPAN = 10_000  # clause 48: a PRN is replaced by 10 000 minus the previous one
# Safety net for clause 23: a run of steps this long without anyone becoming
# successful or excluded is treated as a stable state. Repeated keep values are
# detected exactly; this only bounds very slow drifts.
MAX_STEPS_WITHOUT_EVENT = 5_000


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def keep_value(quota: int, keep: int, votes: int) -> int:
    """Clause 17 (and 7, where ``keep`` is 1): kc = q x kc / vc.

    The product q x kc is rounded up to nine decimals before the division, and the
    quotient is rounded up to nine decimals too. All values in units of 1e-9.
    """
    product = _ceil_div(quota * keep, SCALE)
    return _ceil_div(product * SCALE, votes)


def allocate_ballot(ranking: Sequence[int], keep: Sequence[int]) -> tuple[dict[int, int], int]:
    """Clause 10 for one ballot: the votes given to each candidate and what is left.

    The m-th preference receives (1 - k1) x (1 - k2) x ... x (1 - km-1) x km, each
    multiplication rounded up to nine decimals, left to right. The second value is
    (1 - k1) x ... x (1 - kM) for the last preference M (0 once a hopeful candidate,
    keep value 1, has taken the rest).
    """
    given: dict[int, int] = {}
    rest = SCALE
    for c in ranking:
        k = keep[c]
        if k == 0:
            continue
        if k == SCALE:
            given[c] = given.get(c, 0) + rest
            return given, 0
        given[c] = given.get(c, 0) + _ceil_div(rest * k, SCALE)
        rest = _ceil_div(rest * (SCALE - k), SCALE)
    return given, rest


def nz_prns(candidates: int, vacancies: int, valid: int) -> list[int]:
    """The PRN of each candidate (in file order) at step 1, by clauses 42-47.

    x = c + 5, y = n, z = (v + 1000 (v rem 10)) rem 30323; each draw (clause 43) sets
    x = 171x rem 30269, y = 172y rem 30307, z = 170z rem 30323 and
    rc = 10000x div 30269 + 10000y div 30307 + 10000z div 30323. The first four values
    are discarded (clause 44), the next goes to the first candidate (clause 45), and
    each later candidate gets the next value not already given out (clauses 46-47).
    """
    x, y, z = candidates + 5, vacancies, (valid + 1000 * (valid % 10)) % 30323

    def draw() -> int:
        nonlocal x, y, z
        x = 171 * x % 30269
        y = 172 * y % 30307
        z = 170 * z % 30323
        return 10_000 * x // 30269 + 10_000 * y // 30307 + 10_000 * z // 30323

    for _ in range(4):
        draw()
    prns: list[int] = []
    for _ in range(candidates):
        rc = draw()
        while rc in prns:
            rc = draw()
        prns.append(rc)
    return prns


def prn_at_step(base: int, step: int) -> int:
    """Clause 48: at steps 2, 4, ... the PRN is 10 000 minus the previous step's."""
    return base if step % 2 == 1 else PRN_SPAN - base


def aafd(tied: Sequence[int], step_votes: Sequence[Sequence[int]]) -> list[int]:
    """Clause 40 (Ahead At First Difference): at the earliest step where the tied
    candidates did not all have the same votes, those with the fewest votes there."""
    for totals in step_votes:
        values = [totals[c] for c in tied]
        low = min(values)
        if low != max(values):
            return [c for c, v in zip(tied, values, strict=True) if v == low]
    return list(tied)


class _Exclusion:
    """Clause 19: choose among the candidates sharing the lowest total."""

    def __init__(self, names: Sequence[str], prns: Sequence[int]) -> None:
        self.names = names
        self.prns = prns

    def pick(
        self,
        cands: Sequence[int],
        votes: Sequence[int],
        step_votes: Sequence[Sequence[int]],
        step: int,
        notes: list[str],
    ) -> int:
        low = min(votes[c] for c in cands)
        tied = [c for c in cands if votes[c] == low]
        if len(tied) == 1:
            return tied[0]
        names = self.names
        narrowed = aafd(tied, step_votes)
        if len(narrowed) == 1:
            notes.append(
                "tie for exclusion between "
                + ", ".join(names[c] for c in tied)
                + f" broken by the earliest step where they differed (cl. 40):"
                f" {names[narrowed[0]]} excluded"
            )
            return narrowed[0]
        chosen = min(narrowed, key=lambda c: prn_at_step(self.prns[c], step))
        notes.append(
            "tie for exclusion between "
            + ", ".join(names[c] for c in narrowed)
            + f" decided by the lowest pseudo-random number at step {step} (cl. 19, 41-48): "
            + ", ".join(f"{names[c]} {prn_at_step(self.prns[c], step)}" for c in narrowed)
            + f"; {names[chosen]} excluded"
        )
        return chosen


def count_meek(
    profile: Profile, seats: int, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count ``profile`` for ``seats`` vacancies by NZ Schedule 1A (Part 2 for one seat)."""
    if seats == 1:
        return _count_single(profile, progress)
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    # Only the order of candidates elected at the same step can need this (the
    # Schedule has no rule for it); exclusion ties use the statutory PRN instead.
    ties = TieBreaker(seed)
    prns = nz_prns(n, seats, valid)
    excluder = _Exclusion(names, prns)
    shown = [c for c in range(n) if c not in profile.withdrawn]
    mentioned = {c for r in rankings for c in r}
    unranked = [c for c in shown if c not in mentioned]  # clause 20
    hopeful = [c in mentioned and c not in profile.withdrawn for c in range(n)]
    keep = [SCALE if hopeful[c] else 0 for c in range(n)]
    elected: list[int] = []

    def allocate() -> tuple[list[int], int]:
        votes = [0] * n
        for r, w in zip(rankings, weights, strict=True):
            rest = SCALE
            for c in r:
                k = keep[c]
                if k == 0:
                    continue
                if k == SCALE:
                    votes[c] += rest * w
                    break
                votes[c] += _ceil_div(rest * k, SCALE) * w
                rest = _ceil_div(rest * (SCALE - k), SCALE)
        return votes, valid * SCALE - sum(votes)

    def quota_of(votes: list[int]) -> int:
        return sum(votes) // (seats + 1) + 1

    # Step 1 (clauses 5-6).
    step = 1
    votes, excess = allocate()
    quota = quota_of(votes)
    step_votes = [votes]
    stage_votes = [votes]
    first = make_stage(1, "First preferences", "first", shown, None, votes, 0, excess)
    first.quota = quota
    if unranked:
        first.notes.append(
            "withdrawn as no ballot gives them any preference (cl. 20): "
            + ", ".join(names[c] for c in unranked)
        )
    stages: list[Stage] = [first]

    def elect_reaching(stage: Stage, history: list[list[int]]) -> None:
        """Clauses 6 and 12: hopeful candidates at or above the quota succeed."""
        reached = [c for c in range(n) if hopeful[c] and votes[c] >= quota]
        ordered = order_of_election(reached, votes, history, ties, stage.number)
        for c in ordered:
            if len(elected) < seats:
                hopeful[c] = False
                elected.append(c)
                stage.elected.append(c)
            else:  # more reached the quota than there were vacancies (cl. 12 is silent)
                stage.notes.append(f"{names[c]} reached the quota with no vacancy left")

    def complete(stage: Stage, history: list[list[int]]) -> bool:
        """Clause 3 (and 21): all vacancies filled, or no more hopefuls than vacancies."""
        if len(elected) >= seats:
            return True
        cont = [c for c in range(n) if hopeful[c]]
        if len(elected) + len(cont) > seats:
            return False
        ordered = order_of_election(cont, votes, history, ties, stage.number)
        for c in ordered:
            hopeful[c] = False
        elected.extend(ordered)
        stage.elected.extend(ordered)
        if ordered:
            stage.notes.append("the remaining hopeful candidates fill the vacancies (cl. 3)")
        if len(elected) < seats:
            stage.notes.append(
                f"{seats - len(elected)} vacancy(ies) left unfilled: fewer candidates"
                " have votes than there are vacancies (cl. 21)"
            )
        return True

    elect_reaching(first, [])
    done = complete(first, [])
    if progress:
        progress(1)

    pending: int | None = None  # candidate excluded at the end of the previous step
    block_from = 0  # first step of the current run of surplus-transfer steps
    seen: set[tuple[int, ...]] = set()
    since_event = 0
    while not done:
        step += 1
        # Step 2 and later: keep values (clauses 7-9, 16-17).
        for c in elected:
            if votes[c] > 0:
                # Capped at 1: a successful candidate below the quota keeps everything
                # (cannot arise in exact arithmetic; the Schedule does not say).
                keep[c] = min(keep_value(quota, keep[c], votes[c]), SCALE)
        keep_note = (
            "keep values used: " + ", ".join(f"{names[c]} {keep[c] / SCALE:.9f}" for c in elected)
            if elected
            else ""
        )
        excluded_now = pending
        pending = None
        if excluded_now is None and block_from == 0:
            block_from = step
        before, ex_before = stage_votes[-1], stages[-1].non_transferable
        # Clauses 10-11.
        votes, excess = allocate()
        quota = quota_of(votes)
        step_votes.append(votes)
        number = len(stages) + 1
        stage = make_stage(
            number,
            f"Exclusion of {names[excluded_now]}"
            if excluded_now is not None
            else "Surplus transfer (keep values recalculated)",
            "exclusion" if excluded_now is not None else "surplus",
            shown,
            before,
            votes,
            ex_before,
            excess,
        )
        stage.quota = quota
        if excluded_now is not None:
            stage.excluded = [excluded_now]
            stage.subject = [excluded_now]
        # Clause 12, then completion (clause 3).
        elect_reaching(stage, stage_votes)
        done = complete(stage, stage_votes)
        event = bool(stage.elected) or excluded_now is not None or done
        if not done:
            # Clauses 13-14: exclusion of the lowest hopeful candidate.
            cont = [c for c in range(n) if hopeful[c]]
            surplus = sum(votes[c] - quota for c in elected if votes[c] > quota)
            low = sorted(votes[c] for c in cont)
            reason = ""
            if surplus < SURPLUS_LIMIT:
                reason = "total surplus below 0.0001 (cl. 13)"
            elif low[0] + surplus < low[1]:
                reason = (
                    "its votes plus the total surplus are fewer than any other hopeful"
                    " candidate's votes (cl. 13)"
                )
            else:
                state = tuple(keep)
                seen.add(state)
                since_event += 1
                upcoming = [
                    min(keep_value(quota, keep[c], votes[c]), SCALE)
                    if c in elected and votes[c] > 0
                    else keep[c]
                    for c in range(n)
                ]
                if tuple(upcoming) in seen or since_event >= MAX_STEPS_WITHOUT_EVENT:
                    reason = "stable state: further steps change nothing (cl. 23)"
            if reason:
                c = excluder.pick(cont, votes, step_votes, step, stage.notes)
                hopeful[c] = False
                keep[c] = 0
                pending = c
                event = True
                stage.notes.append(f"{names[c]} excluded: {reason}")
                # Clause 3: excluding may leave no more hopefuls than vacancies.
                done = complete(stage, stage_votes)
                if done:
                    stage.excluded.append(c)
                    pending = None
        if not event:
            continue
        seen.clear()
        since_event = 0
        if excluded_now is None:
            stage.action = (
                f"Surplus transfer (keep values recalculated, step {step})"
                if block_from == step
                else f"Surplus transfer (keep values recalculated, steps {block_from}-{step})"
            )
            block_from = 0
        if keep_note:
            stage.notes.insert(0, keep_note)
        if (
            votes == stage_votes[-1]
            and quota == stages[-1].quota
            and excluded_now is None
            and not stage.elected
        ):
            # Nothing changed (no successful candidate yet): no column of its own.
            stages[-1].notes.extend(note for note in stage.notes if note != keep_note)
            stages[-1].excluded.extend(stage.excluded)
            continue
        stages.append(stage)
        stage_votes.append(votes)
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
        withdrawn=profile.withdrawn | frozenset(unranked),
        title=profile.title,
    )


def _count_single(profile: Profile, progress: Progress | None) -> CountResult:
    """Part 2 (one vacancy): whole votes and an absolute majority (clauses 24-36)."""
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    excluder = _Exclusion(names, nz_prns(n, 1, valid))
    shown = [c for c in range(n) if c not in profile.withdrawn]
    cont = set(shown)
    step_votes: list[list[int]] = []

    def tally() -> tuple[list[int], int]:
        votes = [0] * n
        for r, w in zip(rankings, weights, strict=True):
            for c in r:
                if c in cont:
                    votes[c] += w
                    break
        return votes, valid - sum(votes)

    stages: list[Stage] = []
    elected: list[int] = []
    excluded_now: int | None = None
    majority = 0
    while True:
        step = len(stages) + 1
        votes, exhausted = tally()
        step_votes.append(votes)
        majority = _ceil_div(valid - exhausted, 2)  # clause 26
        scaled = [v * SCALE for v in votes]
        if excluded_now is None:
            stage = make_stage(1, "First preferences", "first", shown, None, scaled, 0, 0)
        else:
            prev = stages[-1]
            stage = make_stage(
                step,
                f"Exclusion of {names[excluded_now]}",
                "exclusion",
                shown,
                [prev.votes.get(c, 0) for c in range(n)],
                scaled,
                prev.non_transferable,
                exhausted * SCALE,
            )
            stage.excluded = [excluded_now]
            stage.subject = [excluded_now]
        stage.quota = majority * SCALE
        stage.notes.append(f"absolute majority of {majority} votes (cl. 26)")
        stages.append(stage)
        if progress:
            progress(step)
        # With no continuing votes at all (m = 0) nobody has a majority.
        at_majority = [c for c in sorted(cont) if votes[c] >= majority] if majority else []
        with_votes = [c for c in sorted(cont) if votes[c] > 0]
        if step == 1 and len(with_votes) == 1:  # clause 35
            elected = with_votes
        elif len(at_majority) == 2:
            # Clause 34(b): two candidates exactly at the majority; the one not
            # excluded by the tie rules is elected.
            loser = excluder.pick(at_majority, votes, step_votes, step, stage.notes)
            elected = [c for c in at_majority if c != loser]
        elif at_majority:  # clauses 27, 31
            elected = at_majority
        elif len(cont) == 1:
            elected = list(cont)
        if elected:
            stage.elected = elected
            break
        # Clauses 28-30: exclude the candidate with the fewest votes (ties: cl. 34(a)).
        excluded_now = excluder.pick(sorted(cont), votes, step_votes, step, stage.notes)
        cont.discard(excluded_now)
    return CountResult(
        method="stv-meek",
        seats=1,
        candidates=names,
        elected=elected,
        valid_ballots=valid,
        precision=PRECISION,
        quota=majority * SCALE,
        stages=stages,
        withdrawn=profile.withdrawn,
        title=profile.title,
        notes=["one vacancy: counted by Part 2 of Schedule 1A (absolute majority)"],
    )
