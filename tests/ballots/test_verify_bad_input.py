"""``iskra ballot verify FILE`` on a member's laptop: no settings, no database, and for every
kind of bad file one line naming the file (and the field or line) with a non-zero exit,
never a traceback. The exports here are built from the pure tally functions, as the server
builds them, so a good file verifies and each bad one differs from it in one way."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iskra.ballots import tally
from iskra.ballots.verify import VerifyError, main, verify_export

REPO = Path(__file__).resolve().parents[2]


def good_export() -> dict[str, Any]:
    """A published yes/no strike ballot and a ranked question, with its chain and result."""
    questions = [
        {
            "id": 11,
            "position": 1,
            "kind": "yes_no",
            "text": "Strike?",
            "options": ["Yes", "No"],
            "seats": 1,
            "max_choices": 1,
        },
        {
            "id": 12,
            "position": 2,
            "kind": "ranked",
            "text": "Chair",
            "options": ["Ann", "Bo", "Cy"],
            "seats": 1,
            "max_choices": 1,
        },
    ]
    contents = [
        {"11": 0, "12": [0, 1]},
        {"11": 0, "12": [1, 0, 2]},
        {"11": 1, "12": [2]},
        {"11": "blank", "12": [0]},
    ]
    trackers = ["T-AAAA", "T-BBBB", "T-CCCC", "T-DDDD"]
    hashes = tally.chain("7", list(zip(trackers, contents, strict=True)))
    rule = tally.ballot_rule(
        "simple_majority",
        opened_on=date(2026, 5, 1),
        important_public_service=False,
        turnout_rule_repealed=False,
    )
    result = tally.tally(questions=questions, contents=contents, entitled=6, rule=rule)
    result = json.loads(json.dumps(result))
    result["board_hash"] = hashes[-1]
    return {
        "format": "iskra-ballot-export/1",
        "ballot": {
            "ref": "7",
            "title": "Porters' ballot",
            "preset": "simple_majority",
            "opened_on": "2026-05-01",
            "important_public_service": False,
            "turnout_rule_repealed": False,
            "entitled": 6,
        },
        "questions": questions,
        "board_public": True,
        "board": [
            {"tracker": t, "content": c, "hash": h}
            for t, c, h in zip(trackers, contents, hashes, strict=True)
        ],
        "board_hash": hashes[-1],
        "result": result,
    }


def _verify_file(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main([str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_good_export_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(good_export()))
    status, out, err = _verify_file(path, capsys)
    assert (status, err) == (0, "")
    assert "Hash chain: 4 entries, intact" in out
    assert "same result as published" in out
    assert "Strike?: Yes: 2, No: 1; blank 1 — passed" in out


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return change


# Each change to the good export and words of the one-line error it must give.
CHANGES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("format version", _set("format", "iskra-ballot-export/9"), "is not one this version reads"),
    ("format type", _set("format", ["x"]), "is not one this version reads"),
    ("no format", _drop("format"), "not an Iskra ballot export"),
    ("ballot a list", _set("ballot", []), "export.ballot: expected an object, got a list"),
    ("no ballot", _drop("ballot"), "missing the field 'ballot'"),
    ("entitled text", _set("ballot.entitled", "6"), "ballot.entitled: expected a whole number"),
    ("entitled bool", _set("ballot.entitled", True), "got true or false"),
    ("entitled float", _set("ballot.entitled", 6.5), "got a number"),
    ("entitled huge", _set("ballot.entitled", 10**30), "out of range"),
    ("entitled negative", _set("ballot.entitled", -1), "out of range"),
    ("no title", _drop("ballot.title"), "missing the field 'title'"),
    ("date", _set("ballot.opened_on", "yesterday"), "is not a date"),
    ("public text", _set("board_public", "yes"), "board_public: expected true or false"),
    ("board object", _set("board", {}), "export.board: expected a list"),
    ("entry a string", _set("board.0", "x"), "board[0]: expected an object"),
    ("content a list", _set("board.1.content", [0]), "board[1].content: expected an object"),
    ("no hash", _drop("board.2.hash"), "board[2]: missing the field 'hash'"),
    ("tracker number", _set("board.0.tracker", 5), "board[0].tracker: expected a string"),
    ("answer out of range", _set("board.0.content.11", 7), "not a valid answer"),
    ("answer twice", _set("board.1.content.12", [1, 1]), "not a valid answer"),
    ("unknown question", _set("board.0.content.99", 0), "which the export does not hold"),
    ("questions null", _set("questions", None), "export.questions: expected a list, got null"),
    ("kind", _set("questions.0.kind", "borda"), "unknown kind 'borda'"),
    ("options", _set("questions.1.options", []), "expected a list of option names"),
    ("yes/no options", _set("questions.0.options", ["Yes"]), "has two options"),
    ("result list", _set("result", []), "export.result: expected an object"),
    ("chain", _set("board.1.content.11", 1), "hash chain broken at board entry 2"),
    ("final hash", _set("board_hash", "0" * 64), "does not match the published"),
    ("more ballots than voters", _set("ballot.entitled", 3), "only 3 members were entitled"),
    ("result differs", _set("result.cast", 5), "the recount differs"),
]


@pytest.mark.parametrize(("label", "change", "words"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_changed_export_is_refused_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    label: str,
    change: Callable[[dict[str, Any]], None],
    words: str,
) -> None:
    data = good_export()
    change(data)
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(data))
    status, out, err = _verify_file(path, capsys)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"iskra ballot verify: error: {path}: "), err
    assert words in err, err


# Files that are not an export at all, and the words of the error.
FILES: list[tuple[str, bytes, str]] = [
    ("empty", b"", ":1: not valid JSON"),
    ("truncated", json.dumps(good_export()).encode()[:300], ":1: not valid JSON"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    ("latin-1", b'{"format": "caf\xe9"}', "not UTF-8 text"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("huge int", b'{"format": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ("array", b"[1, 2, 3]", "not an Iskra ballot export"),
    ("null", b"null", "not an Iskra ballot export"),
    ("line 3", b'{\n "format":\n nope\n}', ":3: not valid JSON"),
]


@pytest.mark.parametrize(("label", "content", "words"), FILES, ids=[f[0] for f in FILES])
def test_a_file_that_is_not_an_export_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, content: bytes, words: str
) -> None:
    path = tmp_path / "ballot.json"
    path.write_bytes(content)
    status, out, err = _verify_file(path, capsys)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"iskra ballot verify: error: {path}"), err
    assert words in err, err


def test_a_folder_and_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _verify_file(tmp_path, capsys)
    assert status == 1
    assert err == f"iskra ballot verify: error: {tmp_path}: cannot read: Is a directory\n"
    status, _, err = _verify_file(tmp_path / "none.json", capsys)
    assert status == 1
    assert "cannot read: No such file or directory" in err
    (tmp_path / "file").write_text("{}")
    status, _, err = _verify_file(tmp_path / "file" / "ballot.json", capsys)
    assert status == 1
    assert "cannot read: Not a directory" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(good_export()))
    path.chmod(0)
    status, _, err = _verify_file(path, capsys)
    assert status == 1
    assert "cannot read: Permission denied" in err


def test_no_settings_no_database_no_django(tmp_path: Path) -> None:
    """A member's laptop: an empty environment, a folder with no ./var, and Django never
    imported (an import of it would fail the check)."""
    path = tmp_path / "ballot.json"
    path.write_text(json.dumps(good_export()))
    code = (
        "import sys\n"
        "from iskra.cli import main\n"
        "status = main(['ballot', 'verify', 'ballot.json'])\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'\n"
        "sys.exit(status)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "same result as published" in proc.stdout
    assert not (tmp_path / "var").exists()
    # And the installed command, as a member types it.
    script = Path(sys.executable).with_name("iskra")
    proc = subprocess.run(
        [str(script), "ballot", "verify", "ballot.json"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Hash chain: 4 entries, intact" in proc.stdout
    proc = subprocess.run(
        [str(script), "ballot", "verify", "missing.json"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes_never_raise(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ballot.json"
        path.write_bytes(data)
        with _Quiet() as err:
            status = main([str(path)])
    assert status == 1
    assert err.text.count("\n") == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += _paths(child, (*prefix, i))
    return out


GOOD = good_export()
PATHS = _paths(GOOD)[1:]


@FUZZ
@given(st.sampled_from(PATHS), JSON)
def test_any_field_replaced_by_any_json_gives_a_verify_error_or_a_pass(
    where: tuple[Any, ...], value: Any
) -> None:
    data = copy.deepcopy(GOOD)
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    try:
        verify_export(json.loads(json.dumps(data)))
    except VerifyError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(JSON)
def test_any_json_value_gives_a_verify_error(value: Any) -> None:
    with pytest.raises(VerifyError):
        verify_export(value)


class _Quiet:
    """Capture stdout and stderr of ``main`` inside a hypothesis test (no fixtures there)."""

    def __enter__(self) -> _Quiet:
        self.text = ""
        self.saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.saved

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass
