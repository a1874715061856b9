"""STV under the Electoral Reform Society's 1997 rules (ERS97), as far as implemented.

Values are integers in units of 0.01 (ERS97 works to two decimal places). Implemented:
quota (5.1.7), election at the quota (5.1.8/5.3), largest surplus first with ties by
earlier stages then lot (5.2.5), deferral of surpluses too small to save the lowest
candidate (5.2.2(a)), surplus transfer from all papers for a first-stage surplus and
from the last received parcel otherwise (5.3), transfer values truncated to two decimal
places and never above the value a paper had (5.3.4-5.3.6), exclusion of the lowest with
ties by earlier stages then lot (5.4.1-5.4.2), transfer of an excluded candidate's
papers in sub-stages in descending order of value (5.4.4-5.4.6), and filling the last
vacancies (5.6.1). Not implemented: bulk exclusion (5.4.3, optional for the count) and
the deferral condition 5.2.2(b); docs/voting.md lists the details.
"""

from __future__ import annotations

from ..ballots import Profile
from ..results import CountResult
from ..ties import TieBreaker
from .common import Progress, make_stage, order_of_election, pick_largest, pick_lowest

SCALE = 100
PRECISION = 2

Parcel = dict[tuple[int, int, int], int]


def count_ers97(
    profile: Profile, seats: int, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count ``profile`` for ``seats`` vacancies under ERS97."""
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    # 5.1.7: total / (seats + 1), to two decimals ignoring the remainder, plus 0.01.
    quota = valid * SCALE // (seats + 1) + 1
    ties = TieBreaker(seed)
    parcels: list[list[Parcel]] = [[] for _ in range(n)]
    totals = [0] * n
    first: list[Parcel] = [{} for _ in range(n)]
    for bi, (r, w) in enumerate(zip(rankings, weights, strict=True)):
        first[r[0]][(bi, 0, SCALE)] = w
        totals[r[0]] += w * SCALE
    for c in range(n):
        parcels[c].append(first[c])
    continuing = [c not in profile.withdrawn for c in range(n)]
    shown = [c for c in range(n) if continuing[c]]
    elected: list[int] = []
    elected_at_first: set[int] = set()
    surplus_done = [False] * n
    nt = 0
    history: list[list[int]] = [list(totals)]
    stages = [make_stage(1, "First preferences", "first", shown, None, totals, 0, 0)]

    def elect_reaching_quota() -> None:
        reached = [c for c in range(n) if continuing[c] and totals[c] >= quota]
        ordered = order_of_election(reached, totals, history[:-1], ties, len(stages))
        for c in ordered:
            if len(elected) < seats:
                continuing[c] = False
                elected.append(c)
                stages[-1].elected.append(c)
                if len(stages) == 1:
                    elected_at_first.add(c)

    def move(papers: Parcel, new_value: dict[int, int] | None) -> tuple[int, int]:
        """Move papers to next continuing preferences; returns (moved, non-transferable).

        Each recipient gets the moved papers as one new parcel (its "last parcel").
        """
        received: dict[int, Parcel] = {}
        moved = lost = 0
        for (bi, pos, value), cnt in papers.items():
            r = rankings[bi]
            p = pos + 1
            while p < len(r) and not continuing[r[p]]:
                p += 1
            nv = value if new_value is None else new_value[value]
            if p < len(r):
                to = r[p]
                parcel = received.setdefault(to, {})
                key = (bi, p, nv)
                parcel[key] = parcel.get(key, 0) + cnt
                totals[to] += nv * cnt
                moved += nv * cnt
            else:
                lost += value * cnt
        for to, parcel in received.items():
            parcels[to].append(parcel)
        return moved, lost

    def transferable_value(papers: Parcel) -> dict[int, int]:
        by_value: dict[int, int] = {}
        for (bi, pos, value), cnt in papers.items():
            r = rankings[bi]
            if any(continuing[c] for c in r[pos + 1 :]):
                by_value[value] = by_value.get(value, 0) + value * cnt
        return by_value

    elect_reaching_quota()
    if progress:
        progress(1)
    while len(elected) < seats:
        cont = [c for c in range(n) if continuing[c]]
        if len(cont) <= seats - len(elected):
            # 5.6.1: the remaining continuing candidates fill the remaining seats.
            ordered = order_of_election(cont, totals, history[:-1], ties, len(stages))
            elected.extend(ordered)
            stages[-1].elected.extend(ordered)
            stages[-1].notes.append("last vacancies filled by the continuing candidates")
            break
        number = len(stages) + 1
        notes: list[str] = []
        before, nt_before = list(totals), nt
        pending = [c for c in elected if not surplus_done[c] and totals[c] > quota]
        lows = sorted(totals[c] for c in cont)
        surpluses = sum(totals[c] - quota for c in pending)
        if pending and not (len(lows) >= 2 and surpluses < lows[1] - lows[0]):
            c = pick_largest(pending, totals, history, ties, number, notes, names)
            surplus_done[c] = True
            surplus = totals[c] - quota
            papers = parcels[c][0] if c in elected_at_first else parcels[c][-1]
            by_value = transferable_value(papers)
            tv_total = sum(by_value.values())
            if tv_total <= surplus:
                new_value = None
            else:
                # 5.3.4: value = surplus x paper value / value of transferable papers,
                # truncated to two decimals.
                new_value = {v: surplus * v // tv_total for v in {k[2] for k in papers}}
            moved, _ = move(papers, new_value)
            parcels[c] = []
            nt += surplus - moved
            totals[c] = quota
            stage = make_stage(
                number,
                f"Surplus of {names[c]}",
                "surplus",
                shown,
                before,
                totals,
                nt_before,
                nt,
                subject=[c],
            )
            stage.notes.extend(notes)
            stages.append(stage)
            history.append(list(totals))
            elect_reaching_quota()
        else:
            if pending:
                notes.append(
                    "surplus transfer deferred: the surpluses cannot change which"
                    " candidate is lowest (ERS97 5.2.2)"
                )
            c = pick_lowest(cont, totals, history, ties, number, notes, names)
            continuing[c] = False
            papers_by_value: dict[int, Parcel] = {}
            for parcel in parcels[c]:
                for key, cnt in parcel.items():
                    bucket = papers_by_value.setdefault(key[2], {})
                    bucket[key] = bucket.get(key, 0) + cnt
            parcels[c] = []
            values = sorted(papers_by_value, reverse=True) or [SCALE]
            for k, value in enumerate(values):
                number = len(stages) + 1
                before, nt_before = list(totals), nt
                papers = papers_by_value.get(value, {})
                moved, lost = move(papers, None)
                totals[c] -= moved + lost
                nt += lost
                label = f"Exclusion of {names[c]}"
                if len(values) > 1:
                    label += f" (papers at {value / SCALE:.2f})"
                stage = make_stage(
                    number,
                    label,
                    "exclusion",
                    shown,
                    before,
                    totals,
                    nt_before,
                    nt,
                    subject=[c],
                )
                if k == 0:
                    stage.excluded = [c]
                    stage.notes.extend(notes)
                stages.append(stage)
                history.append(list(totals))
                elect_reaching_quota()
                if len(elected) >= seats:
                    break
        if progress:
            progress(len(stages))
    return CountResult(
        method="stv-ers97",
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
