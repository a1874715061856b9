"""stv-meek against the New Zealand rules, Local Electoral Regulations 2001, Schedule 1A.

Figures were computed by hand, clause by clause, and checked with a separate calculation
in exact fractions (see tests/data/elections/meek/README.md). "cl." is a clause of
Schedule 1A. Values in units of 10**-9 are written as decimal strings.
"""

from __future__ import annotations

import threading
from pathlib import Path

from iskra.voting import CountResult, count, read_profile
from iskra.voting.formats import parse_blt
from iskra.voting.stv.meek import (
    SCALE,
    aafd,
    allocate_ballot,
    keep_value,
    nz_prns,
    prn_at_step,
)
from iskra.voting.ties import by_history

MEEK = Path(__file__).resolve().parents[1] / "data" / "elections" / "meek"


def _figures(result: CountResult, number: int) -> dict[str, str]:
    stage = result.to_dict()["stages"][number - 1]
    return {**stage["votes"], "nt": stage["non_transferable"], "quota": stage["quota"]}


def test_clause_10_rounds_every_product_up_left_to_right() -> None:
    # A ballot A > B > C with keep values A 0.750000001, B 0.964285715, C 1 (hopeful).
    # A: k1 = 0.750000001 (no multiplication).
    # B: (1 - k1) x k2 = 0.249999999 x 0.964285715 = 0.241071427785714285 -> 0.241071428.
    # C: (1 - k1) x (1 - k2) = 0.249999999 x 0.035714285 = 0.008928571214... -> 0.008928572,
    #    times k3 = 1.
    # The three add up to 1.000000001: rounding up creates a 10**-9.
    given, rest = allocate_ballot([0, 1, 2], [750000001, 964285715, SCALE])
    assert given == {0: 750000001, 1: 241071428, 2: 8928572}
    assert rest == 0
    assert sum(given.values()) == SCALE + 1
    # Without the hopeful candidate the rest is what stays untransferred.
    given, rest = allocate_ballot([0, 1], [750000001, 964285715, SCALE])
    assert rest == 8928572
    # Excluded and withdrawn candidates (keep value 0) are passed over.
    assert allocate_ballot([2, 0], [SCALE, 0, 0]) == ({0: SCALE}, 0)


def test_clause_17_rounds_the_product_before_dividing() -> None:
    # q = 1.000000001, kc = 0.5, vc = 1.000000001: q x kc = 0.5000000005 -> 0.500000001,
    # then 0.500000001 / 1.000000001 = 0.50000000049... -> 0.500000001. Rounding only
    # once (0.5000000005 / 1.000000001 = 0.5 exactly) would give 0.500000000.
    assert keep_value(1_000_000_001, 500_000_000, 1_000_000_001) == 500_000_001
    # Clause 7 is the same formula with kc = 1: 6.750000001 / 9 = 0.75000000011 -> up.
    assert keep_value(6_750_000_001, SCALE, 9 * SCALE) == 750_000_001


def test_sure_loser_is_excluded_before_the_surplus_converges() -> None:
    # 9 A>B>C, 7 B, 5 C, 5 D, 1 E; 3 seats; 27 valid ballots.
    result = count(read_profile(MEEK / "nz_sure_loser.blt"), method="stv-meek", seats=3)
    # Step 1 (cl. 5-6): q = 27 / 4 + 0.000000001; A (9) and B (7) succeed.
    assert _figures(result, 1)["quota"] == "6.750000001"
    assert result.stages[0].elected == [0, 1]
    # Step 2 (cl. 7): kA = 6.750000001 / 9 -> 0.750000001; kB = 6.750000001 / 7 =
    # 0.96428571442... -> 0.964285715. Cl. 10 per ballot as in the test above, so
    # A = 9 x 0.750000001 = 6.750000009; B = 7 x 0.964285715 + 9 x 0.241071428 =
    # 8.919642857; C = 5 + 9 x 0.008928572 = 5.080357148. Votes total 26.750000014, so
    # vnt = 0.249999986 and q = 26.750000014 / 4 = 6.6875000035 -> 6.687500003
    # + 0.000000001 (cl. 11).
    assert _figures(result, 2) == {
        "A": "6.750000009",
        "B": "8.919642857",
        "C": "5.080357148",
        "D": "5.000000000",
        "E": "1.000000000",
        "nt": "0.249999986",
        "quota": "6.687500004",
    }
    # Cl. 13-14: total surplus 0.062500005 + 2.232142853 = 2.294642858, and
    # E (1) + 2.294642858 < D (5): E is excluded at step 2, not after convergence.
    assert result.stages[1].action.endswith("step 2)")
    assert any("E excluded" in n and "cl. 13" in n for n in result.stages[1].notes)
    # Step 3 (cl. 16-17): kA = up(up(6.687500004 x 0.750000001) / 6.750000009)
    # = up(5.015625010 / 6.750000009) = 0.743055557; kB = up(6.448660723 / 8.919642857)
    # = 0.722972974; E's keep value is 0 and E's ballot is exhausted.
    assert result.stages[2].action == "Exclusion of E"
    assert result.stages[2].excluded == [4]
    assert "A 0.743055557, B 0.722972974" in result.stages[2].notes[0]
    assert _figures(result, 3) == {
        "A": "6.687500013",
        "B": "6.732685819",
        "C": "5.640624995",
        "D": "5.000000000",
        "E": "0.000000000",
        "nt": "2.939189173",
        "quota": "6.015202707",
    }
    # Step 4: C reaches the quota (cl. 12) and the three vacancies are filled.
    assert _figures(result, 4)["C"] == "6.056833721"
    assert _figures(result, 4)["quota"] == "5.880373667"
    assert result.elected_names == ["A", "B", "C"]
    assert len(result.stages) == 4


