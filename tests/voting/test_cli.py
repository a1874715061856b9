"""The ``iskra count`` command line, in process and as ``python -m iskra.voting``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from iskra.voting import METHODS
from iskra.voting.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "elections"
WARD = DATA / "scotland2017" / "ballots" / "renfrewshire_2017_ward1.blt"


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(WARD), "--method", "stv-scottish", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["method"] == "stv-scottish"
    assert d["seats"] == 4
    assert d["candidates"][0] == "Bill BROWN (Lab)"
    assert d["elected"][:2] == ["John SHAW (SNP)", "Bill BROWN (Lab)"]
    assert d["valid_ballots"] == 5421
    assert d["quota"] == "1085.00000"
    s2 = d["stages"][1]
    assert s2["number"] == 2
    assert s2["action"] == "Surplus of John SHAW (SNP)"
    assert s2["votes"]["Lisa-Marie HUGHES (SNP)"] == "1049.78338"
    assert s2["transfers"]["John SHAW (SNP)"] == "-250.00000"
    assert s2["elected"] == ["Jane STRANG (C)"]
    assert s2["non_transferable"] == "11.80528"


def test_text_and_csv_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(WARD), "--method", "stv-scottish"]) == 0
    text = capsys.readouterr().out
    assert "Stage 2: Surplus of John SHAW (SNP)" in text
    assert "Quota: 1085.00000" in text
    assert main([str(WARD), "--method", "stv-scottish", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][1] == "1: First preferences"
    assert rows[1][0] == "Bill BROWN (Lab)"
    assert rows[-2][0] == "Non-transferable"
    assert rows[-1][0] == "Total"
    assert all(v == "5421.00000" for v in rows[-1][1:-1])


@pytest.mark.parametrize("method", METHODS)
def test_every_method_runs(method: str, capsys: pytest.CaptureFixture[str]) -> None:
    seats = ["--seats", "1"] if method == "irv" else []
    assert main([str(WARD), "--method", method, "--format", "json", *seats]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(d["elected"]) == (1 if method == "irv" else 4)
    if method in ("schulze", "ranked-pairs"):
        assert d["pairwise"]["John SHAW (SNP)"]["Ross STALKER (LD)"] > 0
    assert (d["strongest_paths"] is None) == (method != "schulze")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "stv-scottish", "--seats", "0"], "seats must be at least 1"),
        (["--method", "stv-scottish", "--seats", "9"], "only 8 candidates"),
        (["--method", "irv"], "irv elects one candidate"),
    ],
)
def test_errors_exit_2_with_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(WARD), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_unknown_method_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([str(WARD), "--method", "borda"])
    assert info.value.code == 2


def test_module_entry_point_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 7 0\n0\n")
    proc = subprocess.run(
        [sys.executable, "-m", "iskra.voting", str(bad), "--method", "stv-scottish"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().endswith(f"{bad}:2: preference 7 is not a candidate number (1..3)")
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_module_entry_point_json() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "iskra.voting",
            str(WARD),
            "--method",
            "stv-scottish",
            "--format",
            "json",
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(proc.stdout)["elected"][0] == "John SHAW (SNP)"
