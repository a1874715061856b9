"""Ballot file readers and the BLT writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from iskra.voting import BallotFileError, Profile, count, read_profile, write_blt
from iskra.voting.formats import parse_blt

BLT = """\
# a comment
4 2
-4
3 1 2 0
2 2 3 1 0

1 3 0
0
"Alice"
"Bob"
Carol
"Dan"
"Test election"
"""


def test_blt_reads_weights_withdrawn_names_and_title(tmp_path: Path) -> None:
    f = tmp_path / "e.blt"
    f.write_text(BLT)
    p = read_profile(f)
    assert p.candidates == ("Alice", "Bob", "Carol", "Dan")
    assert p.seats == 2
    assert p.withdrawn == frozenset({3})
    assert p.title == "Test election"
    assert dict(p.ballots) == {(0, 1): 3, (1, 2, 0): 2, (2,): 1}


def test_blt_groups_identical_lines() -> None:
    data = b"2 1\n" + b"1 1 2 0\n" * 1000 + b'1 2 0\n0\n"A"\n"B"\n'
    p = parse_blt(data)
    assert dict(p.ballots) == {(0, 1): 1000, (1,): 1}


def test_blt_unit_weight_fast_path_matches_line_parser() -> None:
    # Every line "1 ... 0": the fast path. Lines differing only in spacing merge, an
    # empty ballot stays empty, a repeated candidate is kept for strict_ballots to cut.
    unit = b'3 1\n1 1 2 0\n1 1  2 0\n1 0\n1 3 1 3 0\n1 1 2 0\n0\n"A"\n"B"\n"C"\n'
    expected = {(0, 1): 3, (): 1, (2, 0, 2): 1}
    assert dict(parse_blt(unit).ballots) == expected
    # One line with another weight sends the whole file through the line parser.
    mixed = unit.replace(b"1 0\n", b"2 0\n")
    assert dict(parse_blt(mixed).ballots) == {**expected, (): 2}
    # A token the fast lookup does not know ("01") is left to the line parser too.
    assert dict(parse_blt(unit.replace(b"1 1  2 0", b"1 01 2 0")).ballots) == expected
    rankings, weights = parse_blt(unit).strict_ballots()
    assert dict(zip(rankings, weights, strict=True)) == {(0, 1): 3, (2, 0): 1}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("3 1\n1 1 2 0\n1 0 0\n0\n", 3, "preference 0 is not a candidate"),
        ("3 1\n1 1 2 0\n1 1 4 0\n0\n", 3, "preference 4 is not a candidate"),
    ],
)
def test_blt_fast_path_falls_back_for_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(BallotFileError) as info:
        parse_blt(text.encode(), "f.blt")
    assert str(info.value).startswith(f"f.blt:{line}: ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty file"),
        ("x 2\n", 1, "header"),
        ("3 1\n1 1 2\n0\n", 2, "must end with 0"),
        ("3 1\n1 1 2 0\n1 1 9 0\n0\n", 3, "preference 9 is not a candidate"),
        ("3 1\n1 1 2 0\n1 a 0\n0\n", 3, "expected numbers"),
        ("3 1\n1 1 0\n", 2, "missing the line '0'"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "expected 3 candidate names, found 2"),
        ("3 0\n", 1, "seats must be at least 1"),
    ],
)
def test_blt_errors_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    f = tmp_path / "bad.blt"
    f.write_text(text)
    with pytest.raises(BallotFileError) as info:
        read_profile(f)
    assert str(info.value).startswith(f"{f}:{line}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_blt_round_trip(tmp_path: Path) -> None:
    f = tmp_path / "e.blt"
    f.write_text(BLT)
    p = read_profile(f)
    g = tmp_path / "copy.blt"
    g.write_text(write_blt(p))
    q = read_profile(g)
    assert (q.candidates, dict(q.ballots), q.withdrawn, q.seats, q.title) == (
        p.candidates,
        dict(p.ballots),
        p.withdrawn,
        p.seats,
        p.title,
    )


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="cannot read file"):
        read_profile(tmp_path / "nope.blt")
    with pytest.raises(BallotFileError, match="unknown ballot format"):
        read_profile(tmp_path / "ballots.xyz")


def test_preflib_toc_ties(tmp_path: Path) -> None:
    f = tmp_path / "t.toc"
    f.write_text(
        "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
        "# ALTERNATIVE NAME 3: C\n4: 1,{2,3}\n3: {2,3},1\n2: 3\n"
    )
    p = read_profile(f)
    assert p.has_ties
    # Pairwise: tied candidates get no preference either way; unlisted are below listed.
    r = count(p, method="schulze")
    assert r.pairwise is not None
    assert r.pairwise[1][2] == 0 and r.pairwise[2][1] == 2
    assert r.pairwise[0][1] == 4 and r.pairwise[1][0] == 3
    # Transfer methods read a ballot only up to its first tie: "{2,3},1" is dropped.
    assert count(p, method="plurality").scores == {0: 4, 1: 0, 2: 2}
    # Approval counts every listed candidate.
    assert count(p, method="approval").scores == {0: 7, 1: 7, 2: 9}


def test_preflib_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "t.soi"
    f.write_text("# NUMBER ALTERNATIVES: 2\nabc\n")
    with pytest.raises(BallotFileError, match=r"t\.soi:2: "):
        read_profile(f)


def test_csv_with_header_counts_and_markers(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text(
        "count,rank1,rank2,rank3\n"
        "5,Alice,Bob,\n"
        "2,Bob,skipped,Alice\n"
        "1,Carol,overvote,Alice\n"
        "3,Bob,Bob,Carol\n"
    )
    p = read_profile(f)
    assert p.candidates == ("Alice", "Bob", "Carol")
    assert dict(p.ballots) == {(0, 1): 5, (1, 0): 2, (2,): 1, (1, 2): 3}


def test_csv_without_header(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text("Alice,Bob\nBob\n")
    p = read_profile(f)
    assert p.candidates == ("Alice", "Bob")
    assert p.total_weight == 2


def test_abif(tmp_path: Path) -> None:
    f = tmp_path / "b.abif"
    f.write_text('{title: "T"}\n=a:[Alice]\n=b:[Bob]\n3:a>b\n2:b=a\n1:c\n')
    p = read_profile(f)
    assert p.title == "T"
    assert p.candidates == ("Alice", "Bob", "c")
    assert dict(p.ballots) == {(0, 1): 3, ((1, 0),): 2, (2,): 1}


def test_profile_strict_ballots_drop_withdrawn_and_repeats() -> None:
    p = Profile(
        candidates=("A", "B", "C"),
        ballots=(((0, 1, 0, 2), 2), ((1, 2), 1), ((1,), 1)),
        withdrawn=frozenset({1}),
    )
    rankings, weights = p.strict_ballots()
    assert dict(zip(rankings, weights, strict=True)) == {(0,): 2, (2,): 1}


def test_profile_strict_ballots_fast_path_cuts_repeats_and_drops_empty() -> None:
    p = Profile(
        candidates=("A", "B", "C"),
        ballots=(((0, 1, 0, 2), 2), ((1, 2), 1), ((), 3), ((2,), 0), ((2, 2), 4)),
    )
    rankings, weights = p.strict_ballots()
    assert list(zip(rankings, weights, strict=True)) == [((0, 1), 2), ((1, 2), 1), ((2,), 4)]