def test_total_surplus_limit_is_0_0001_and_ties_go_to_the_prn() -> None:
    # 6 C>A, 6 A>B>D>C, 8 B; 2 seats. A and C have 6 votes at every step.
    result = count(read_profile(MEEK / "nz_surplus_limit.blt"), method="stv-meek", seats=2)
    # B succeeds at step 1; at step 2 D (0 votes, but ranked, so not withdrawn under
    # cl. 20) plus the surplus 0.444444447 is below 6: D is excluded (cl. 13).
    assert any("D excluded" in n for n in result.stages[1].notes)
    # Steps 4-10 transfer B's surplus: 0.049382719, 0.016460911, 0.005486975,
    # 0.001828997, 0.000609669, 0.000203226, then 0.000067743 at step 10, the first
    # below 0.0001 (a limit of 0.00001 would go on iterating).
    last = result.stages[-1]
    assert last.action == "Surplus transfer (keep values recalculated, steps 4-10)"
    figures = _figures(result, len(result.stages))
    assert figures["B"] == "6.000101616"
    assert figures["quota"] == "6.000033873"
    assert any("total surplus below 0.0001" in n for n in last.notes)
    # A and C tie at every step, so the AAFD method (cl. 40) finds no difference and the
    # lowest PRN decides (cl. 19). PRNs for c = 4, n = 2, v = 20 are A 8809, B 14989,
    # C 13833, D 11535; step 10 is even, so each is 10 000 minus that (cl. 48):
    # A 1191, C -3833. C has the lowest and is excluded; A fills the last vacancy.
    assert any("A 1191, C -3833; C excluded" in n for n in last.notes)
    assert result.elected_names == ["B", "A"]
    assert result.lots == []
    assert result.seed is None


def test_prns_follow_clauses_42_to_48() -> None:
    # c = 3, n = 2, v = 10: x = 8, y = 2, z = (10 + 1000 x 0) rem 30323 = 10.
    # First draw (cl. 43): x = 1368, y = 344, z = 1700;
    # rc = 13680000 div 30269 + 3440000 div 30307 + 17000000 div 30323 = 451 + 113 + 560.
    # Draws 1-4 (1124, 22112, 15554, 15865) are discarded (cl. 44); draws 5-7 go to
    # the candidates in order (cl. 45-47).
    assert nz_prns(3, 2, 10) == [10396, 23321, 16827]
    assert nz_prns(4, 2, 20) == [8809, 14989, 13833, 11535]
    assert [prn_at_step(10396, s) for s in (1, 2, 3)] == [10396, -396, 10396]


def test_tie_for_exclusion_by_prn_at_an_odd_step() -> None:
    # 6 A, 2 B, 2 C; 2 seats. B and C are equal at every step; the surplus falls below
    # 0.0001 at step 11 (odd), where the PRNs are B 23321, C 16827: C is excluded.
    profile = parse_blt(b'3 2\n6 1 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n')
    result = count(profile, method="stv-meek", seats=2, seed=99)
    notes = " ".join(result.stages[-1].notes)
    assert "at step 11" in notes
    assert "B 23321, C 16827; C excluded" in notes
    assert result.elected_names == ["A", "B"]


