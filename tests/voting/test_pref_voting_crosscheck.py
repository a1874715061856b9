"""Cross-check against pref_voting (a test-only dependency) on seeded random profiles.

pref_voting returns every candidate that could win under some tie-break, so our
winner must be in its set, and equal to it when the set has one member. Its Schulze
("beat path") and ranked pairs use margins; on complete strict rankings margins and
winning votes order the majorities identically, so complete rankings are used there.
"""

from __future__ import annotations

import random
import warnings

import pytest
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_profiles import GradeProfile
from pref_voting.iterative_methods import instant_runoff as pv_irv
from pref_voting.margin_based_methods import beat_path as pv_beat_path
from pref_voting.margin_based_methods import ranked_pairs as pv_ranked_pairs
from pref_voting.profiles import Profile as PVProfile
from pref_voting.proportional_methods import stv_scottish as pv_stv_scottish
from pref_voting.scoring_methods import plurality as pv_plurality

from iskra.voting import Profile, count

SEEDS = range(40)


def _random_election(seed: int, *, complete: bool) -> tuple[list[list[int]], list[int], int]:
    rng = random.Random(seed)
    n = rng.randint(3, 6)
    rankings, counts = [], []
    for _ in range(rng.randint(3, 10)):
        r = list(range(n))
        rng.shuffle(r)
        if not complete:
            r = r[: rng.randint(1, n)]
        rankings.append(r)
        counts.append(rng.randint(1, 60))
    return rankings, counts, n


def _ours(rankings: list[list[int]], counts: list[int], n: int) -> Profile:
    return Profile.from_rankings([f"c{i}" for i in range(n)], zip(rankings, counts, strict=True))


def _check(ours: list[int], theirs: list[int]) -> None:
    assert set(ours) <= set(theirs)
    if len(theirs) == 1:
        assert ours == theirs


@pytest.mark.parametrize("seed", SEEDS)
def test_single_winner_methods(seed: int) -> None:
    rankings, counts, n = _random_election(seed, complete=True)
    pv = PVProfile(rankings, rcounts=counts)
    profile = _ours(rankings, counts, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check(count(profile, method="plurality").elected, pv_plurality(pv))
        _check(count(profile, method="irv").elected, pv_irv(pv))
        _check(count(profile, method="schulze").elected, pv_beat_path(pv))
        _check(count(profile, method="ranked-pairs").elected, pv_ranked_pairs(pv))


@pytest.mark.parametrize("seed", SEEDS)
def test_approval(seed: int) -> None:
    rankings, counts, n = _random_election(seed, complete=False)
    gp = GradeProfile(
        [dict.fromkeys(r, 1) for r in rankings], [0, 1], gcounts=counts, candidates=list(range(n))
    )
    _check(count(_ours(rankings, counts, n), method="approval").elected, pv_approval(gp))


@pytest.mark.parametrize("seed", SEEDS)
def test_scottish_stv_winner_sets(seed: int) -> None:
    rankings, counts, n = _random_election(seed, complete=True)
    seats = random.Random(seed).randint(1, n - 1)
    result = count(_ours(rankings, counts, n), method="stv-scottish", seats=seats, seed=1)
    if result.lots or any(s.notes for s in result.stages):
        pytest.skip("ties: pref_voting breaks them differently")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pv_stv_scottish(
            PVProfile(rankings, rcounts=counts), num_seats=seats, rng=random.Random(1)
        )
    assert sorted(result.elected) == sorted(theirs)
