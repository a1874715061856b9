"""Condorcet methods: Schulze (beatpath, winning votes) and ranked pairs (Tideman).

Both start from the pairwise matrix ``d[i][j]``: the total weight of ballots that rank
``i`` above ``j``. A listed candidate is above every unlisted one; candidates ranked
equally (TOC/ABIF ties) or both unlisted give no preference either way.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Profile
from .results import CountResult
from .ties import TieBreaker


def pairwise_matrix(profile: Profile) -> list[list[int]]:
    """``d[i][j]`` = weight of ballots preferring ``i`` to ``j``."""
    n = len(profile.candidates)
    d = [[0] * n for _ in range(n)]
    if not profile.has_ties:
        rankings, weights = profile.strict_ballots()
        # For strict rankings: i beats j on a ballot iff i is listed and j is not listed
        # before i. So d[i][j] = listed[i] - before[i][j]. Only the *set* of candidates
        # listed before each preference matters, so the weights are first added up per
        # (set before, candidate), with the set as a bit mask above the candidate's
        # number; far fewer such keys exist than ballots, and each is expanded once.
        shift = n.bit_length()
        low = (1 << shift) - 1
        bits = [1 << (c + shift) for c in range(n)]
        acc: dict[int, int] = {}
        get = acc.get
        for r, w in zip(rankings, weights, strict=True):
            mask = 0
            for c in r:
                key = mask | c
                acc[key] = get(key, 0) + w
                mask |= bits[c]
        listed = [0] * n
        before = [[0] * n for _ in range(n)]
        for key, w in acc.items():
            c = key & low
            listed[c] += w
            row = before[c]
            mask = key >> shift
            while mask:
                bit = mask & -mask
                row[bit.bit_length() - 1] += w
                mask ^= bit
        for i in range(n):
            li, bi, di = listed[i], before[i], d[i]
            for j in range(n):
                if j != i:
                    di[j] = li - bi[j]
        for c in profile.withdrawn:
            for j in range(n):
                d[c][j] = d[j][c] = 0
        return d
    for groups, w in profile.group_ballots():
        remaining = set(range(n)) - set(profile.withdrawn)
        for g in groups:
            remaining -= g
            for i in g:
                row = d[i]
                for j in remaining:
                    row[j] += w
    return d


def strongest_paths(d: Sequence[Sequence[int]], active: Sequence[int]) -> list[list[int]]:
    """Schulze's strongest-path strengths by winning votes (Floyd-Warshall)."""
    n = len(d)
    p = [[0] * n for _ in range(n)]
    for i in active:
        for j in active:
            if i != j and d[i][j] > d[j][i]:
                p[i][j] = d[i][j]
    for k in active:
        pk = p[k]
        for i in active:
            if i == k:
                continue
            pi = p[i]
            pik = pi[k]
            if pik == 0:
                continue
            for j in active:
                if j != i and j != k:
                    v = pk[j] if pk[j] < pik else pik
                    if v > pi[j]:
                        pi[j] = v
    return p


def _order_tiers(
    tiers: list[list[int]], seats: int, ties: TieBreaker, notes: list[str], names: Sequence[str]
) -> tuple[list[int], list[int]]:
    """Flatten tiers of equally placed candidates; draw lots only where a tier
    straddles the last seat, since only then does the order change who is elected."""
    ranking: list[int] = []
    for tier in tiers:
        if len(tier) > 1 and len(ranking) < seats < len(ranking) + len(tier):
            pool = sorted(tier)
            drawn: list[int] = []
            while len(ranking) + len(drawn) < seats:
                pick = ties.draw(pool, stage=1, purpose="tie between equally placed candidates")
                drawn.append(pick)
                pool.remove(pick)
            notes.append(
                "tie between " + ", ".join(names[c] for c in sorted(tier)) + " decided by lot"
            )
            ranking.extend(drawn + pool)
        else:
            ranking.extend(sorted(tier))
    return ranking[:seats], ranking


