"""Checking a ballot export: the bulletin board's hash chain, and a recount that must give the
published result. Pure Python over the export file: no database needed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from iskra.ballots import tally
from iskra.voting import Profile, write_blt


class VerifyError(Exception):
    pass


def verify_export(data: dict[str, Any]) -> str:
    if data.get("format") != "iskra-ballot-export/1":
        raise VerifyError("not an Iskra ballot export (format iskra-ballot-export/1)")
    ballot = data["ballot"]
    lines = [f"Ballot: {ballot['title']}"]
    if not data.get("board_public"):
        cast = data.get("result", {}).get("cast", "?")
        lines.append(
            f"Fewer ballots were cast ({cast}) than the publication minimum: the board and the "
            "figures for each answer were not published; nothing to recount."
        )
        return "\n".join(lines)
    board = data["board"]
    expected = tally.chain(ballot["ref"], [(e["tracker"], e["content"]) for e in board])
    for i, (entry, digest) in enumerate(zip(board, expected, strict=True), start=1):
        if entry["hash"] != digest:
            raise VerifyError(f"hash chain broken at board entry {i} (tracker {entry['tracker']})")
    final = expected[-1] if expected else tally.genesis(ballot["ref"])
    if final != data["board_hash"]:
        raise VerifyError(f"final hash {final} does not match the published {data['board_hash']}")
    lines.append(f"Hash chain: {len(board)} entries, intact; final hash {final}")
    rule = tally.ballot_rule(
        ballot["preset"],
        opened_on=date.fromisoformat(ballot["opened_on"]),
        important_public_service=ballot["important_public_service"],
        turnout_rule_repealed=ballot["turnout_rule_repealed"],
    )
    recount = tally.tally(
        questions=data["questions"],
        contents=[e["content"] for e in board],
        entitled=ballot["entitled"],
        rule=rule,
    )
    published = {k: v for k, v in data["result"].items() if k != "board_hash"}
    # Compare as JSON values: the published result went through JSON once already.
    if json.loads(json.dumps(recount)) != json.loads(json.dumps(published)):
        raise VerifyError("the recount differs from the published result")
    lines.append(
        f"Recount: {recount['cast']} ballots of {recount['entitled']} entitled (turnout {recount['turnout']}) — same result as published."
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


def write_blt_files(data: dict[str, Any], json_path: Path) -> list[Path]:
    """Alongside the JSON, a BLT file per ranked or STV question, for any independent counter."""
    written: list[Path] = []
    if not data.get("board_public"):
        return written
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
        path.write_text(write_blt(profile), encoding="utf-8")
        written.append(path)
    return written
