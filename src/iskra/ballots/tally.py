"""Counting a secret ballot from its published contents alone.

Pure functions over plain data (no Django), so ``iskra ballot verify`` recounts an export with
exactly the code the server used, and anyone can check the chain of the bulletin board.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from fractions import Fraction
from typing import Any

from iskra.voting import (
    BallotRule,
    Profile,
    count,
    evaluate_ballot,
    uk_industrial_action_rules,
)

BLANK = "blank"


def genesis(ballot_ref: str) -> str:
    return hashlib.sha256(f"iskra-ballot:{ballot_ref}".encode()).hexdigest()


def entry_json(tracker: str, content: dict[str, Any]) -> str:
    return json.dumps(
        {"tracker": tracker, "content": content}, sort_keys=True, separators=(",", ":")
    )


def chain(ballot_ref: str, entries: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The hash after each board entry: h_i = sha256(h_{i-1} + canonical JSON of entry i)."""
    hashes = []
    current = genesis(ballot_ref)
    for tracker, content in entries:
        current = hashlib.sha256((current + entry_json(tracker, content)).encode()).hexdigest()
        hashes.append(current)
    return hashes


def ballot_rule(
    preset: str, *, opened_on: date, important_public_service: bool, turnout_rule_repealed: bool
) -> BallotRule:
    if preset == "uk_industrial_action":
        return uk_industrial_action_rules(
            opened_on, important_public_service, turnout_rule_repealed
        )
    if preset == "union_two_thirds":
        return BallotRule(
            name="union constitution: more than two thirds of those voting", majority=Fraction(2, 3)
        )
    if preset == "recall":
        return BallotRule(name="recall: a majority of those voting")
    return BallotRule(name="simple majority of those voting")


def count_question(
    question: dict[str, Any], answers: list[Any], *, entitled: int, rule: BallotRule
) -> dict[str, Any]:
    """Count one question. ``answers`` holds each ballot's answer (or "blank")."""
    options: list[str] = question["options"]
    kind = question["kind"]
    blank = sum(1 for a in answers if a == BLANK or a in (None, []))
    given = [a for a in answers if not (a == BLANK or a in (None, []))]
    out: dict[str, Any] = {
        "question": question["text"],
        "kind": kind,
        "blank": blank,
        "cast": len(answers),
    }
    if kind == "yes_no":
        yes = sum(1 for a in given if a == 0)
        no = sum(1 for a in given if a == 1)
        # Blank yes/no papers count as papers returned (turnout) but not as votes: the
        # statutory definition of spoilt papers in industrial-action ballots.
        evaluation = evaluate_ballot(yes=yes, no=no, spoilt=blank, entitled=entitled, rule=rule)
        out.update(
            votes={options[0]: yes, options[1]: no},
            passed=evaluation.passed,
            thresholds=evaluation.to_dict(),
        )
        return out
    if kind in {"choose_one", "approval"}:
        rankings = [(tuple(a) if isinstance(a, list) else (a,), 1) for a in given]
        method = "plurality" if kind == "choose_one" else "approval"
    else:
        rankings = [(tuple(a), 1) for a in given]
        method = "irv" if kind == "ranked" else "stv-scottish"
    seats = int(question.get("seats", 1)) if kind in {"stv"} else 1
    votes = [0] * len(options)
    for ranking, _ in rankings:
        if ranking:
            if kind == "approval":
                for choice in ranking:
                    votes[choice] += 1
            else:
                votes[ranking[0]] += 1
    out["votes"] = dict(zip(options, votes, strict=True))
    out["votes_label"] = (
        "approvals"
        if kind == "approval"
        else "first preferences"
        if kind in {"ranked", "stv"}
        else "votes"
    )
    if not rankings:
        out.update(elected=[], sheet=None)
        return out
    profile = Profile.from_rankings(options, rankings, seats=seats)
    result = count(profile, method=method, seats=seats, seed=int(question.get("seed", 0)))
    sheet = result.to_dict()
    out.update(
        elected=sheet["elected"], sheet=sheet if kind in {"ranked", "stv"} else None, method=method
    )
    return out


