"""Property-based tests (hypothesis) of invariants every count must keep."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from iskra.voting import Profile, count

STV = ("stv-scottish", "stv-ers97", "stv-meek")
SCALE = {"stv-scottish": 10**5, "stv-ers97": 10**2, "stv-meek": 10**9, "irv": 1}


@st.composite
def elections(draw: st.DrawFn, min_cands: int = 2, max_cands: int = 6) -> tuple[Profile, int]:
    n = draw(st.integers(min_cands, max_cands))
    ballots = draw(
        st.lists(
            st.tuples(st.permutations(range(n)), st.integers(1, n), st.integers(1, 20)),
            min_size=1,
            max_size=12,
        )
    )
    rankings = [(tuple(perm[:length]), w) for perm, length, w in ballots]
    seats = draw(st.integers(1, n - 1))
    return Profile.from_rankings([f"c{i}" for i in range(n)], rankings), seats


FAST = settings(max_examples=60, deadline=None)


@FAST
@given(elections(), st.sampled_from((*STV, "irv")))
def test_votes_are_conserved_at_every_stage(election: tuple[Profile, int], method: str) -> None:
    profile, seats = election
    result = count(profile, method=method, seats=1 if method == "irv" else seats, seed=0)
    total = result.valid_ballots * SCALE[method]
    for stage in result.stages:
        assert sum(stage.votes.values()) + stage.non_transferable == total


@FAST
@given(
    elections(),
    st.sampled_from((*STV, "irv", "schulze", "ranked-pairs", "plurality")),
    st.randoms(use_true_random=False),
)
def test_ballot_order_does_not_matter(
    election: tuple[Profile, int], method: str, rnd: random.Random
) -> None:
    profile, seats = election
    seats = 1 if method == "irv" else seats
    shuffled = list(profile.ballots)
    rnd.shuffle(shuffled)
    other = Profile(candidates=profile.candidates, ballots=tuple(shuffled))
    a = count(profile, method=method, seats=seats, seed=5).to_dict()
    b = count(other, method=method, seats=seats, seed=5).to_dict()
    assert a == b


@FAST
@given(elections(min_cands=2, max_cands=5))
def test_condorcet_winner_wins_schulze_and_ranked_pairs(election: tuple[Profile, int]) -> None:
    profile, _ = election
    n = len(profile.candidates)
    beats = [[0] * n for _ in range(n)]
    for ranking, w in profile.ballots:
        order = list(ranking)
        for i in range(n):
            for j in range(n):
                if i in order and (j not in order or order.index(i) < order.index(j)):
                    beats[i][j] += w
    winners = [i for i in range(n) if all(beats[i][j] > beats[j][i] for j in range(n) if j != i)]
    if winners:
        for method in ("schulze", "ranked-pairs"):
            assert count(profile, method=method, seed=1).elected == winners


@FAST
@given(elections())
def test_irv_majority_winner_wins_at_stage_one(election: tuple[Profile, int]) -> None:
    profile, _ = election
    first = [0] * len(profile.candidates)
    for ranking, w in profile.ballots:
        first[ranking[0]] += w
    leader = max(range(len(first)), key=lambda c: first[c])
    result = count(profile, method="irv", seed=0)
    if 2 * first[leader] > sum(first):
        assert result.elected == [leader]
        assert len(result.stages) == 1


@FAST
@given(elections(max_cands=5), st.sampled_from((*STV, "irv", "plurality", "schulze")))
def test_candidate_without_votes_is_not_elected(election: tuple[Profile, int], method: str) -> None:
    profile, seats = election
    seats = 1 if method == "irv" else seats
    # Add a candidate nobody ranked.
    ghost = Profile(candidates=(*profile.candidates, "ghost"), ballots=profile.ballots)
    # Candidates with first preferences keep a positive total until elected or
    # excluded, so with at least as many of them as seats the ghost (always at zero,
    # possibly tied with other zero candidates) must be excluded before any of them.
    first = {ranking[0] for ranking, _ in profile.ballots}
    if len(first) >= seats:
        result = count(ghost, method=method, seats=seats, seed=3)
        assert len(profile.candidates) not in result.elected


@FAST
@given(
    elections(),
    st.sampled_from((*STV, "irv", "schulze", "ranked-pairs", "approval")),
    st.integers(0, 2**32),
)
def test_deterministic_given_the_seed(
    election: tuple[Profile, int], method: str, seed: int
) -> None:
    profile, seats = election
    seats = 1 if method == "irv" else seats
    a = count(profile, method=method, seats=seats, seed=seed).to_dict()
    b = count(profile, method=method, seats=seats, seed=seed).to_dict()
    assert a == b
    assert a["seed"] in (None, seed)


@FAST
@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.lists(st.integers(0, n - 1), max_size=n + 2), st.integers(0, 9)),
                max_size=15,
            ),
            st.sets(st.integers(0, n - 1), max_size=2),
        )
    )
)
def test_pairwise_matrix_matches_its_definition(
    case: tuple[int, list[tuple[list[int], int]], set[int]],
) -> None:
    from iskra.voting.condorcet import pairwise_matrix

    n, ballots, withdrawn = case
    profile = Profile(
        candidates=tuple(f"c{i}" for i in range(n)),
        ballots=tuple((tuple(r), w) for r, w in ballots),
        withdrawn=frozenset(withdrawn),
    )
    expected = [[0] * n for _ in range(n)]
    for r, w in ballots:
        place: dict[int, int] = {}
        for c in r:  # a ranking stops at its first repeated candidate
            if c in place:
                break
            place[c] = len(place)
        for i in place:
            for j in range(n):
                if i != j and not {i, j} & withdrawn and (j not in place or place[i] < place[j]):
                    expected[i][j] += w
    assert pairwise_matrix(profile) == expected
