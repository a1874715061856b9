"""Issue 9 point 16: no CSV Iskra writes can start a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from iskra import csvsafe
from iskra.members import services as members
from iskra.voting.results import CountResult
from tests.conftest import World

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_quoted(prefix: str) -> None:
    buf = io.StringIO()
    csvsafe.writer(buf).writerow([f"{prefix}1+1", "plain", 5, -3, None])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == [
        f"'{prefix}1+1",
        "plain",
        "5",
        "-3",
        "",
    ]


def test_text_inside_a_cell_is_left_alone() -> None:
    assert csvsafe.safe_cell("Smith-Jones = chair") == "Smith-Jones = chair"
    assert csvsafe.safe_cell("") == ""


def test_applicant_named_hyperlink_exports_as_text(world: World) -> None:
    members.apply_to_join(
        email="x@example.org",
        full_name=HYPERLINK,
        password="a long enough password 42",
        unit=world.branch_a,
        agreed_to_aims=True,
    )
    client = Client()
    client.force_login(world.secretary)
    response = client.get("/members/", {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    names = [row[1] for row in csv.reader(io.StringIO(body))]
    assert "'" + HYPERLINK in names
    assert HYPERLINK not in names


def test_count_sheet_quotes_a_candidate_named_like_a_formula() -> None:
    result = CountResult(
        method="plurality",
        seats=1,
        candidates=("@SUM(A1)", "Ann"),
        elected=[1],
        valid_ballots=3,
        pairwise=[[0, 1], [2, 0]],
    )
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert [row[0] for row in rows[1:]] == ["'@SUM(A1)", "Ann"]


def test_credentials_file_quotes_a_voter_named_like_a_formula(tmp_path: Path) -> None:
    from iskra.cli import main

    roll = tmp_path / "roll.txt"
    roll.write_text("=cmd|' /C calc'!A0\nvoter@example.org\n")
    out = tmp_path / "creds"
    args = ["trustee", "credentials", str(roll), "--ca-key", str(tmp_path / "ca.json")]
    assert main([*args, "--uuid", "b", "--name", "S", "-o", str(out)]) == 0
    with (tmp_path / "creds.secret.csv").open(newline="") as fh:
        voters = [row["voter"] for row in csv.DictReader(fh)]
    assert voters == ["'=cmd|' /C calc'!A0", "voter@example.org"]