def tally(
    *,
    questions: list[dict[str, Any]],
    contents: list[dict[str, Any]],
    entitled: int,
    rule: BallotRule,
) -> dict[str, Any]:
    """The whole result: turnout and each question's count, from ballot contents only."""
    cast = len(contents)
    results = []
    for q in questions:
        answers = [c.get(str(q["id"]), BLANK) for c in contents]
        results.append(count_question(q, answers, entitled=entitled, rule=rule))
    turnout = Fraction(cast, entitled) if entitled else Fraction(0)
    return {
        "entitled": entitled,
        "cast": cast,
        "turnout": f"{float(turnout) * 100:.2f}%",
        "turnout_arithmetic": f"{cast} / {entitled} = {float(turnout) * 100:.2f}%"
        if entitled
        else "no one entitled",
        "rule": rule.name,
        "questions": results,
    }


def _name(question: dict[str, Any]) -> str:
    text = str(question["text"])
    return f"Question {question['position']} (“{text[:80]}{'…' if len(text) > 80 else ''}”)"


def _option(question: dict[str, Any], value: Any) -> str:
    options = question["options"]
    listed = ", ".join(f"{i} “{label}”" for i, label in enumerate(options))
    shown = json.dumps(value, ensure_ascii=False)[:40]
    return f"{_name(question)} has no option {shown}; its options are {listed}."


def validate_answer(question: dict[str, Any], answer: Any) -> Any:
    """Check one answer against its question and return it as stored; raise ValueError with a
    message naming the question (and the option) for the voter.

    An answer is the option's number (yes/no, choose one), a list of option numbers (approval;
    ranked and STV in order of preference), or "blank" — a question left blank on purpose.
    Nothing else counts as blank: an empty list, null or an empty string is no answer, and a
    paper with a question unanswered is refused, never stored as blank."""
    n = len(question["options"])
    kind = question["kind"]
    if answer == BLANK:
        return BLANK
    if answer is None or answer == "" or answer == []:
        raise ValueError(
            f"{_name(question)} has no answer. Make your choice, or choose “blank” to leave "
            "it unanswered on purpose."
        )
    if kind in {"yes_no", "choose_one"}:
        if isinstance(answer, list):
            raise ValueError(f"{_name(question)} takes one option, not a list.")
        # bool is a subclass of int: true/false must not pass as options 1/0.
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < n:
            raise ValueError(_option(question, answer))
        return answer
    if not isinstance(answer, list):
        raise ValueError(f"{_name(question)} takes a list of options (or “blank”).")
    for choice in answer:
        if choice == BLANK:
            raise ValueError(f"{_name(question)}: choose options or “blank”, not both.")
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < n:
            raise ValueError(_option(question, choice))
    repeated = [c for i, c in enumerate(answer) if c in answer[:i]]
    if repeated:
        label = question["options"][repeated[0]]
        raise ValueError(f"{_name(question)}: option {repeated[0]} “{label}” is chosen twice.")
    if kind == "approval" and len(answer) > int(question.get("max_choices", 1)):
        raise ValueError(f"{_name(question)}: choose at most {question.get('max_choices', 1)}.")
    return answer


def validate_paper(questions: list[dict[str, Any]], answers: Any) -> dict[str, Any]:
    """Check a whole voting paper: an answer for every question on it, and nothing for a
    question that is not. Returns the paper as stored (question id → answer). The one place
    where a paper is judged: the voting page and the API both come here."""
    if not isinstance(answers, dict):
        raise ValueError("The answers must map each question's id to its answer.")
    known = {str(q["id"]) for q in questions}
    for key in answers:
        if str(key) not in known:
            ids = ", ".join(sorted(known, key=lambda k: (len(k), k)))
            shown = json.dumps(key, ensure_ascii=False)[:40]
            raise ValueError(
                f"There is no question {shown} on this voting paper; its questions are {ids}."
            )
    return {str(q["id"]): validate_answer(q, answers.get(str(q["id"]))) for q in questions}
