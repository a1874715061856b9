"""Ballot file readers and the BLT writer."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from iskra.voting import BallotFileError, Profile, count, read_profile, write_blt
from iskra.voting.errors import RepeatedPreference
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


def _blt(n_cands: int, rankings: list[list[int]]) -> bytes:
    lines = [f"{n_cands} 1", *("1 " + " ".join(map(str, r)) + " 0" for r in rankings), "0"]
    lines += [f'"C{i}"' for i in range(1, n_cands + 1)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("n_cands", [9, 64, 65, 99, 100, 120])
def test_blt_buffer_conversion_reads_every_candidate_number(n_cands: int) -> None:
    """The whole-buffer conversion of two-digit numbers (up to 99 candidates; beyond, the
    line parser) gives the numbers as written: 64 and the tens digits included."""
    numbers = sorted({1, 9, 10, 40, 63, 64, 65, 90, 99, 100, 110, 120} & set(range(1, n_cands + 1)))
    rankings = [numbers, numbers[::-1], numbers[1::2], [numbers[-1]], numbers[:2]]
    profile = parse_blt(_blt(n_cands, rankings))
    assert dict(profile.ballots) == Counter(tuple(c - 1 for c in r) for r in rankings)


def test_blt_error_after_the_first_buffer_names_its_line() -> None:
    """More distinct lines than one conversion buffer holds (4096), then a bad one: the
    file goes to the line parser, which names the line."""
    rankings = [[a, b, c] for a in range(1, 21) for b in range(1, 21) for c in range(1, 21)]
    assert len(rankings) > 4096 + 100
    data = _blt(20, rankings).replace(b"\n1 20 20 20 0\n", b"\n1 20 21 0\n")
    line = 1 + rankings.index([20, 20, 20]) + 1
    with pytest.raises(BallotFileError) as info:
        parse_blt(data, "big.blt")
    assert str(info.value) == f"big.blt:{line}: preference 21 is not a candidate number (1..20)"
    assert len(parse_blt(_blt(20, rankings)).ballots) == len(rankings)


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
    # The repeated Bob stays, as in a BLT file; the transfer methods read up to it.
    assert dict(p.ballots) == {(0, 1): 5, (1, 0): 2, (2,): 1, (1, 1, 2): 3}
    rankings, weights = p.strict_ballots()
    assert dict(zip(rankings, weights, strict=True))[(1,)] == 3
    with pytest.raises(RepeatedPreference) as info:
        read_profile(f, repeats=False)
    assert str(info.value) == f"{f}:5: candidate 'Bob' is ranked twice on one ballot"


def test_csv_without_header(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text("Alice,Bob\nBob,\n")
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


# City of Edinburgh Council "preference profile report" (edinburgh-csv).

EDINBURGH = Path(__file__).resolve().parents[1] / "data" / "elections"
EDINBURGH_DIR = EDINBURGH / "edinburgh2017_council_format"


def _official_rows() -> list[dict[str, str]]:
    with (EDINBURGH_DIR / "official_elected.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if (EDINBURGH_DIR / r["file"]).exists()]


def _without_party(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)$", "", name.strip())


@pytest.mark.parametrize("row", _official_rows(), ids=lambda r: r["file"].split("_-_")[1])
def test_edinburgh_report_matches_the_blt_and_the_official_result(row: dict[str, str]) -> None:
    path = EDINBURGH_DIR / row["file"]
    profile = read_profile(path)  # detected from the content of a .csv file
    blt = read_profile(EDINBURGH / row["same_election_as"])
    assert dict(profile.ballots) == dict(blt.ballots)
    assert profile.seats == blt.seats
    assert profile.title == blt.title
    # The council's names have no party and some doubled spaces ("Kevin  LANG").
    assert list(profile.candidates) == [_without_party(n) for n in blt.candidates]
    assert read_profile(path, "edinburgh-csv") == profile
    assert read_profile(path, "csv") == profile
    result = count(profile, method="stv-scottish", seats=profile.seats or 1)
    official = {_without_party(n) for n in row["official_elected"].split(";")}
    assert set(result.elected_names) == official


def test_edinburgh_files_copied() -> None:
    assert len(_official_rows()) == 3


EDINBURGH_PADDED = (
    "4 2" + " " * 60 + "\r\n"
    "3 1 2 0" + " " * 56 + "\r\n"
    "2 2  3 0" + " " * 55 + "\r\n"
    "1 4 0" + " " * 58 + "\r\n"
    "\r\n"
    "0" + " " * 62 + "\r\n"
    '"Ann  ONE"' + " " * 53 + "\r\n"
    '"Bob TWO"\r\n'
    '"Cat\tTHREE"\r\n'
    '"Dan FOUR"\r\n'
    '"Ward 99 - Test"   \r\n'
)


def test_edinburgh_padding_crlf_and_spaces_in_names(tmp_path: Path) -> None:
    f = tmp_path / "ward_99_-_test_-_preference_profile_report.csv"
    f.write_bytes(b"\xef\xbb\xbf" + EDINBURGH_PADDED.encode())
    p = read_profile(f)
    assert p.candidates == ("Ann ONE", "Bob TWO", "Cat THREE", "Dan FOUR")
    assert p.seats == 2
    assert p.title == "Ward 99 - Test"
    assert dict(p.ballots) == {(0, 1): 3, (1, 2): 2, (3,): 1}


def test_edinburgh_names_in_windows_1252(tmp_path: Path) -> None:
    f = tmp_path / "w.csv"
    f.write_bytes('2 1\n1 1 0\n0\n"Se\u00e1n \u00d3G"\n"B"\n"W"\n'.encode("cp1252"))
    assert read_profile(f).candidates == ("Se\u00e1n \u00d3G", "B")


def test_generic_csv_is_not_taken_for_edinburgh(tmp_path: Path) -> None:
    f = tmp_path / "b.csv"
    f.write_text("count,rank1,rank2\n2,1,3\n1,2,1\n")
    p = read_profile(f)
    assert p.candidates == ("1", "3", "2")
    assert dict(p.ballots) == {(0, 1): 2, (2, 0): 1}
    # Numbers only, but not "candidates seats" then a ballot line: still one ballot a row.
    f.write_text("1 2 3\n4 5 0\n")
    assert read_profile(f).candidates == ("1 2 3", "4 5 0")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty file"),
        ("4\n1 1 0\n0\n", 1, "two whole numbers"),
        ('2 1\n1 1 x 0\n0\n"A"\n"B"\n', 2, "expected numbers"),
        ('2 1\n1 1 3 0\n0\n"A"\n"B"\n', 2, "preference 3 is not a candidate"),
        ('2 1\n1 1 2\n0\n"A"\n"B"\n', 2, "must end with 0"),
        ("2 1\n1 1 0\n", 2, "missing the line '0'"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "expected 2 candidate names, found 1"),
        ('2 1\n1 1 0\n0\n"A"\nB\n"W"\n', 5, "candidate name in double quotes"),
        ('2 1\n1 1 0\n0\n"A"\n"A "\n"W"\n', 5, "repeats the name on line 4"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\nWard\n', 6, "ward name in double quotes"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"W"\n"X"\n', 7, "unexpected line after the ward name"),
    ],
)
def test_edinburgh_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(BallotFileError) as info:
        read_profile(f, "edinburgh-csv")
    assert str(info.value).startswith(f"{f}:{line}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_cli_reads_edinburgh_reports(capsys: pytest.CaptureFixture[str]) -> None:
    from iskra.voting.cli import main

    path = EDINBURGH_DIR / "ward_13_-_leith_-_preference_profile_report.csv"
    for extra in ([], ["--input-format", "edinburgh-csv"]):
        assert main([str(path), "--method", "stv-scottish", "--format", "json", *extra]) == 0
        d = json.loads(capsys.readouterr().out)
        assert d["title"] == "Ward 13 - Leith"
        assert d["seats"] == 3
        assert set(d["elected"]) == {"Chas BOOTH", "Adam MCVEY", "Gordon John MUNRO"}


def test_cli_reports_edinburgh_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from iskra.voting.cli import main

    f = tmp_path / "ward.csv"
    f.write_text('2 1\n1 1 0\n0\n"A"\nB\n')
    assert main([str(f), "--method", "stv-meek"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"iskra count: error: {f}:5: expected a candidate name")
    assert err.count("\n") == 1
