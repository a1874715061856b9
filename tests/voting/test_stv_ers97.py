"""stv-ers97 against the rule text of ERS97 and the figures published with it.

ERS97 is "How to conduct an election by the Single Transferable Vote", 3rd edition,
Electoral Reform Society, 1997; clause numbers below are those of its section 5. The
published figures used here are the booklet's own: the model election (section 8,
stages 1-2) and exercises 9.2, 9.3 and 9.6 (section 9). The booklet gives no
ballot-level data, so each test builds ballots that give exactly the published
first-stage figures and checks the figures and decisions that follow from them. The
expected values were worked out by hand from the rule text; the arithmetic is in the
comments (all values in units of 0.01, remainders ignored).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from iskra.voting import Profile, count
from iskra.voting.results import CountResult


def profile(names: str, rows: Sequence[tuple[str, int]]) -> Profile:
    """Ballots written as strings of one-letter candidate names, most preferred first."""
    index = {name: i for i, name in enumerate(names)}
    return Profile.from_rankings(
        list(names), [([index[c] for c in ranking], weight) for ranking, weight in rows]
    )


def ers97(p: Profile, seats: int) -> CountResult:
    return count(p, method="stv-ers97", seats=seats, seed=1)


def sheet(result: CountResult) -> list[tuple[str, dict[str, str], str]]:
    """Each stage as (action, totals by name, non-transferable)."""
    return [(s["action"], s["votes"], s["non_transferable"]) for s in result.to_dict()["stages"]]


def test_deferral_5_2_2_b_changes_the_stage_sequence() -> None:
    # 100 votes, 2 places: quota 100/3 = 33.333.. -> 33.33 + 0.01 = 33.34 (5.1.6).
    # Stage 1: A 40 is elected with a surplus of 40 - 33.34 = 6.66.
    # 5.2.2(a): the two lowest are E 5 and D 6; 6.66 exceeds 6 - 5 = 1, no deferral.
    # 5.2.2(b): E and D could be excluded together under 5.2.5 (2 candidates would
    # remain for the 1 place left, and 5 + 6 + 6.66 = 17.66 <= C's 22), and 6.66 does
    # not exceed 22 - (5 + 6) = 11: the surplus is deferred.
    # Stage 2 (5.2.5): E and D excluded together, 11 papers at 1.00:
    #   B 27 + 4 = 31, C 22 + 2 + 3 = 27, non-transferable 2.
    # Stage 3: the two lowest are now C 27 and B 31; 6.66 exceeds their gap of 4, and
    # two cannot be excluded with only 2 left for 1 place, so A's surplus moves. First-stage surplus: all 40 papers
    # (5.3.1), all transferable, worth 40 > 6.66: transfer value 6.66 / 40 = 0.1665
    # -> 0.16 (5.3.7). B 31 + 30 x 0.16 = 35.80, C 27 + 10 x 0.16 = 28.60,
    # non-transferable 2 + (6.66 - 6.40) = 2.26. B reaches 33.34 and is elected.
    # Without 5.2.2(b) stage 2 would have been A's surplus.
    p = profile(
        "ABCDE",
        [("AB", 30), ("AC", 10), ("B", 27), ("C", 22), ("DB", 4), ("DC", 2), ("EC", 3), ("E", 2)],
    )
    result = ers97(p, seats=2)
    assert result.quota == 3334
    assert sheet(result) == [
        (
            "First preferences",
            {"A": "40.00", "B": "27.00", "C": "22.00", "D": "6.00", "E": "5.00"},
            "0.00",
        ),
        (
            "Exclusion of E and D",
            {"A": "40.00", "B": "31.00", "C": "27.00", "D": "0.00", "E": "0.00"},
            "2.00",
        ),
        (
            "Surplus of A",
            {"A": "33.34", "B": "35.80", "C": "28.60", "D": "0.00", "E": "0.00"},
            "2.26",
        ),
    ]
    assert result.stages[1].excluded == [4, 3]
    assert any("5.2.2(b)" in note for note in result.stages[1].notes)
    assert result.elected_names == ["A", "B"]


def test_deferral_5_2_2_a_when_the_surplus_equals_the_gap() -> None:
    # 99 votes, 2 places: quota 99/3 = 33.00 exactly (5.1.6: no 0.01 is added).
    # A 40 has a surplus of 7.00; the two lowest are D 5 and E 12. The surplus "does not
    # exceed" 12 - 5 = 7, so it is deferred (5.2.2(a)).
    # 5.2.5 with the deferred 7.00: D alone (5 + 7 = 12 <= E's 12); D and E together
    # would need 17 + 7 = 24 <= C's 20, no. Stage 2 excludes D: D's papers go to C,
    # C 20 + 5 = 25.
    # Stage 3: two lowest E 12 and B 22 (gap 10 >= 7): deferred again; E is excluded
    # (12 + 7 = 19 <= 22), E's papers to B: B 22 + 12 = 34 >= 33, elected.
    p = profile("ABCDE", [("AB", 40), ("B", 22), ("C", 20), ("DC", 5), ("EB", 12)])
    result = ers97(p, seats=2)
    assert result.quota == 3300
    assert [s.action for s in result.stages] == [
        "First preferences",
        "Exclusion of D",
        "Exclusion of E",
    ]
    assert "5.2.2(a)" in result.stages[1].notes[0]
    assert result.stages[2].votes[1] == 3400
    assert result.elected_names == ["A", "B"]


def test_bulk_exclusion_5_2_5() -> None:
    # 100 votes, 1 place: quota 100/2 = 50.00 exactly.
    # Stage 1: A 40, B 35, C 10, D 8, E 7; no surplus.
    # 5.2.5, lowest first (E 7, D 8, C 10, B 35, A 40), as many as possible:
    #   E alone: 7 <= 8; E+D: 15 > 10; E+D+C: 25 <= B's 35; four would leave too few.
    # So E, D and C are excluded together in one stage, 25 papers at 1.00:
    #   A 40 + 8 (D) + 4 (E) = 52, B 35 + 10 (C) + 3 (E) = 48. A reaches 50.00.
    # (Excluding one at a time would have taken three stages.)
    p = profile("ABCDE", [("A", 40), ("B", 35), ("CB", 10), ("DA", 8), ("EA", 4), ("EB", 3)])
    result = ers97(p, seats=1)
    assert result.quota == 5000
    assert sheet(result) == [
        (
            "First preferences",
            {"A": "40.00", "B": "35.00", "C": "10.00", "D": "8.00", "E": "7.00"},
            "0.00",
        ),
        (
            "Exclusion of E, D and C",
            {"A": "52.00", "B": "48.00", "C": "0.00", "D": "0.00", "E": "0.00"},
            "0.00",
        ),
    ]
    assert result.stages[1].excluded == [4, 3, 2]
    assert result.stages[1].elected == [0]
    assert result.elected_names == ["A"]


def test_quota_recalculated_before_anyone_is_elected_5_4_8() -> None:
    # As above but 5 of E's papers have no further preference. Quota 50.00.
    # Stage 2 excludes E, D and C together (25 <= 35): A 40 + 3 + 2 = 45,
    # B 35 + 10 + 5 = 50, non-transferable 5. Nobody has been deemed elected, so the
    # quota is recalculated without the 5: (100 - 5) / 2 = 47.50 (5.4.8), and B's 50
    # reaches it.
    p = profile(
        "ABCDE", [("A", 40), ("B", 35), ("CB", 10), ("DA", 3), ("DB", 5), ("ECA", 2), ("E", 5)]
    )
    result = ers97(p, seats=1)
    assert result.quota == 4750
    assert [s.quota for s in result.stages] == [5000, 4750]
    assert result.stages[1].votes == {0: 4500, 1: 5000, 2: 0, 3: 0, 4: 0}
    assert result.stages[1].non_transferable == 500
    assert result.elected_names == ["B"]


def test_batches_of_one_exclusion_and_surplus_from_the_last_batch() -> None:
    # 33 votes, 3 places: quota 33/4 = 8.25.
    # Stage 1: B 17 elected (surplus 8.75); A 2, C 6, D 1, E 7.
    # Stage 2: 8.75 exceeds the gap of the two lowest (2 - 1) and no group qualifies
    # under 5.2.2(b), so B's surplus moves: all 17 papers are transferable, transfer
    # value 8.75 / 17 = 0.514.. -> 0.51; A +7 x 0.51 = 3.57 (5.57), D +10 x 0.51 = 5.10
    # (6.10); non-transferable 8.75 - 8.67 = 0.08.
    # Stage 3: A 5.57 is lowest (5.57 <= C's 6; A+C 11.57 > D's 6.10). One stage, two
    # batches (5.4.1): first A's own 2 papers at 1.00, both non-transferable (2.00);
    # then the 7 papers at 0.51, which go to C: 6 + 3.57 = 9.57, elected.
    # Stage 4: C's surplus 9.57 - 8.25 = 1.32 comes from the last received batch only
    # (5.3.2), the 7 papers at 0.51 (worth 3.57 > 1.32): transfer value 1.32 / 7 =
    # 0.188.. -> 0.18; E 7 + 7 x 0.18 = 8.26, elected; non-transferable 2.08 + 0.06.
    p = profile(
        "ABCDE",
        [("BACE", 7), ("A", 2), ("EACBD", 7), ("DC", 1), ("BDAC", 10), ("C", 6)],
    )
    result = ers97(p, seats=3)
    assert sheet(result) == [
        (
            "First preferences",
            {"A": "2.00", "B": "17.00", "C": "6.00", "D": "1.00", "E": "7.00"},
            "0.00",
        ),
        (
            "Surplus of B",
            {"A": "5.57", "B": "8.25", "C": "6.00", "D": "6.10", "E": "7.00"},
            "0.08",
        ),
        (
            "Exclusion of A",
            {"A": "0.00", "B": "8.25", "C": "9.57", "D": "6.10", "E": "7.00"},
            "2.08",
        ),
        (
            "Surplus of C",
            {"A": "0.00", "B": "8.25", "C": "8.25", "D": "6.10", "E": "8.26"},
            "2.14",
        ),
    ]
    assert result.elected_names == ["B", "C", "E"]


def test_ties_for_the_last_place_use_the_earliest_point_5_6_2() -> None:
    # 100 votes, 1 place: quota 50.00. Stage 1: A 40, B 29, C 17, D 14.
    # Stage 2: D alone (14 <= 17; D+C 31 > B's 29): D's papers to B, B 43 > A 40.
    # Stage 3: C alone (17 <= 40): A 40 + 10 = 50, B 43 + 7 = 50. Both reach the quota
    # with equal votes for one place: 5.6.2 takes the first stage or the earliest point
    # where they differed, the first stage (A 40 > B 29), so A is elected, although B
    # was ahead at the most recent point where they differed.
    p = profile("ABCD", [("A", 40), ("B", 29), ("CA", 10), ("CB", 7), ("DB", 14)])
    result = ers97(p, seats=1)
    assert [s.votes[0] for s in result.stages] == [4000, 4000, 5000]
    assert [s.votes[1] for s in result.stages] == [2900, 4300, 5000]
    assert result.elected_names == ["A"]
    assert any("5.6.2" in note for note in result.stages[2].notes)
    assert not result.lots


def test_equal_at_every_point_none_is_elected_5_6_2() -> None:
    # 10 votes, 1 place: quota 5.00. A 5 and B 5 are equal at every point: neither is
    # deemed elected at the first stage (5.6.2). Stage 2 must exclude one of them
    # (5.2.5: equal at every point, so by lot), which leaves one continuing candidate
    # for one place: elected under 5.5.1 without a further transfer.
    p = profile("AB", [("A", 5), ("B", 5)])
    result = ers97(p, seats=1)
    assert len(result.stages) == 1
    notes = " ".join(result.stages[0].notes)
    assert "5.6.2" in notes and "5.5.1" in notes
    assert len(result.lots) == 1 and result.lots[0].purpose == "exclusion"
    assert result.elected == [1 - result.lots[0].chosen]


def test_elected_on_the_total_active_vote_5_3_13_b() -> None:
    # 20 votes, 2 places: quota 20/3 = 6.66.. -> 6.67.
    # Stage 1: A 10 elected (surplus 3.33); B 5, C 3, D 2.
    # Stage 2: the gap of the two lowest is 1 and no group qualifies under 5.2.2(b)
    # (2 + 3 + 3.33 > 5), so A's surplus moves. All 10 of A's papers have no further
    # preference: the surplus is non-transferable, 3.33.
    # The total active vote is now 20 - 3.33 - 6.67 (A's quota) = 10.00; one place
    # left, so 10.00 / 2 = 5.00, and B's 5 "equals or exceeds" it: B is deemed elected
    # under 5.3.13(b) although below the quota.
    p = profile("ABCD", [("A", 10), ("B", 5), ("C", 3), ("D", 2)])
    result = ers97(p, seats=2)
    assert result.quota == 667
    assert [s.action for s in result.stages] == ["First preferences", "Surplus of A"]
    assert result.stages[1].non_transferable == 333
    assert result.stages[1].elected == [1]
    assert any("5.3.13(b)" in note for note in result.stages[1].notes)


# ERS97 exercise 9.2: "Calculate the quota for election in each of the following cases"
# (total valid vote, places). 5.1.6: divide to two decimals; exact, or the remainder
# ignored and 0.01 added: 5334/7 = 762 exactly; 698/8 = 87.25 exactly;
# 28625/6 = 4770.833.. -> 4770.84; 731/21 = 34.809.. -> 34.81.
@pytest.mark.parametrize(
    ("valid", "places", "quota"),
    [(5334, 6, "762.00"), (698, 7, "87.25"), (28625, 5, "4770.84"), (731, 20, "34.81")],
)
def test_exercise_9_2_quota(valid: int, places: int, quota: str) -> None:
    names = [f"C{i}" for i in range(places + 1)]
    share, extra = divmod(valid, places + 1)
    rows = [((i,), share + (1 if i < extra else 0)) for i in range(places + 1)]
    result = count(Profile.from_rankings(names, rows), method="stv-ers97", seats=places, seed=1)
    first = result.to_dict()["stages"][0]
    assert (first["quota"] or result.to_dict()["quota"]) == quota


# ERS97 exercise 9.3: a surplus at the first stage, given the candidate's vote, the
# quota and the number of non-transferable papers; the surplus, transfer value and
# non-transferable difference follow from 5.3.1 and 5.3.7:
#   (a) 127 - 88.91 = 38.09 over 123 papers: 0.309.. -> 0.30, 36.90 moved, 1.19 lost
#   (b) 867 - 833 = 34 over 850 papers: 0.04 exactly, 34.00 moved, 0.00 lost
#   (c) 1635 - 1149 = 486 over 1621 papers: 0.299.. -> 0.29, 470.09 moved, 15.91 lost
#   (d) 1327 - 1315 = 12 over 1317 papers: 0.009.. -> 0.00, nothing moves, 12.00 lost
# The quotas come from the total valid vote and places given here (88.91 = 1867/21,
# the others exact); the other candidates share the rest of the vote evenly, which
# rules out deferring the surplus (5.2.2).
@pytest.mark.parametrize(
    ("vote", "quota", "nontransferable", "valid", "places", "value", "moved", "lost"),
    [
        (127, "88.91", 4, 1867, 20, "0.30", "36.90", "1.19"),
        (867, "833.00", 17, 4998, 5, "0.04", "34.00", "0.00"),
        (1635, "1149.00", 14, 6894, 5, "0.29", "470.09", "15.91"),
        (1327, "1315.00", 10, 7890, 5, "0.00", "0.00", "12.00"),
    ],
)
def test_exercise_9_3_first_stage_surplus(
    vote: int,
    quota: str,
    nontransferable: int,
    valid: int,
    places: int,
    value: str,
    moved: str,
    lost: str,
) -> None:
    others = places + 1
    names = ["X", *(f"C{i}" for i in range(others))]
    share, extra = divmod(valid - vote, others)
    rows = [((0, 1), vote - nontransferable), ((0,), nontransferable)]
    rows += [((i + 1,), share + (1 if i < extra else 0)) for i in range(others)]
    result = count(Profile.from_rankings(names, rows), method="stv-ers97", seats=places, seed=1)
    stages = result.to_dict()["stages"]
    assert result.to_dict()["quota"] == quota
    assert stages[1]["action"] == "Surplus of X"
    assert stages[1]["votes"]["X"] == quota
    assert stages[1]["transfers"]["C0"] == moved
    assert stages[1]["non_transferable_change"] == lost
    assert f"= {value} (ERS97 5.3.7)" in stages[1]["notes"][0]


# ERS97 exercise 9.6: first-stage votes for five places; "calculate the quota, decide
# the candidates deemed to be elected, and the Returning Officer's action". Quota:
# 5697/6 = 949.50 exactly. A (1073) is elected in all four, B too in (d).
#   (a) surplus 123.50; lowest J 180, H 225: gap 45 < 123.50; J+H 405 + 123.50 >
#       G's 431 (and no larger group fits): A's surplus is transferred.
#   (b) J 130, H 275: gap 145 >= 123.50, deferred (5.2.2(a)); 5.2.5: J alone
#       (130 + 123.50 <= 275), J+H 528.50 > G's 431: J is excluded.
#   (c) J 130, H 275, G 531: deferred as in (b); J+H 405 + 123.50 = 528.50 <= 531:
#       J and H are excluded together.
#   (d) surpluses 123.50 + 37.50 = 161 > the gap 145, and J+H 405 + 161 > 531 (no
#       larger group fits either): A's surplus, the larger, is transferred.
EXERCISE_9_6 = {
    "a": [1073, 937, 858, 784, 660, 549, 431, 225, 180],
    "b": [1073, 937, 858, 784, 660, 549, 431, 275, 130],
    "c": [1073, 937, 858, 784, 560, 549, 531, 275, 130],
    "d": [1073, 987, 808, 784, 560, 549, 531, 275, 130],
}


@pytest.mark.parametrize(
    ("case", "elected", "action", "deferred"),
    [
        ("a", ["A"], "Surplus of A", False),
        ("b", ["A"], "Exclusion of J", True),
        ("c", ["A"], "Exclusion of J and H", True),
        ("d", ["A", "B"], "Surplus of A", False),
    ],
)
def test_exercise_9_6_returning_officers_action(
    case: str, elected: list[str], action: str, deferred: bool
) -> None:
    names = "ABCDEFGHJ"
    p = Profile.from_rankings(list(names), [((i,), v) for i, v in enumerate(EXERCISE_9_6[case])])
    result = count(p, method="stv-ers97", seats=5, seed=1)
    assert (result.to_dict()["stages"][0]["quota"] or result.to_dict()["quota"]) == "949.50"
    assert [names[c] for c in result.stages[0].elected] == elected
    assert result.stages[1].action == action
    assert any("5.2.2(a)" in note for note in result.stages[1].notes) == deferred


def test_model_election_stages_1_and_2() -> None:
    # ERS97 section 8 (model election), as published: 753 valid votes, 6 places,
    # quota 753/7 = 107.571.. -> 107.58. Smith has 134 and is elected with a surplus of
    # 26.42, which exceeds the gap between the two lowest (24 - 23 = 1), so it is
    # transferred. 123 of Smith's 134 papers are transferable: 26.42 / 123 = 0.214..
    # -> 0.21, 123 x 0.21 = 25.83 moved and 26.42 - 25.83 = 0.59 non-transferable.
    # The booklet does not give the other candidates' first preferences in the part
    # used here; they are filled in below (consistent with the booklet's decision: no
    # group of lowest candidates plus 26.42 fits below the next candidate, 5.2.2(b)).
    names = ["Smith", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L"]
    firsts = [134, 60, 70, 72, 73, 73, 74, 75, 75, 24, 23]
    rows: list[tuple[tuple[int, ...], int]] = [((0, 1), 123), ((0,), 11)]
    rows += [((i,), v) for i, v in enumerate(firsts) if i]
    result = count(Profile.from_rankings(names, rows), method="stv-ers97", seats=6, seed=1)
    stages = result.to_dict()["stages"]
    assert result.valid_ballots == 753
    assert result.to_dict()["quota"] == "107.58"
    assert stages[0]["elected"] == ["Smith"]
    assert stages[1]["action"] == "Surplus of Smith"
    assert stages[1]["transfers"]["Smith"] == "-26.42"
    assert stages[1]["transfers"]["B"] == "25.83"
    assert stages[1]["non_transferable_change"] == "0.59"
    assert "26.42 / 123 papers = 0.21" in stages[1]["notes"][0]
