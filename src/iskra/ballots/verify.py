"""Checking a ballot export: the bulletin board's hash chain, and a recount that must give the
published result. Pure Python over the export file: no database, no settings, no Django.

A member runs ``iskra ballot verify FILE`` on a file they downloaded, on their own computer, so
the file is read as untrusted input: every field is checked for its type before it is used,
unknown fields are ignored (a later export may carry more), and any problem is one line that
names the file and the field (``export.json: board[3].content: expected an object``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

# The export formats this version reads. A newer format is refused by name rather than
# half-read: a verifier that skipped a field it did not know could pass a forged file.
READABLE_FORMATS = ("iskra-ballot-export/1",)
QUESTION_KINDS = ("yes_no", "choose_one", "approval", "ranked", "stv")
# Larger than any real roll; bigger numbers in an export are damage or an attack.
MAX_COUNT = 10**9


class VerifyError(Exception):
    pass


SEALED_FORMAT = "iskra-sealed-export/1"


def read_export(path: str | Path) -> Any:
    """The JSON value in the file at ``path``; :class:`VerifyError` if it cannot be read."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise VerifyError(f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VerifyError(f"not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise VerifyError(f"{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise VerifyError("not an Iskra ballot export: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4 300 digits
        raise VerifyError(f"not valid JSON: {exc}") from None


def _field(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``obj[key]`` if present and of ``kind`` (a bool is never taken for an int)."""
    if key not in obj:
        raise VerifyError(f"{where}: missing the field {key!r}")
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is a subclass of int: true must not pass for the number 1.
    wrong_bool = isinstance(value, bool) and bool not in kinds
    if wrong_bool or not isinstance(value, kinds):
        names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
        raise VerifyError(f"{where}.{key}: expected {names}, got {_type_name(value)}")
    return value


_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "a whole number",
    bool: "true or false",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    for kind in (bool, dict, list, str, int):
        if isinstance(value, kind):
            return _TYPE_NAMES[kind]
    return "a number" if isinstance(value, float) else type(value).__name__


def _count(obj: dict[str, Any], key: str, where: str) -> int:
    value: int = _field(obj, key, int, where)
    if not 0 <= value <= MAX_COUNT:
        raise VerifyError(f"{where}.{key}: {value} is out of range (0 to {MAX_COUNT})")
    return value


def _questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = _field(data, "questions", list, "export")
    for i, q in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(q, dict):
            raise VerifyError(f"{where}: expected an object, got {_type_name(q)}")
        _field(q, "id", (int, str), where)
        _field(q, "text", str, where)
        kind = _field(q, "kind", str, where)
        if kind not in QUESTION_KINDS:
            raise VerifyError(f"{where}.kind: unknown kind {kind!r}")
        options = _field(q, "options", list, where)
        if not options or not all(isinstance(o, str) for o in options):
            raise VerifyError(f"{where}.options: expected a list of option names")
        if kind == "yes_no" and len(options) != 2:
            raise VerifyError(f"{where}.options: a yes/no question has two options")
        if kind == "stv":
            seats = _count(q, "seats", where)
            if not 1 <= seats <= len(options):
                raise VerifyError(f"{where}.seats: {seats} seats for {len(options)} options")
        if kind == "approval" and "max_choices" in q:
            _count(q, "max_choices", where)
        if "seed" in q:
            _field(q, "seed", int, where)
    return questions


def _board(data: dict[str, Any], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Imported here: the tally loads the counting engine, which the early checks do not need.
    from iskra.ballots.tally import validate_answer

    board: list[dict[str, Any]] = _field(data, "board", list, "export")
    by_id = {str(q["id"]): q for q in questions}
    for i, entry in enumerate(board):
        where = f"board[{i}]"
        if not isinstance(entry, dict):
            raise VerifyError(f"{where}: expected an object, got {_type_name(entry)}")
        tracker = _field(entry, "tracker", str, where)
        _field(entry, "hash", str, where)
        content = _field(entry, "content", dict, where)
        for key, answer in content.items():
            question = by_id.get(key)
            if question is None:
                raise VerifyError(
                    f"{where}.content: answers question {key!r}, which the export does not hold"
                )
            try:
                validate_answer(question, answer)
            except ValueError as exc:
                raise VerifyError(
                    f"{where} (tracker {tracker}): its answer to question {key} is not a valid "
                    f"answer ({exc})"
                ) from None
    return board


def published_cast(data: dict[str, Any]) -> str:
    """The number of ballots cast as the export's result states it, or "?"."""
    result = data.get("result")
    cast = result.get("cast") if isinstance(result, dict) else None
    return str(cast) if isinstance(cast, int) and not isinstance(cast, bool) else "?"


def verify_export(data: Any) -> str:
    """Check the export ``data`` (the parsed JSON); the report's lines, or :class:`VerifyError`."""
    from iskra.ballots import tally
    from iskra.voting import CountError

    if not isinstance(data, dict) or "format" not in data:
        raise VerifyError(f"not an Iskra ballot export (format {READABLE_FORMATS[0]})")
    fmt = data["format"]
    if fmt not in READABLE_FORMATS:
        raise VerifyError(
            f"export format {str(fmt)[:60]!r} is not one this version reads "
            f"({', '.join(READABLE_FORMATS)}); use a newer Iskra"
        )
    ballot = _field(data, "ballot", dict, "export")
    title = _field(ballot, "title", str, "ballot")
    ref = _field(ballot, "ref", (str, int), "ballot")
    entitled = _count(ballot, "entitled", "ballot")
    lines = [f"Ballot: {title}"]
    if not _field(data, "board_public", bool, "export"):
        cast = published_cast(data)
        lines.append(
            f"Fewer ballots were cast ({cast}) than the publication minimum: the board and the "
            "figures for each answer were not published; nothing to recount."
        )
        return "\n".join(lines)
    preset = _field(ballot, "preset", str, "ballot")
    opened_text = _field(ballot, "opened_on", str, "ballot")
    try:
        opened_on = date.fromisoformat(opened_text)
    except ValueError:
        raise VerifyError(f"ballot.opened_on: {opened_text[:40]!r} is not a date") from None
    important = _field(ballot, "important_public_service", bool, "ballot")
    repealed = _field(ballot, "turnout_rule_repealed", bool, "ballot")
    questions = _questions(data)
    board = _board(data, questions)
    board_hash = _field(data, "board_hash", str, "export")
    published = _field(data, "result", dict, "export")
    if len(board) > entitled:
        raise VerifyError(
            f"the board holds {len(board)} ballots but only {entitled} members were entitled"
        )

    expected = tally.chain(str(ref), [(e["tracker"], e["content"]) for e in board])
    for i, (entry, digest) in enumerate(zip(board, expected, strict=True), start=1):
        if entry["hash"] != digest:
            raise VerifyError(f"hash chain broken at board entry {i} (tracker {entry['tracker']})")
    final = expected[-1] if expected else tally.genesis(str(ref))
    if final != board_hash:
        raise VerifyError(f"final hash {final} does not match the published {board_hash[:80]}")
    lines.append(f"Hash chain: {len(board)} entries, intact; final hash {final}")
    rule = tally.ballot_rule(
        preset,
        opened_on=opened_on,
        important_public_service=important,
        turnout_rule_repealed=repealed,
    )
    try:
        recount = tally.tally(
            questions=questions,
            contents=[e["content"] for e in board],
            entitled=entitled,
            rule=rule,
        )
    except (CountError, ValueError) as exc:
        raise VerifyError(f"the recount failed: {exc}") from None
    published = {k: v for k, v in published.items() if k != "board_hash"}
    # Compare as JSON values: the published result went through JSON once already.
    if json.loads(json.dumps(recount)) != published:
        raise VerifyError("the recount differs from the published result")
    lines.append(
        f"Recount: {recount['cast']} ballots of {recount['entitled']} entitled (turnout "
        f"{recount['turnout']}) — same result as published."
    )
    for q in recount["questions"]:
        summary = ", ".join(f"{name}: {n}" for name, n in q["votes"].items())
        outcome = (
            ("passed" if q["passed"] else "not passed")
            if "passed" in q
            else ("elected " + ", ".join(q.get("elected", [])))
        )
        lines.append(f"  {q['question']}: {summary}; blank {q['blank']} — {outcome}")
    return "\n".join(lines)


def write_blt_files(data: dict[str, Any], json_path: Path) -> list[tuple[Path, str]]:
    """Alongside the JSON, a BLT file per ranked or STV question, for any independent counter.

    Returns each file's path and text; the caller writes them (all or nothing).
    """
    from iskra.voting import Profile, write_blt

    files: list[tuple[Path, str]] = []
    if not data.get("board_public"):
        return files
    for q in data["questions"]:
        if q["kind"] not in {"ranked", "stv"}:
            continue
        rankings = [
            (tuple(e["content"].get(str(q["id"]))), 1)
            for e in data["board"]
            if isinstance(e["content"].get(str(q["id"])), list) and e["content"].get(str(q["id"]))
        ]
        profile = Profile.from_rankings(
            q["options"],
            rankings,
            seats=q["seats"] if q["kind"] == "stv" else 1,
            title=q["text"][:100],
        )
        path = json_path.with_name(f"{json_path.stem}-q{q['position']}.blt")
        files.append((path, write_blt(profile)))
    return files


def main(argv: list[str] | None = None) -> int:
    """``iskra ballot verify EXPORT``: needs no settings and no database."""
    parser = argparse.ArgumentParser(
        prog="iskra ballot verify",
        description="Check the hash chain of a ballot export and recount it.",
    )
    parser.add_argument("export_file", metavar="EXPORT", help="the export's JSON file")
    args = parser.parse_args(argv)
    name = args.export_file
    try:
        data = read_export(name)
        if isinstance(data, dict) and data.get("format") == SEALED_FORMAT:
            # A sealed ballot's record: the verifier of iskra.sealed (docs/sealed.md).
            from iskra.sealed.cli import verify_file

            passed, lines = verify_file(name)
            if not passed:
                raise VerifyError(lines[-1].removeprefix("FAILED: "))
            sys.stdout.write("\n".join(lines) + "\n")
            return 0
        report = verify_export(data)
    except VerifyError as exc:
        message = str(exc)
        sep = "" if message[:1].isdigit() else " "
        print(f"iskra ballot verify: error: {name}:{sep}{message}", file=sys.stderr)
        return 1
    except RecursionError:
        print(f"iskra ballot verify: error: {name}: nested too deeply", file=sys.stderr)
        return 1
    sys.stdout.write(report + "\n")
    return 0