def count_schulze(profile: Profile, seats: int = 1, seed: int | None = None) -> CountResult:
    """Schulze method; with ``seats`` > 1 the top of the Schulze ranking wins."""
    names = profile.candidates
    active = [c for c in range(len(names)) if c not in profile.withdrawn]
    d = pairwise_matrix(profile)
    p = strongest_paths(d, active)
    ties = TieBreaker(seed)
    # The relation "p[i][j] > p[j][i]" is transitive, so repeatedly taking the
    # candidates not beaten by any remaining one yields Schulze's ranking in tiers.
    remaining = list(active)
    tiers: list[list[int]] = []
    while remaining:
        top = [i for i in remaining if all(p[i][j] >= p[j][i] for j in remaining if j != i)]
        tiers.append(top)
        remaining = [c for c in remaining if c not in top]
    notes: list[str] = []
    elected, ranking = _order_tiers(tiers, seats, ties, notes, names)
    if len(tiers[0]) > 1:
        notes.append("Schulze winners (tied): " + ", ".join(names[c] for c in tiers[0]))
    return CountResult(
        method="schulze",
        seats=seats,
        candidates=names,
        elected=elected,
        valid_ballots=profile.valid_weight(),
        lots=ties.lots,
        seed=ties.seed if ties.lots else None,
        withdrawn=profile.withdrawn,
        title=profile.title,
        ranking=ranking,
        pairwise=d,
        strongest_paths=p,
        notes=notes,
    )


def _reaches(locked: list[set[int]], src: int, dst: int) -> bool:
    stack, seen = [src], {src}
    while stack:
        x = stack.pop()
        if x == dst:
            return True
        for y in locked[x]:
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return False


def count_ranked_pairs(profile: Profile, seats: int = 1, seed: int | None = None) -> CountResult:
    """Tideman's ranked pairs by winning votes.

    Majorities are taken strongest first (more votes for the winner of the pair, then
    fewer against); a majority is locked in unless it would make a cycle. Pairs of
    equal strength are ordered by a tie-breaking ranking of the candidates drawn by lot
    (Tideman's rule), drawn only if such a tie occurs.
    """
    names = profile.candidates
    n = len(names)
    active = [c for c in range(n) if c not in profile.withdrawn]
    d = pairwise_matrix(profile)
    ties = TieBreaker(seed)
    notes: list[str] = []
    pairs = [(i, j) for i in active for j in active if d[i][j] > d[j][i]]
    strength = {(i, j): (d[i][j], -d[j][i]) for i, j in pairs}
    tbrc: dict[int, int] | None = None
    keys = [strength[x] for x in pairs]
    if len(set(keys)) < len(keys):
        pool = sorted(active)
        order: list[int] = []
        while pool:
            pick = (
                pool[0]
                if len(pool) == 1
                else ties.draw(pool, stage=1, purpose="tie-breaking ranking of candidates")
            )
            order.append(pick)
            pool.remove(pick)
        tbrc = {c: k for k, c in enumerate(order)}
        notes.append(
            "pairs of equal strength ordered by a tie-breaking ranking drawn by lot: "
            + " > ".join(names[c] for c in order)
        )
    rank_of = tbrc or {c: c for c in active}
    pairs.sort(key=lambda x: (-strength[x][0], -strength[x][1], rank_of[x[0]], -rank_of[x[1]]))
    locked: list[set[int]] = [set() for _ in range(n)]
    for i, j in pairs:
        if not _reaches(locked, j, i):
            locked[i].add(j)
            notes.append(f"locked {names[i]} > {names[j]} ({d[i][j]} to {d[j][i]})")
        else:
            notes.append(f"skipped {names[i]} > {names[j]} ({d[i][j]} to {d[j][i]}): cycle")
    # Tiers: candidates with no locked majority against them among those remaining.
    remaining = list(active)
    tiers: list[list[int]] = []
    while remaining:
        top = [c for c in remaining if not any(c in locked[x] for x in remaining)]
        if tbrc is not None:
            top = [min(top, key=lambda c: tbrc[c])]
        tiers.append(top)
        remaining = [c for c in remaining if c not in top]
    elected, ranking = _order_tiers(tiers, seats, ties, notes, names)
    return CountResult(
        method="ranked-pairs",
        seats=seats,
        candidates=names,
        elected=elected,
        valid_ballots=profile.valid_weight(),
        lots=ties.lots,
        seed=ties.seed if ties.lots else None,
        withdrawn=profile.withdrawn,
        title=profile.title,
        ranking=ranking,
        pairwise=d,
        notes=notes,
    )