def test_aafd_looks_at_the_earliest_difference() -> None:
    # Clause 40 looks forward from step 1; the Scottish rule looks backwards.
    history = [[1, 2], [3, 2], [2, 2]]
    assert aafd([0, 1], history) == [0]
    assert by_history([0, 1], history, highest=False) == [1]
    assert aafd([0, 1], [[2, 2], [2, 2]]) == [0, 1]
    assert aafd([0, 1, 2], [[5, 5, 7]]) == [0, 1]


def test_stable_state_excludes_the_lowest_candidate() -> None:
    # 600000 A, 300000 B, 300000 C; 2 seats. A's keep value settles at 0.500000001,
    # where A has 300000.0006 against a quota of 300000.000200001: the total surplus
    # (0.0004) stays above 0.0001 and B = C, so clause 13 never applies; clause 23
    # excludes the lowest (a B-C tie, decided by PRN).
    profile = read_profile(MEEK / "nz_stable_state.blt")
    out: list[CountResult] = []
    worker = threading.Thread(
        target=lambda: out.append(count(profile, method="stv-meek", seats=2)), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert out, "the count did not finish (stable state not detected)"
    result = out[0]
    notes = " ".join(result.stages[-1].notes)
    assert "stable state" in notes and "cl. 23" in notes
    assert _figures(result, len(result.stages))["A"] == "300000.000600000"
    assert "A 0.500000001" in notes
    assert result.elected_names == ["A", "B"]


def test_candidate_without_preferences_is_withdrawn_and_vacancy_stays_open() -> None:
    # Cl. 20: B and C appear on no ballot and are withdrawn; cl. 21: with fewer
    # candidates with votes than vacancies, A alone is elected and one vacancy is left.
    profile = parse_blt(b'3 2\n3 1 0\n0\n"A"\n"B"\n"C"\n')
    result = count(profile, method="stv-meek", seats=2)
    assert result.elected_names == ["A"]
    assert result.to_dict()["withdrawn"] == ["B", "C"]
    assert any("cl. 20" in n for n in result.stages[0].notes)
    assert any("cl. 21" in n for n in result.stages[0].notes)
    # A ranked candidate is not withdrawn, even without first preferences.
    profile = parse_blt(b'4 2\n3 1 2 0\n2 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"D"\n')
    result = count(profile, method="stv-meek", seats=2)
    assert result.to_dict()["withdrawn"] == ["D"]
    assert result.elected_names == ["A", "B"]


def test_one_vacancy_uses_part_2_absolute_majority() -> None:
    # Cl. 26-27: m = 10 / 2 = 5 whole votes; A has 5 first preferences and is elected
    # at once (a Meek quota of 5.000000001 would not be reached).
    profile = parse_blt(b'3 1\n5 1 0\n3 2 0\n2 3 2 0\n0\n"A"\n"B"\n"C"\n')
    result = count(profile, method="stv-meek", seats=1)
    assert result.elected_names == ["A"]
    assert len(result.stages) == 1
    assert result.to_dict()["quota"] == "5.000000000"
    # Cl. 28-32: 4 A, 3 B, 2 C>B, 1 D. D is excluded and its ballot exhausted, so
    # m = up((10 - 1) / 2) = 5; C is excluded and B reaches 5.
    profile = parse_blt(b'4 1\n4 1 0\n3 2 0\n2 3 2 0\n1 4 0\n0\n"A"\n"B"\n"C"\n"D"\n')
    result = count(profile, method="stv-meek", seats=1)
    assert [s.action for s in result.stages] == [
        "First preferences",
        "Exclusion of D",
        "Exclusion of C",
    ]
    assert _figures(result, 2)["quota"] == "5.000000000"
    assert _figures(result, 3)["B"] == "5.000000000"
    assert result.elected_names == ["B"]


def test_one_vacancy_two_candidates_exactly_at_the_majority() -> None:
    # Cl. 34(b): 5 A, 5 B; m = 5 and both have it. The tie rules exclude one (no earlier
    # difference; PRN at step 1 for c = 2, n = 1, v = 10) and the other is elected.
    profile = parse_blt(b'2 1\n5 1 0\n5 2 0\n0\n"A"\n"B"\n')
    result = count(profile, method="stv-meek", seats=1)
    prns = nz_prns(2, 1, 10)
    loser = min((0, 1), key=lambda c: prns[c])
    assert result.elected == [1 - loser]
    assert len(result.stages) == 1
