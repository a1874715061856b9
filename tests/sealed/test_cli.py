"""The offline tools, files in and files out: three trustees generate the key, the credential
authority makes credentials, trustees mix and decrypt; bad input gets a one-line error."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from iskra import sealed
from iskra.cli import main
from iskra.sealed import export as sexport
from iskra.sealed.cli import ROUND_FORMAT, verify_file

from .conftest import ANSWERS, QUESTIONS


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


def test_a_whole_ballot_with_the_offline_tools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = sealed.setup_context(uuid="cli-ballot", trustees=["Ann", "Bo", "Cy"], threshold=2)
    certs, polys, verifs = [], [], []
    for j in (1, 2, 3):
        round1 = _write(
            tmp_path / f"r1-{j}.json",
            {"format": ROUND_FORMAT, "step": "certificate", "trustee": j, "context": context},
        )
        assert (
            main(
                [
                    "trustee",
                    "keygen",
                    str(round1),
                    "--key",
                    str(tmp_path / f"key{j}.json"),
                    "-o",
                    str(tmp_path / f"cert{j}.json"),
                ]
            )
            == 0
        )
        certs.append(_json(tmp_path / f"cert{j}.json"))
    assert oct((tmp_path / "key1.json").stat().st_mode & 0o777) == "0o600"
    round2 = _write(
        tmp_path / "r2.json",
        {"format": ROUND_FORMAT, "step": "polynomial", "context": context, "certificates": certs},
    )
    for j in (1, 2, 3):
        assert (
            main(
                [
                    "trustee",
                    "keygen",
                    str(round2),
                    "--key",
                    str(tmp_path / f"key{j}.json"),
                    "-o",
                    str(tmp_path / f"poly{j}.json"),
                ]
            )
            == 0
        )
        polys.append(_json(tmp_path / f"poly{j}.json"))
    round3 = _write(
        tmp_path / "r3.json",
        {
            "format": ROUND_FORMAT,
            "step": "verification",
            "context": context,
            "certificates": certs,
            "polynomials": polys,
        },
    )
    for j in (1, 2, 3):
        assert (
            main(
                [
                    "trustee",
                    "keygen",
                    str(round3),
                    "--key",
                    str(tmp_path / f"key{j}.json"),
                    "-o",
                    str(tmp_path / f"vk{j}.json"),
                ]
            )
            == 0
        )
        verifs.append(_json(tmp_path / f"vk{j}.json"))
    transcript = {
        "context": context,
        "certificates": certs,
        "polynomials": polys,
        "verifications": verifs,
    }
    outcome = sealed.check_setup(transcript)

    roll = tmp_path / "roll.txt"
    roll.write_text("".join(f"voter{i}@example.org\n" for i in range(len(ANSWERS))))
    assert (
        main(
            [
                "trustee",
                "credentials",
                str(roll),
                "--ca-key",
                str(tmp_path / "ca.json"),
                "--uuid",
                "cli-ballot",
                "--name",
                "Scrutineer",
                "-o",
                str(tmp_path / "creds"),
            ]
        )
        == 0
    )
    with (tmp_path / "creds.secret.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["voter"] for r in rows] == [f"voter{i}@example.org" for i in range(len(ANSWERS))]
    batch = _json(tmp_path / "creds.batch.json")
    authority = _json(tmp_path / "creds.authority.json")
    assert json.dumps(rows[0]["credential"]) not in json.dumps(batch)

    election = sealed.make_election(
        uuid="cli-ballot",
        title="CLI",
        questions=QUESTIONS,
        setup=outcome,
        credential_authority=authority,
        rule={"preset": "uk_industrial_action", "opened_on": "2025-06-02"},
    )
    e = sealed.Election(election)
    board = sealed.Board(e.fp)
    creds = sealed.check_credential_batches(e, [batch])
    for row, answers in zip(rows, ANSWERS, strict=True):
        ballot = sealed.encrypt_ballot(election, answers, row["credential"])
        board.append(ballot, sealed.check_ballot(e, ballot, creds))
    data = sexport.build_export(
        election=election,
        transcript=transcript,
        credentials=[batch],
        entitled=len(rows),
        board=board,
        mixes=[None, None, None, []],
    )
    record = _write(tmp_path / "record.json", data)

    # Decrypting before the ranked question is mixed by k trustees is refused.
    assert (
        main(
            [
                "trustee",
                "decrypt",
                str(record),
                "--key",
                str(tmp_path / "key1.json"),
                "-o",
                str(tmp_path / "x.json"),
                "--jobs",
                "1",
            ]
        )
        == 1
    )
    assert "question 4: mixed by 0 trustee(s); at least 2 must mix" in capsys.readouterr().err

    for j in (3, 1):
        assert (
            main(
                [
                    "trustee",
                    "mix",
                    str(record),
                    "--key",
                    str(tmp_path / f"key{j}.json"),
                    "--question",
                    "4",
                    "-o",
                    str(tmp_path / "mix.json"),
                    "--jobs",
                    "1",
                ]
            )
            == 0
        )
        data["mixes"][3].append(_json(tmp_path / "mix.json"))
        record = _write(tmp_path / "record.json", data)
    assert (
        main(
            [
                "trustee",
                "mix",
                str(record),
                "--key",
                str(tmp_path / "key1.json"),
                "--question",
                "4",
                "--jobs",
                "1",
            ]
        )
        == 1
    )
    assert "trustee 1 has already mixed question 4" in capsys.readouterr().err

    shares = []
    for j in (2, 3):
        assert (
            main(
                [
                    "trustee",
                    "decrypt",
                    str(record),
                    "--key",
                    str(tmp_path / f"key{j}.json"),
                    "-o",
                    str(tmp_path / f"share{j}.json"),
                    "--jobs",
                    "1",
                ]
            )
            == 0
        )
        shares.append(_json(tmp_path / f"share{j}.json"))
    assert "Decryption share of trustee 3" in capsys.readouterr().err
    final = _write(tmp_path / "final.json", sexport.finish_export(data, shares))
    ok, lines = verify_file(str(final), workers=1)
    assert ok, lines
    assert lines[-4].startswith("  Do you support strike action?: Yes: 4, No: 2; blank 1 — passed")


def test_the_trustee_tool_refuses_a_tampered_record(
    tmp_path: Path, export: dict[str, Any], scenario: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    export["board"][1]["ballot"]["answers"][0]["proof"][0][0] = export["board"][1]["ballot"][
        "answers"
    ][0]["proof"][1][0]
    record = _write(tmp_path / "record.json", export)
    key = _write(tmp_path / "key.json", scenario.trustees.keys[0])
    assert main(["trustee", "decrypt", str(record), "--key", str(key), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("iskra trustee decrypt: board entry 2")
    assert len(err.strip().splitlines()) == 1


def test_bad_files_get_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "junk.json").write_text("{not json")
    assert (
        main(["trustee", "keygen", str(tmp_path / "junk.json"), "--key", str(tmp_path / "k.json")])
        == 1
    )
    assert "not a readable JSON file" in capsys.readouterr().err
    _write(tmp_path / "r.json", {"format": "something else"})
    assert (
        main(["trustee", "keygen", str(tmp_path / "r.json"), "--key", str(tmp_path / "k.json")])
        == 1
    )
    assert "not a key generation round" in capsys.readouterr().err
    ok, lines = verify_file(str(tmp_path / "junk.json"))
    assert not ok and lines[0].startswith("FAILED: export")
