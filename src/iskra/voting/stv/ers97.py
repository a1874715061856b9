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
from ..results import CountResult, Stage, fmt_units
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
    return _Count(profile, seats, seed, progress).run()


class _Count:
    """One ERS97 count: the state of section 5 and one method per rule it applies."""

    def __init__(
        self, profile: Profile, seats: int, seed: int | None, progress: Progress | None
    ) -> None:
        self.profile = profile
        self.seats = seats
        self.progress = progress
        self.names = profile.candidates
        self.n = len(self.names)
        self.rankings, weights = profile.strict_ballots()
        self.valid = sum(weights)
        self.valid_units = self.valid * SCALE
        self.quota = self.quota_5_1_6(self.valid_units)
        self.ties = TieBreaker(seed)
        self.parcels: list[list[Parcel]] = [[] for _ in range(self.n)]
        self.totals = [0] * self.n
        self.continuing = [c not in profile.withdrawn for c in range(self.n)]
        self.shown = [c for c in range(self.n) if self.continuing[c]]
        self.elected: list[int] = []
        self.elected_at_first: set[int] = set()
        self.surplus_done = [False] * self.n
        self.nt = 0
        # The first stage and the totals after every batch of papers transferred (5.2.3).
        self.points: list[list[int]] = []
        self.stage_quotas: list[int] = []
        self.stages: list[Stage] = []
        self.first_stage_5_1(weights)

    # -- 5.1: the first stage ---------------------------------------------------------

    def quota_5_1_6(self, total: int) -> int:
        """5.1.6: divide by one more than the places, to two decimals; if that is not
        exact, ignore the remainder and add 0.01 (a ceiling in units of 0.01)."""
        return -(-total // (self.seats + 1))

    def first_stage_5_1(self, weights: Sequence[int]) -> None:
        """5.1: every paper to its first preference, as one parcel per candidate."""
        first: list[Parcel] = [{} for _ in range(self.n)]
        for bi, (r, w) in enumerate(zip(self.rankings, weights, strict=True)):
            first[r[0]][(bi, 0, SCALE)] = w
            self.totals[r[0]] += w * SCALE
        for c in range(self.n):
            self.parcels[c].append(first[c])
        self.points.append(list(self.totals))
        self.stage_quotas.append(self.quota)
        self.stages.append(
            make_stage(1, "First preferences", "first", self.shown, None, self.totals, 0, 0)
        )

    # -- the whole count --------------------------------------------------------------

    def run(self) -> CountResult:
        self.stages[0].elected = self.deem_elected(1, "5.1.7", self.stages[0].notes)
        if self.progress:
            self.progress(1)
        while len(self.elected) < self.seats:
            cont = self.continuing_candidates()
            places = self.seats - len(self.elected)
            if len(cont) <= places:
                self.fill_remaining_places_4_3(cont)
                break
            pending = [
                c for c in self.elected if not self.surplus_done[c] and self.totals[c] > self.quota
            ]
            surplus_total = sum(self.totals[c] - self.quota for c in pending)
            deferral = self.deferral_5_2_2(pending, surplus_total, cont, places)
            if pending and not deferral:
                self.transfer_surplus_5_3(pending)
                continue
            if self.exclude_lowest_5_2_5(cont, places, surplus_total, deferral):
                break
        return self.result()

    def continuing_candidates(self) -> list[int]:
        return [c for c in range(self.n) if self.continuing[c]]

    def lowest_first(self, cont: Sequence[int]) -> list[int]:
        return sorted(cont, key=lambda c: self.totals[c])

    def fill_remaining_places_4_3(self, cont: list[int]) -> None:
        """Only as many candidates left as places (possible from the first stage when the
        seats equal the candidates standing): all of them fill the places."""
        ordered = sorted(cont, key=lambda c: (-self.totals[c], c))
        self.elected.extend(ordered)
        self.stages[-1].elected.extend(ordered)
        if ordered:
            self.stages[-1].notes.append(
                "as many continuing candidates as places left: all deemed elected (ERS97 4.3)"
            )

    def record_stage(self, stage: Stage) -> None:
        self.stages.append(stage)
        self.stage_quotas.append(self.quota)
        if self.progress:
            self.progress(stage.number)

    def result(self) -> CountResult:
        if any(q != self.quota for q in self.stage_quotas):
            for stage, q in zip(self.stages, self.stage_quotas, strict=True):
                stage.quota = q
        return CountResult(
            method="stv-ers97",
            seats=self.seats,
            candidates=self.names,
            elected=self.elected[: self.seats],
            valid_ballots=self.valid,
            precision=PRECISION,
            quota=self.quota,
            stages=self.stages,
            lots=self.ties.lots,
            seed=self.ties.seed if self.ties.lots else None,
            withdrawn=self.profile.withdrawn,
            title=self.profile.title,
        )

    # -- 5.6.2 and lot: ties ------------------------------------------------------------

    def break_tie(
        self, tied: list[int], *, highest: bool, stage: int, purpose: str, what: str, rule: str
    ) -> tuple[int, str]:
        """One of ``tied`` by the earliest point where they differed, then lot."""
        names = self.names
        narrowed = earliest_difference(tied, self.points, highest=highest)
        listed = _and([names[c] for c in sorted(tied)])
        if len(narrowed) == 1:
            chosen = narrowed[0]
            how = "decided by the earliest point of the count where they differed"
        else:
            chosen = self.ties.draw(narrowed, stage=stage, purpose=purpose)
            how = "decided by lot"
        return chosen, f"tie between {listed} {how} (ERS97 {rule}): {names[chosen]} {what}"

    # -- 5.1.7 / 5.3.13 / 5.4.9 with 5.6.1-5.6.2: deemed elected ------------------------

    def deem_elected(self, stage_no: int, rule: str, notes: list[str]) -> list[int]:
        """Returns those deemed elected, in order."""
        names, totals, quota = self.names, self.totals, self.quota
        newly: list[int] = []
        while len(self.elected) < self.seats:
            cont = self.continuing_candidates()
            if not cont:
                break
            places = self.seats - len(self.elected)
            # 5.6.1/6.20: the total active vote is the valid vote less the quotas (or
            # votes, if less) of those deemed elected and the non-transferable vote.
            active = self.valid_units - self.nt - sum(min(totals[e], quota) for e in self.elected)
            top = max(totals[c] for c in cont)
            by_quota = top >= quota
            if not by_quota and top * (places + 1) < active:
                break
            group = [c for c in cont if totals[c] == top]
            chosen, stuck = self.tiers_5_6_2(group, places)
            for c in chosen:
                self.continuing[c] = False
                self.elected.append(c)
                newly.append(c)
                if stage_no == 1:
                    self.elected_at_first.add(c)
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

    def tiers_5_6_2(self, group: list[int], places: int) -> tuple[list[int], list[int]]:
        """Candidates with equal votes are taken in tiers: those with the most votes at the
        earliest point where they differed first. A tier that is equal at every point and
        does not fit in the places left is not elected. Returns (chosen, stuck)."""
        chosen: list[int] = []
        stuck: list[int] = []
        remaining = list(group)
        while remaining and len(chosen) < places:
            tier = sorted(earliest_difference(remaining, self.points, highest=True))
            if len(chosen) + len(tier) > places:
                stuck = tier
                break
            chosen.extend(tier)
            remaining = [c for c in remaining if c not in tier]
        return chosen, stuck

    # -- moving papers ------------------------------------------------------------------

    def move(self, sources: list[Parcel], value: int | None) -> tuple[int, int]:
        """Move papers to their next continuing preference; (moved, non-transferable).

        ``value`` is the transfer value; ``None`` keeps each paper's present value. Each
        recipient gets the papers as one new batch (its "last received batch", 5.3.2).
        """
        received: dict[int, Parcel] = {}
        moved = lost = 0
        for papers in sources:
            for (bi, pos, present), cnt in papers.items():
                r = self.rankings[bi]
                p = pos + 1
                while p < len(r) and not self.continuing[r[p]]:
                    p += 1
                nv = present if value is None else value
                if p < len(r):
                    to = r[p]
                    parcel = received.setdefault(to, {})
                    key = (bi, p, nv)
                    parcel[key] = parcel.get(key, 0) + cnt
                    self.totals[to] += nv * cnt
                    moved += nv * cnt
                else:
                    lost += present * cnt
        for to in sorted(received):
            self.parcels[to].append(received[to])
        return moved, lost

    def transferable(self, papers: Parcel) -> tuple[int, int]:
        """(number, total value) of the papers with a next continuing preference."""
        count = worth = 0
        for (bi, pos, present), cnt in papers.items():
            if any(self.continuing[c] for c in self.rankings[bi][pos + 1 :]):
                count += cnt
                worth += present * cnt
        return count, worth

    def gains(self, before: Sequence[int]) -> str:
        totals = self.totals
        parts = [
            f"{self.names[c]} +{_v(totals[c] - before[c])}"
            for c in range(self.n)
            if totals[c] > before[c]
        ]
        return ", ".join(parts) if parts else "nothing to continuing candidates"

    # -- 5.2.2: deferring surpluses -----------------------------------------------------

    def deferral_5_2_2(
        self, pending: list[int], surplus_total: int, cont: list[int], places: int
    ) -> str:
        """The note deferring the pending surpluses, or "" when one must be transferred."""
        if not pending:
            return ""
        totals, quota = self.totals, self.quota
        vals = [totals[c] for c in self.lowest_first(cont)]
        listed = _and([f"{self.names[c]} ({_v(totals[c] - quota)})" for c in pending])
        if surplus_total <= vals[1] - vals[0]:
            return (
                f"surplus of {listed} deferred (ERS97 5.2.2(a)): {_v(surplus_total)}"
                f" does not exceed {_v(vals[1])} - {_v(vals[0])} = "
                f"{_v(vals[1] - vals[0])}, the difference between the two lowest"
                " candidates"
            )
        fits = [k for k in range(2, len(cont)) if excludable(vals, k, places, surplus_total)]
        if not fits:
            return ""
        k = fits[0]
        return (
            f"surplus of {listed} deferred (ERS97 5.2.2(b)): "
            f"{_v(surplus_total)} does not exceed {_v(vals[k])} - "
            f"{_v(sum(vals[:k]))} = {_v(vals[k] - sum(vals[:k]))}, the"
            f" difference between the {k} lowest candidates together and"
            " the candidate next above"
        )

    # -- 5.2.3 and 5.3: transferring a surplus ------------------------------------------

    def transfer_surplus_5_3(self, pending: list[int]) -> None:
        names, totals, quota = self.names, self.totals, self.quota
        number = len(self.stages) + 1
        notes: list[str] = []
        before, nt_before = list(totals), self.nt
        # 5.2.3: the largest surplus; equal ones by the earliest point where the
        # candidates' votes differed, then lot.
        high = max(totals[c] for c in pending)
        tied = [c for c in pending if totals[c] == high]
        c = tied[0]
        if len(tied) > 1:
            c, note = self.break_tie(
                tied,
                highest=True,
                stage=number,
                purpose="order of surpluses",
                what="transferred first",
                rule="5.2.3",
            )
            notes.append(note)
        self.surplus_done[c] = True
        surplus = totals[c] - quota
        if c in self.elected_at_first:
            # 5.3.1: a first-stage surplus is taken from all the candidate's papers.
            papers: Parcel = {}
            for parcel in self.parcels[c]:
                papers.update(parcel)
        else:
            # 5.3.2: a later surplus from the last received batch only.
            papers = self.parcels[c][-1]
        count, worth = self.transferable(papers)
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
        moved, _ = self.move([papers], tv)
        self.parcels[c] = []
        self.nt += surplus - moved
        totals[c] = quota
        self.points.append(list(totals))
        stage = make_stage(
            number,
            f"Surplus of {names[c]}",
            "surplus",
            self.shown,
            before,
            totals,
            nt_before,
            self.nt,
            subject=[c],
        )
        stage.elected = self.deem_elected(number, "5.3.13", notes)
        stage.notes.extend(notes)
        self.record_stage(stage)

    # -- 5.2.5, 5.5 and 5.4: excluding the lowest ---------------------------------------

    def exclude_lowest_5_2_5(
        self, cont: list[int], places: int, deferred: int, deferral: str
    ) -> bool:
        """Exclude as many of the lowest candidates together as possible and transfer their
        papers (5.4), or elect the rest when that would leave no more candidates than places
        (5.5.1). Returns whether the count is over."""
        names, totals, ties = self.names, self.totals, self.ties
        number = len(self.stages) + 1
        notes: list[str] = []
        vals = [totals[c] for c in self.lowest_first(cont)]
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
            pick, note = self.break_tie(
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
            self.elect_the_rest_5_5_1(cont, out, notes, lots_before)
            return True
        self.transfer_excluded_5_4(out, number, notes)
        return False

    def elect_the_rest_5_5_1(
        self, cont: list[int], out: list[int], notes: list[str], lots_before: int
    ) -> None:
        """The proposed exclusion would leave as many continuing candidates as places: they
        are all deemed elected, and (5.5.2) nothing more moves."""
        names = self.names
        rest = sorted((c for c in cont if c not in out), key=lambda c: (-self.totals[c], c))
        for lot in self.ties.lots[lots_before:]:
            lot.stage = len(self.stages)  # drawn for the last stage on the sheet
        self.elected.extend(rest)
        self.stages[-1].elected.extend(rest)
        self.stages[-1].notes.extend(notes)
        self.stages[-1].notes.append(
            f"excluding {_and([names[c] for c in out])} would leave as many continuing"
            f" candidates as places: {_and([names[c] for c in rest])} deemed elected"
            " (ERS97 5.5.1) and no further transfer is made (5.5.2)"
        )

    def transfer_excluded_5_4(self, out: list[int], number: int, notes: list[str]) -> None:
        """The excluded candidates' papers, in batches by descending value, in one stage."""
        totals = self.totals
        before, nt_before = list(totals), self.nt
        for c in out:
            self.continuing[c] = False
        batches: dict[int, dict[int, Parcel]] = {}
        for c in out:
            for parcel in self.parcels[c]:
                for key, cnt in parcel.items():
                    bucket = batches.setdefault(key[2], {}).setdefault(c, {})
                    bucket[key] = bucket.get(key, 0) + cnt
            self.parcels[c] = []
        values = sorted(batches, reverse=True)
        stage_elected: list[int] = []
        for i, value in enumerate(values, start=1):
            batch = batches[value]
            batch_before = list(totals)
            papers_in = sum(sum(p.values()) for p in batch.values())
            _, lost = self.move(list(batch.values()), None)
            for c in out:
                if c in batch:
                    totals[c] -= value * sum(batch[c].values())
            self.nt += lost
            self.points.append(list(totals))
            notes.append(
                f"batch {i} of {len(values)}: {papers_in} papers at {_v(value)}:"
                f" {self.gains(batch_before)}; non-transferable {_v(lost)}"
            )
            if not self.elected and lost:
                self.recalculate_quota_5_4_8(notes)
            stage_elected.extend(self.deem_elected(number, "5.4.9", notes))
            if len(self.elected) >= self.seats:
                if i < len(values):
                    notes.append("every place is filled: no further transfer (ERS97 5.5.2)")
                break
        if not values:
            notes.append("no papers to transfer")
        stage = make_stage(
            number,
            "Exclusion of " + _and([self.names[c] for c in out]),
            "exclusion",
            self.shown,
            before,
            totals,
            nt_before,
            self.nt,
            subject=out,
        )
        stage.excluded = list(out)
        stage.elected = stage_elected
        stage.notes.extend(notes)
        self.record_stage(stage)

    def recalculate_quota_5_4_8(self, notes: list[str]) -> None:
        """Papers became non-transferable before anyone was deemed elected: the quota is
        recalculated without them."""
        new_quota = self.quota_5_1_6(self.valid_units - self.nt)
        if new_quota != self.quota:
            notes.append(
                f"quota recalculated without the non-transferable vote:"
                f" ({_v(self.valid_units)} - {_v(self.nt)}) / {self.seats + 1} ="
                f" {_v(new_quota)} (ERS97 5.4.8)"
            )
            self.quota = new_quota
