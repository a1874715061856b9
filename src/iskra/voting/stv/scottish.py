"""STV as in the Scottish Local Government Elections Order 2007 (SSI 2007/42), Sch. 1.

Rules 45-52 (see docs/voting.md for the clause-by-clause mapping). All vote values are
integers in units of 0.00001, the five decimal places rule 48(3) calculates to, so the
arithmetic is exact and the truncation ("any remainder being ignored") is an integer
floor division.
"""

from __future__ import annotations

from ..ballots import Profile
from ..results import CountResult
from ..ties import TieBreaker
from .common import Progress, make_stage, order_of_election, pick_largest, pick_lowest

SCALE = 100_000
PRECISION = 5

# A pile maps the value of one paper to the indices of the ballots whose papers the
# candidate holds at that value. All papers of one ballot always travel together (every
# transfer moves every paper of a parcel, at one value), so a ballot index is in at
# most one pile, and its current position in the ranking is kept in one shared list.
Pile = dict[int, list[int]]


def count_scottish(
    profile: Profile, seats: int, seed: int | None = None, progress: Progress | None = None
) -> CountResult:
    """Count ``profile`` for ``seats`` vacancies under SSI 2007/42 Sch. 1 rules 46-52."""
    names = profile.candidates
    n = len(names)
    # Repeated candidates are left in the rankings: the transfer below stops at one.
    rankings, weights = profile.strict_ballots(cut_repeats=False)
    valid = sum(weights)
    # Rule 46(3): valid papers divided by (seats + 1), fraction disregarded, plus one.
    quota = (valid // (seats + 1) + 1) * SCALE
    ties = TieBreaker(seed)

    # Each ranking ends with the sentinel ``n``, a pseudo-candidate that is always
    # "continuing" during a transfer and collects the non-transferable papers, so the
    # search for the next preference needs no bounds check.
    end_mark = (n,)
    padded = [r + end_mark for r in rankings]
    position = [0] * len(rankings)
    weight_of = weights.__getitem__
    firsts: list[list[int]] = [[] for _ in range(n)]
    add_first = [f.append for f in firsts]
    for bi, r in enumerate(rankings):
        add_first[r[0]](bi)
    piles: list[Pile] = [{SCALE: f} if f else {} for f in firsts]
    totals = [sum(map(weight_of, f)) * SCALE for f in firsts]

    continuing = [c not in profile.withdrawn for c in range(n)]
    shown = [c for c in range(n) if c not in profile.withdrawn]
    elected: list[int] = []
    surplus_done = [False] * n
    nt = 0
    history: list[list[int]] = []

    def transfer(source: int, surplus: int | None) -> None:
        """Move all papers of ``source`` to their next continuing preference.

        With ``surplus`` (rule 48) each paper's new value is surplus x value / total,
        truncated to 5 decimals; without it (exclusion, rule 50) papers keep their value.
        Papers with no further usable preference go to the pseudo-candidate ``n`` and
        leave the count as non-transferable.
        """
        nonlocal nt
        pile = piles[source]
        piles[source] = {}
        total = totals[source]
        moved = 0
        live = [*continuing, True]
        # Local names for the inner loop (quicker to reach than the enclosing function's).
        place = position
        ranking_of = padded
        for value, ballots in pile.items():
            nv = value if surplus is None else surplus * value // total
            if nv == 0:
                # Worth nothing after truncation: these papers leave the count.
                continue
            out: list[list[int]] = [[] for _ in range(n + 1)]
            add = [o.append for o in out]
            for bi in ballots:
                r = ranking_of[bi]
                p = place[bi] + 1
                to = r[p]
                while not live[to]:
                    if r.index(to) < p:
                        # A candidate ranked a second time: the paper is not transferable
                        # past it (Profile.strict_ballots cuts the ranking there). A live
                        # candidate is never such a repeat: each earlier preference was
                        # skipped as not continuing, or held the paper until it was
                        # elected or excluded, and no candidate becomes continuing again.
                        to = n
                        break
                    p += 1
                    to = r[p]
                place[bi] = p
                add[to](bi)
            for to in range(n):
                arrived = out[to]
                if arrived:
                    dest = piles[to]
                    held = dest.get(nv)
                    if held is None:
                        dest[nv] = arrived
                    else:
                        held.extend(arrived)
                    v = nv * sum(map(weight_of, arrived))
                    totals[to] += v
                    moved += v
        if surplus is None:
            nt += total - moved
            totals[source] = 0
        else:
            # The difference between the surplus and what reached continuing candidates
            # (non-transferable papers plus fractions lost to truncation) leaves the count;
            # the elected candidate keeps exactly the quota.
            nt += surplus - moved
            totals[source] = quota

    def elect_reaching_quota(stage_no: int) -> list[int]:
        # Rule 46(4)/47: a continuing candidate with the quota or more is deemed elected.
        reached = [c for c in range(n) if continuing[c] and totals[c] >= quota]
        ordered = order_of_election(reached, totals, history[:-1], ties, stage_no)
        for c in ordered:
            continuing[c] = False
            elected.append(c)
        return ordered[: max(0, seats - (len(elected) - len(ordered)))]

    stage = make_stage(1, "First preferences", "first", shown, None, totals, 0, 0)
    history.append(list(totals))
    stage.elected = elect_reaching_quota(1)
    stages = [stage]
    if progress:
        progress(1)

    while len(elected) < seats:
        cont = [c for c in range(n) if continuing[c]]
        remaining = seats - len(elected)
        if len(cont) <= remaining:
            # Rule 52: as many continuing candidates as vacancies; they are elected and
            # no further transfer is made.
            ordered = order_of_election(cont, totals, history[:-1], ties, len(stages))
            for c in ordered:
                continuing[c] = False
                elected.append(c)
            stages[-1].elected.extend(ordered)
            if ordered:
                stages[-1].notes.append(
                    "last vacancies filled by the remaining continuing candidates (rule 52)"
                )
            break
        number = len(stages) + 1
        notes: list[str] = []
        before = list(totals)
        nt_before = nt
        pending = [c for c in elected if not surplus_done[c] and totals[c] > quota]
        if pending:
            # Rule 49: the largest surplus first; equal surpluses by earlier stages, then lot.
            c = pick_largest(pending, totals, history, ties, number, notes, names)
            surplus_done[c] = True
            transfer(c, totals[c] - quota)
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
        else:
            # Rules 50-51: exclude the lowest continuing candidate, ties by earlier
            # stages then lot; all their papers move at their current value.
            c = pick_lowest(cont, totals, history, ties, number, notes, names)
            continuing[c] = False
            transfer(c, None)
            stage = make_stage(
                number,
                f"Exclusion of {names[c]}",
                "exclusion",
                shown,
                before,
                totals,
                nt_before,
                nt,
                subject=[c],
            )
            stage.excluded = [c]
        stage.notes.extend(notes)
        history.append(list(totals))
        stage.elected = elect_reaching_quota(number)
        stages.append(stage)
        if progress:
            progress(number)

    return CountResult(
        method="stv-scottish",
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
