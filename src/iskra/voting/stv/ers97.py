"""STV under the Electoral Reform Society's 1997 rules (ERS97).

"How to conduct an election by the Single Transferable Vote", 3rd edition (1997),
section 5, clause by clause (docs/voting.md has the mapping and what it was checked
against). Values are integers in units of 0.01: ERS97 works to two decimal places and
ignores remainders, so every truncation is an integer floor division.

- 5.1.6 quota: valid votes / (places + 1) to two decimals; exact, or the remainder
  ignored and 0.01 added. 5.4.8: recalculated without the non-transferable vote while
  no candidate has been deemed elected.
- 5.1.7, 5.3.13, 5.4.9: deemed elected at the quota, or at the total active vote
  divided by one more than the places not yet filled; ties for the last places by
  5.6.2 (earliest point where they differed, otherwise none of them at that stage).
- 5.2.2: surpluses are deferred while their total does not exceed (a) the gap between
  the two lowest candidates or (b) the gap between the total of two or more lowest
  candidates who could be excluded together under 5.2.5 and the candidate next above.
- 5.2.3: the largest surplus first; ties by the earliest point where they differed,
  then lot. 5.3: a first-stage surplus from all the papers, a later one from the last
  received batch; transfer value = surplus / number of transferable papers, truncated,
  or the papers' present value if they are worth no more than the surplus.
- 5.2.5: as many of the lowest candidates as possible are excluded together (sufficient
  candidates left, and their votes plus any deferred surpluses do not exceed the
  candidate next above); ties by the earliest point where they differed, then lot.
- 5.4: the excluded candidates' papers move in batches by descending value, all in
  one stage; candidates are deemed elected after each batch and receive no more papers.
- 5.5.1: a proposed exclusion that would leave as many continuing candidates as places
  elects them all; 5.5.2: once every place is filled nothing more is transferred.

"The earliest point where they differed" looks at the first stage and then at the
totals after every batch of papers transferred (a surplus transfer is one batch; an
exclusion has one batch per value), in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ballots import Profile
from ..results import CountResult, fmt_units
from ..ties import TieBreaker, by_points
from .common import Progress, make_stage

SCALE = 100
PRECISION = 2

# A parcel maps (ballot index, position of the preference it counts for, value of one
# paper) to the number of papers: a ballot's weight is that many identical papers.
Parcel = dict[tuple[int, int, int], int]


def _v(units: int) -> str:
    return fmt_units(units, PRECISION)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def earliest_difference(
    tied: Sequence[int], points: Sequence[Sequence[int]], *, highest: bool
) -> list[int]:
    """Narrow a tie by the first stage, then each later point of the count, in order.

    ERS97 5.2.3, 5.2.5 and 5.6.2 decide ties by the votes "at the first stage or at the
    earliest point in the count, after the transfer of a batch of papers, where they had
    unequal votes". At the first such point only the candidates with the most (or
    fewest) votes stay in the tie; with three or more tied the step repeats at later
    points.
    """
    return by_points(tied, points, highest=highest)


def excludable(vals: Sequence[int], k: int, places: int, deferred: int) -> bool:
    """ERS97 5.2.5: may the ``k`` lowest of the continuing candidates (whose votes are
    ``vals``, ascending) be excluded together, with ``deferred`` surpluses untransferred?

    (a) sufficient candidates remain to fill the ``places`` left, and (b) their total
    votes, with the deferred surpluses, do not exceed the vote of the candidate next
    above.
    """
    return len(vals) - k >= places and sum(vals[:k]) + deferred <= vals[k]


def count_ers97(
    profile: Profile, seats: int, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count ``profile`` for ``seats`` vacancies under ERS97."""
    names = profile.candidates
    n = len(names)
    rankings, weights = profile.strict_ballots()
    valid = sum(weights)
    valid_units = valid * SCALE

    def quota_of(total: int) -> int:
        # 5.1.6: divide by one more than the places, to two decimals; if that is not
        # exact, ignore the remainder and add 0.01 (a ceiling in units of 0.01).
        return -(-total // (seats + 1))

    quota = quota_of(valid_units)
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
    # The first stage and the totals after every batch of papers transferred (5.2.3).
    points: list[list[int]] = [list(totals)]
    stage_quotas: list[int] = [quota]
    stages = [make_stage(1, "First preferences", "first", shown, None, totals, 0, 0)]

    def break_tie(
        tied: list[int], *, highest: bool, stage: int, purpose: str, what: str, rule: str
    ) -> tuple[int, str]:
        """One of ``tied`` by the earliest point where they differed, then lot."""
        narrowed = earliest_difference(tied, points, highest=highest)
        listed = _and([names[c] for c in sorted(tied)])
        if len(narrowed) == 1:
            chosen = narrowed[0]
            how = "decided by the earliest point of the count where they differed"
        else:
            chosen = ties.draw(narrowed, stage=stage, purpose=purpose)
            how = "decided by lot"
        return chosen, f"tie between {listed} {how} (ERS97 {rule}): {names[chosen]} {what}"

    def deem_elected(stage_no: int, rule: str, notes: list[str]) -> list[int]:
        """5.1.7 / 5.3.13 / 5.4.9 with 5.6.2: returns those deemed elected, in order."""
        newly: list[int] = []
        while len(elected) < seats:
            cont = [c for c in range(n) if continuing[c]]
            if not cont:
                break
            places = seats - len(elected)
            # 5.6.1/6.20: the total active vote is the valid vote less the quotas (or
            # votes, if less) of those deemed elected and the non-transferable vote.
            active = valid_units - nt - sum(min(totals[e], quota) for e in elected)
            top = max(totals[c] for c in cont)
            by_quota = top >= quota
            if not by_quota and top * (places + 1) < active:
                break
            group = [c for c in cont if totals[c] == top]
            # Candidates with equal votes are taken in tiers: those with the most votes
            # at the earliest point where they differed first (5.6.2). A tier that is
            # equal at every point and does not fit in the places left is not elected.
            chosen: list[int] = []
            stuck: list[int] = []
            remaining = list(group)
            while remaining and len(chosen) < places:
                tier = sorted(earliest_difference(remaining, points, highest=True))
                if len(chosen) + len(tier) > places:
                    stuck = tier
                    break
                chosen.extend(tier)
                remaining = [c for c in remaining if c not in tier]
            for c in chosen:
                continuing[c] = False
                elected.append(c)
                newly.append(c)
                if stage_no == 1:
                    elected_at_first.add(c)
                if not by_quota:
                    notes.append(
                        f"{names[c]} deemed elected with {_v(top)}, at least the total"
                        f" active vote {_v(active)} divided by {places + 1}"
                        f" (ERS97 {rule}(b))"
                    )
            if len(group) > places:
                listed = _and([names[c] for c in sorted(group)])
                if chosen:
                    notes.append(
                        f"{listed} have equal votes for {places} place(s):"
                        f" {_and([names[c] for c in chosen])} had more at the earliest"
                        " point where they differed (ERS97 5.6.2)"
                    )
                if stuck:
                    notes.append(
                        f"{_and([names[c] for c in stuck])} had equal votes at every point"
                        f" of the count and there are not places for all of them, so none"
                        " of them is deemed elected at this stage (ERS97 5.6.2)"
                    )
                break
        return newly

    def move(sources: list[Parcel], value: int | None) -> tuple[int, int]:
        """Move papers to their next continuing preference; (moved, non-transferable).

        ``value`` is the transfer value; ``None`` keeps each paper's present value. Each
        recipient gets the papers as one new batch (its "last received batch", 5.3.2).
        """
        received: dict[int, Parcel] = {}
        moved = lost = 0
        for papers in sources:
            for (bi, pos, present), cnt in papers.items():
                r = rankings[bi]
                p = pos + 1
                while p < len(r) and not continuing[r[p]]:
                    p += 1
                nv = present if value is None else value
                if p < len(r):
                    to = r[p]
                    parcel = received.setdefault(to, {})
                    key = (bi, p, nv)
                    parcel[key] = parcel.get(key, 0) + cnt
                    totals[to] += nv * cnt
                    moved += nv * cnt
                else:
                    lost += present * cnt
        for to in sorted(received):
            parcels[to].append(received[to])
        return moved, lost

    def transferable(papers: Parcel) -> tuple[int, int]:
        """(number, total value) of the papers with a next continuing preference."""
        count = worth = 0
        for (bi, pos, present), cnt in papers.items():
            if any(continuing[c] for c in rankings[bi][pos + 1 :]):
                count += cnt
                worth += present * cnt
        return count, worth

    def gains(before: Sequence[int]) -> str:
        parts = [
            f"{names[c]} +{_v(totals[c] - before[c])}" for c in range(n) if totals[c] > before[c]
        ]
        return ", ".join(parts) if parts else "nothing to continuing candidates"

    stages[0].elected = deem_elected(1, "5.1.7", stages[0].notes)
    if progress:
        progress(1)

    while len(elected) < seats:
        cont = [c for c in range(n) if continuing[c]]
        places = seats - len(elected)
        if len(cont) <= places:
            # Only as many candidates left as places (possible from the first stage when
            # the seats equal the candidates standing): all of them fill the places.
            ordered = sorted(cont, key=lambda c: (-totals[c], c))
            elected.extend(ordered)
            stages[-1].elected.extend(ordered)
            if ordered:
                stages[-1].notes.append(
                    "as many continuing candidates as places left: all deemed elected (ERS97 4.3)"
                )
            break
        number = len(stages) + 1
        notes: list[str] = []
        before, nt_before = list(totals), nt
        pending = [c for c in elected if not surplus_done[c] and totals[c] > quota]
        surplus_total = sum(totals[c] - quota for c in pending)
        low = sorted(cont, key=lambda c: totals[c])
        vals = [totals[c] for c in low]

        deferral = ""
        if pending:
            listed = _and([f"{names[c]} ({_v(totals[c] - quota)})" for c in pending])
            if surplus_total <= vals[1] - vals[0]:
                deferral = (
                    f"surplus of {listed} deferred (ERS97 5.2.2(a)): {_v(surplus_total)}"
                    f" does not exceed {_v(vals[1])} - {_v(vals[0])} = "
                    f"{_v(vals[1] - vals[0])}, the difference between the two lowest"
                    " candidates"
                )
            else:
                fits = [
                    k for k in range(2, len(cont)) if excludable(vals, k, places, surplus_total)
                ]
                if fits:
                    k = fits[0]
                    deferral = (
                        f"surplus of {listed} deferred (ERS97 5.2.2(b)): "
                        f"{_v(surplus_total)} does not exceed {_v(vals[k])} - "
                        f"{_v(sum(vals[:k]))} = {_v(vals[k] - sum(vals[:k]))}, the"
                        f" difference between the {k} lowest candidates together and"
                        " the candidate next above"
                    )

        if pending and not deferral:
            # 5.2.3: the largest surplus; equal ones by the earliest point where the
            # candidates' votes differed, then lot.
            high = max(totals[c] for c in pending)
            tied = [c for c in pending if totals[c] == high]
            c = tied[0]
            if len(tied) > 1:
                c, note = break_tie(
                    tied,
                    highest=True,
                    stage=number,
                    purpose="order of surpluses",
                    what="transferred first",
                    rule="5.2.3",
                )
                notes.append(note)
            surplus_done[c] = True
            surplus = totals[c] - quota
            if c in elected_at_first:
                # 5.3.1: a first-stage surplus is taken from all the candidate's papers.
                papers: Parcel = {}
                for parcel in parcels[c]:
                    papers.update(parcel)
            else:
                # 5.3.2: a later surplus from the last received batch only.
                papers = parcels[c][-1]
            count, worth = transferable(papers)
            if worth > surplus:
                # 5.3.7: surplus / number of transferable papers, remainder ignored.
                tv: int | None = surplus // count
                notes.append(
                    f"transfer value {_v(surplus)} / {count} papers = {_v(surplus // count)}"
                    " (ERS97 5.3.7)"
                )
            else:
                tv = None
                notes.append(
                    "no paper has a next available preference: the whole surplus is"
                    " non-transferable (ERS97 5.3.3)"
                    if count == 0
                    else f"the {count} transferable papers are worth {_v(worth)}, not more"
                    " than the surplus: they move at their present value (ERS97 5.3.7)"
                )
            moved, _ = move([papers], tv)
            parcels[c] = []
            nt += surplus - moved
            totals[c] = quota
            points.append(list(totals))
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
            stage.elected = deem_elected(number, "5.3.13", notes)
            stage.notes.extend(notes)
            stages.append(stage)
            stage_quotas.append(quota)
            if progress:
                progress(number)
            continue

        # 5.2.5: exclude as many of the lowest candidates together as possible.
        deferred = surplus_total
        k = max(
            (k for k in range(1, len(cont)) if excludable(vals, k, places, deferred)), default=1
        )
        lots_before = len(ties.lots)
        boundary = vals[k - 1]
        out = [c for c in cont if totals[c] < boundary]
        at = [c for c in cont if totals[c] == boundary]
        while len(out) < k:
            if len(at) == 1 or len(out) + len(at) == k:
                out.extend(at)
                break
            pick, note = break_tie(
                at,
                highest=False,
                stage=number,
                purpose="exclusion",
                what="excluded",
                rule="5.2.5",
            )
            notes.append(note)
            out.append(pick)
            at.remove(pick)
        out.sort(key=lambda c: (totals[c], c))
        if deferral:
            notes.insert(0, deferral)
        if k > 1:
            above = min((c for c in cont if c not in out), key=lambda c: (totals[c], c))
            extra = f" and the deferred surpluses {_v(deferred)}" if deferred else ""
            left = len(cont) - k
            notes.append(
                f"{_and([names[c] for c in out])} excluded together (ERS97 5.2.5): their"
                f" {_v(sum(vals[:k]))} votes{extra} do not exceed {names[above]}'s"
                f" {_v(vals[k])}, and {left} candidate{'s' if left != 1 else ''} remain"
                f" for {places} place{'s' if places != 1 else ''}"
            )
        if len(cont) - k == places:
            # 5.5.1: the proposed exclusion would leave as many continuing candidates
            # as places: they are all deemed elected, and (5.5.2) nothing more moves.
            rest = sorted((c for c in cont if c not in out), key=lambda c: (-totals[c], c))
            for lot in ties.lots[lots_before:]:
                lot.stage = len(stages)  # drawn for the last stage on the sheet
            elected.extend(rest)
            stages[-1].elected.extend(rest)
            stages[-1].notes.extend(notes)
            stages[-1].notes.append(
                f"excluding {_and([names[c] for c in out])} would leave as many continuing"
                f" candidates as places: {_and([names[c] for c in rest])} deemed elected"
                " (ERS97 5.5.1) and no further transfer is made (5.5.2)"
            )
            break

        # 5.4: the excluded candidates' papers, in batches by descending value.
        for c in out:
            continuing[c] = False
        batches: dict[int, dict[int, Parcel]] = {}
        for c in out:
            for parcel in parcels[c]:
                for key, cnt in parcel.items():
                    bucket = batches.setdefault(key[2], {}).setdefault(c, {})
                    bucket[key] = bucket.get(key, 0) + cnt
            parcels[c] = []
        values = sorted(batches, reverse=True)
        stage_elected: list[int] = []
        for i, value in enumerate(values, start=1):
            batch = batches[value]
            batch_before = list(totals)
            papers_in = sum(sum(p.values()) for p in batch.values())
            moved, lost = move(list(batch.values()), None)
            for c in out:
                if c in batch:
                    totals[c] -= value * sum(batch[c].values())
            nt += lost
            points.append(list(totals))
            notes.append(
                f"batch {i} of {len(values)}: {papers_in} papers at {_v(value)}:"
                f" {gains(batch_before)}; non-transferable {_v(lost)}"
            )
            if not elected and lost:
                # 5.4.8: papers became non-transferable before anyone was deemed
                # elected: the quota is recalculated without them.
                new_quota = quota_of(valid_units - nt)
                if new_quota != quota:
                    notes.append(
                        f"quota recalculated without the non-transferable vote:"
                        f" ({_v(valid_units)} - {_v(nt)}) / {seats + 1} ="
                        f" {_v(new_quota)} (ERS97 5.4.8)"
                    )
                    quota = new_quota
            stage_elected.extend(deem_elected(number, "5.4.9", notes))
            if len(elected) >= seats:
                if i < len(values):
                    notes.append("every place is filled: no further transfer (ERS97 5.5.2)")
                break
        if not values:
            notes.append("no papers to transfer")
        stage = make_stage(
            number,
            "Exclusion of " + _and([names[c] for c in out]),
            "exclusion",
            shown,
            before,
            totals,
            nt_before,
            nt,
            subject=out,
        )
        stage.excluded = list(out)
        stage.elected = stage_elected
        stage.notes.extend(notes)
        stages.append(stage)
        stage_quotas.append(quota)
        if progress:
            progress(number)

    if any(q != quota for q in stage_quotas):
        for stage, q in zip(stages, stage_quotas, strict=True):
            stage.quota = q
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
