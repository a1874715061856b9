"""``iskra count`` on bad files: one line ``iskra count: error: FILE:LINE: message`` on
stderr and exit status 2 for every reader, never a traceback; and what it now refuses
that it used to accept silently (repeated preferences under methods with no rule for
them, ragged CSV, garbage ABIF and Edinburgh files)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iskra.voting import METHODS
from iskra.voting.cli import main
from iskra.voting.counting import REPEATS_BY_RULE

BIG = "9" * 5000

# (file name, content, method, line named in the error or None, words in the message)
CORPUS: list[tuple[str, bytes, str, int | None, str]] = [
    # BLT
    ("weight.blt", f"3 1\n{BIG} 1 2 0\n0\nA\nB\nC\n".encode(), "irv", 2, "is too large"),
    ("weight13.blt", b"2 1\n10000000000000 1 0\n0\nA\nB\n", "plurality", 2, "cannot be more"),
    ("pref.blt", f"3 1\n1 1 {BIG} 0\n0\nA\nB\nC\n".encode(), "irv", 2, "too large"),
    ("header.blt", f"{BIG} 1\n1 1 0\n0\nA\n".encode(), "irv", 1, "too large"),
    ("manycands.blt", b"99999999 1\n1 1 0\n0\nA\n", "irv", 1, "at most"),
    ("seats.blt", f"3 {BIG}\n1 1 0\n0\nA\nB\nC\n".encode(), "irv", 1, "too large"),
    ("seats2.blt", b"3 4\n1 1 0\n0\nA\nB\nC\n", "stv-scottish", 1, "4 seats but names 3"),
    ("withdrawn.blt", f"3 1\n-{BIG}\n1 1 0\n0\nA\nB\nC\n".encode(), "irv", 2, "too large"),
    ("withdrawn2.blt", b"3 1\n-1 x\n1 1 0\n0\nA\nB\nC\n", "irv", 2, "negative numbers"),
    ("negweight.blt", b"3 1\n-5 1 0\n0\nA\nB\nC\n", "irv", 2, "withdrawn"),
    ("noend.blt", b"3 1\n1 1 2\n0\nA\nB\nC\n", "irv", 2, "must end with 0"),
    ("empty.blt", b"", "irv", 1, "empty file"),
    ("binary.blt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "irv", 1, "header"),
    ("names.blt", b'3 1\n1 1 0\n0\n"A"\n', "irv", None, "expected 3 candidate names"),
    ("repeat.blt", b"3 1\n1 1 2 0\n1 2 3 2 0\n0\nA\nB\nC\n", "irv", 3, "'B' is ranked twice"),
    # CSV (one ballot per row)
    ("ragged.csv", b"count,rank1,rank2\n3,A,B\n2,B\n", "irv", 3, "2 cells but the first"),
    ("ragged2.csv", b"A,B\nB,C,A\n", "plurality", 2, "3 cells"),
    ("csvweight.csv", f"{BIG},A,B\n".encode(), "irv", 1, "too large"),
    ("nul.csv", b"A,B\nB,\x00A\n", "irv", 2, "holds a control character"),
    ("latin1.csv", b"A,B\nB,\xe9mile\n", "irv", 2, "not UTF-8 text"),
    ("nul.blt", b"2 1\n1 1 0\n0\nA\x00\nB\n", "irv", 4, "control character"),
    ("nothing.csv", b"\n\n,,\n", "irv", 1, "no candidate names"),
    ("repeat.csv", b"rank1,rank2,rank3\nA,B,A\n", "schulze", 2, "'A' is ranked twice"),
    # ABIF
    ("garbage.abif", b"hello world\n", "irv", 1, "expected 'count:A>B>C'"),
    ("tokens.abif", b"=a:[Alice]\n3:a>%%%\n", "irv", 2, "not a candidate token"),
    ("meta.abif", b'{title: "T"\n1:a\n', "irv", 1, "must end with '}'"),
    ("cand.abif", b"=a:Alice\n", "irv", 1, "candidate line"),
    ("twice.abif", b"=a:[Alice]\n=a:[Ann]\n1:a\n", "irv", 2, "defined twice"),
    ("abifweight.abif", f"=a:[A]\n{BIG}:a\n".encode(), "irv", 2, "too large"),
    ("ratings.abif", b"=a:[A]\n1:a/5\n", "irv", 2, "rated"),
    ("repeat.abif", b"=a:[Alice]\n=b:[Bob]\n2:a>b>a\n", "irv", 3, "'Alice' is ranked twice"),
    ("repeat2.abif", b"=a:[Alice]\n=b:[Bob]\n2:a=b=a\n", "approval", 3, "ranked twice"),
    # PrefLib
    ("alts.soi", f"# NUMBER ALTERNATIVES: {BIG}\n1: 1\n".encode(), "irv", 1, "too large"),
    ("alts2.soi", b"# NUMBER ALTERNATIVES: 200000\n1: 1\n", "irv", 1, "at most"),
    ("altname.soi", b"# ALTERNATIVE NAME 99999999: A\n1: 1\n", "irv", 1, "out of range"),
    ("count.soi", f"# NUMBER ALTERNATIVES: 2\n{BIG}: 1,2\n".encode(), "irv", 2, "too large"),
    ("alt.soi", f"# NUMBER ALTERNATIVES: 2\n1: 1,{BIG}\n".encode(), "irv", 2, "bad alternative"),
    ("range.soi", b"# NUMBER ALTERNATIVES: 2\n1: 1,2\n2: 3\n", "irv", 3, "out of range"),
    ("brace.toc", b"# NUMBER ALTERNATIVES: 3\n1: 1,{2,3\n", "schulze", 2, "bad preferences"),
    ("nocount.soi", b"# NUMBER ALTERNATIVES: 2\n1,2\n", "irv", 2, "expected 'count:"),
    ("noheader.soi", b"1: 1,2\n", "irv", 1, "NUMBER ALTERNATIVES"),
    ("repeat.soi", b"# NUMBER ALTERNATIVES: 2\n4: 1,2,1\n", "ranked-pairs", 2, "ranked twice"),
    # Edinburgh council CSV
    ("ward1.csv", b'2 1\n1 1 0\n0\n"A"1"B"\n"W"\n', "irv", 4, "name in double quotes"),
    ("ward2.csv", b'2 1\n1 1 0\n0\n"A"\nB\n', "irv", 5, "in double quotes"),
    ("ward3.csv", b'2 1\n1 1 0\n0\n"A"\n"B"\n"W"\n"X"\n', "irv", 7, "after the ward name"),
    ("ward4.csv", b'2 1\n1 1 0\n0\n"A"\n"A"\n', "irv", 5, "repeats the name"),
    ("ward5.csv", f"2 1\n{BIG} 1 0\n0\n".encode(), "irv", 2, "too large"),
]


def _run(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main([str(path), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(("name", "content", "method", "line", "words"), CORPUS)
def test_bad_file_gives_one_line_naming_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    method: str,
    line: int | None,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    status, out, err = _run(path, "--method", method, capsys=capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    where = f"{path}:{line}: " if line is not None else f"{path}:"
    assert err.startswith(f"iskra count: error: {where}"), err
    assert words in err
    assert len(err) < 400


def test_a_directory_a_missing_file_and_an_unknown_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ballots.blt"
    folder.mkdir()
    for path, words in (
        (folder, "cannot read file: Is a directory"),
        (tmp_path / "missing.blt", "cannot read file: No such file"),
        (tmp_path / "ballots.xyz", "unknown ballot format"),
    ):
        status, _, err = _run(path, "--method", "irv", capsys=capsys)
        assert status == 2
        assert err.count("\n") == 1
        assert words in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secret.blt"
    path.write_text("2 1\n1 1 0\n0\nA\nB\n")
    path.chmod(0)
    status, _, err = _run(path, "--method", "irv", capsys=capsys)
    assert status == 2
    assert "cannot read file: Permission denied" in err


ALTS = b"# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"
# Two ballots A, B; one B, A, C, A (A twice); one C. The line of the repeat comes second.
REPEATED = {
    "r.blt": (b"3 1\n2 1 2 0\n1 2 1 3 1 0\n1 3 0\n0\nA\nB\nC\n", 3),
    "r.csv": (b"rank1,rank2,rank3,rank4\nA,B,,\nB,A,C,A\nA,B,,\nC,,,\n", 3),
    "r.abif": (b"=a:[A]\n=b:[B]\n=c:[C]\n2:a>b\n1:b>a>c>a\n1:c\n", 5),
    "r.soi": (b"# NUMBER ALTERNATIVES: 3\n" + ALTS + b"2: 1,2\n1: 2,1,3,1\n1: 3\n", 6),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(REPEATED))
def test_a_repeated_preference_is_counted_only_by_rules_that_say_what_it_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, name: str
) -> None:
    content, line = REPEATED[name]
    path = tmp_path / name
    path.write_bytes(content)
    status, out, err = _run(path, "--method", method, "--seats", "1", capsys=capsys)
    if method in REPEATS_BY_RULE:
        # The STV rules read the paper up to the repeat: B, A, C (the second A is not read).
        assert status == 0, err
        assert "Elected: A" in out
    else:
        assert status == 2
        assert err.count("\n") == 1
        assert f"{path}:{line}: candidate 'A' is ranked twice on one ballot" in err
        assert f"{method} has no rule for a repeated preference" in err


def test_the_same_file_without_the_repeat_counts_by_every_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fine.blt"
    path.write_bytes(b"3 1\n2 1 2 0\n1 2 1 3 0\n1 3 0\n0\nA\nB\nC\n")  # B, A, C
    for method in METHODS:
        status, _, err = _run(path, "--method", method, "--seats", "1", capsys=capsys)
        assert status == 0, (method, err)


def test_a_5000_digit_weight_as_a_whole_process(tmp_path: Path) -> None:
    """As a user runs it: ``iskra count`` through the console entry point."""
    path = tmp_path / "big.blt"
    path.write_text(f"3 1\n{BIG} 1 2 0\n0\nA\nB\nC\n")
    proc = subprocess.run(
        [sys.executable, "-m", "iskra.cli", "count", str(path), "--method", "stv-scottish"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert (
        proc.stderr == f"iskra count: error: {path}:2: a ballot weight '{'9' * 24}…' is too large\n"
    )


# Valid files of every format, for the fuzzers to damage.
SEEDS = {
    "blt": b'3 2\n1 1 2 0\n2 3 0\n1 2 3 1 0\n0\n"A"\n"B"\n"C"\n"T"\n',
    "csv": b"count,rank1,rank2\n3,A,B\n2,B,\n1,C,A\n",
    "abif": b'{title: "T"}\n=a:[Alice]\n=b:[Bob]\n3:a>b\n2:b=a\n1:c\n',
    "toc": b"# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
    b"# ALTERNATIVE NAME 3: C\n4: 1,{2,3}\n3: {2,3},1\n2: 3\n",
    "soi": b"# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n",
    "edinburgh-csv": b'3 1   \n  2 1 2 0\n 1 3 0\n0\n"A  B"\n"C"\n"D"\n"Ward 1"\n',
}
PIECES = [b"0", b"1", b"-1", b" ", b"\n", b",", b'"', b"{", b"}", b":", b">", b"=", b"#"]
PIECES += [b"9" * 5000, b"\x00", b"\xff", b"[", b"]", b"99999999999999999999", b"\xef\xbb\xbf"]


def _count_bytes(data: bytes, fmt: str, method: str, seats: int | None) -> None:
    """Count ``data`` as a ``fmt`` file: exit 0, or 2 with one line; nothing else."""
    suffix = "csv" if fmt == "edinburgh-csv" else fmt
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f.{suffix}"
        path.write_bytes(data)
        args = [str(path), "--method", method, "--input-format", fmt, "--seed", "1"]
        if seats is not None:
            args += ["--seats", str(seats)]
        out, err = _Sink(), _Sink()
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
        try:
            status = main(args)
        finally:
            sys.stdout, sys.stderr = saved
    assert status in (0, 2)
    if status == 2:
        assert err.text.count("\n") == 1, err.text
        assert err.text.startswith("iskra count: error: ")


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    st.binary(max_size=400),
    st.sampled_from(sorted(SEEDS)),
    st.sampled_from(METHODS),
    st.none() | st.integers(1, 3),
)
def test_random_bytes_never_raise(data: bytes, fmt: str, method: str, seats: int | None) -> None:
    _count_bytes(data, fmt, method, seats)


@FUZZ
@given(
    st.sampled_from(sorted(SEEDS)),
    st.lists(
        st.tuples(
            st.integers(0, 300),
            st.integers(0, 6),
            st.sampled_from(PIECES) | st.binary(max_size=8),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(METHODS),
    st.none() | st.integers(1, 3),
)
def test_damaged_valid_files_never_raise(
    fmt: str, edits: list[tuple[int, int, bytes]], method: str, seats: int | None
) -> None:
    data = bytearray(SEEDS[fmt])
    for position, cut, piece in edits:
        at = position % (len(data) + 1)
        data[at : at + cut] = piece
    _count_bytes(bytes(data), fmt, method, seats)
