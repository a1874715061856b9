"""Counting the decrypted result with ``iskra.voting``, exactly as an ordinary secret ballot is
counted (the result has the same shape as ``iskra.ballots.tally.tally``; a test holds the two
to the same output)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from iskra.voting import BallotRule, Profile, count, evaluate_ballot, uk_industrial_action_rules

from .election import Election


def ballot_rule(rule: dict[str, Any]) -> BallotRule:
    preset = rule["preset"]
    if preset == "uk_industrial_action":
        return uk_industrial_action_rules(
            date.fromisoformat(rule["opened_on"]),
            bool(rule["important_public_service"]),
            bool(rule["turnout_rule_repealed"]),
        )
    if preset == "union_two_thirds":
        return BallotRule(
            name="union constitution: more than two thirds of those voting", majority=Fraction(2, 3)
        )
    if preset == "recall":
        return BallotRule(name="recall: a majority of those voting")
    return BallotRule(name="simple majority of those voting")


def count_question(
    q: dict[str, Any], plain: Any, *, cast: int, entitled: int, rule: BallotRule
) -> dict[str, Any]:
    """One question's result from its decrypted plaintext: counts (homomorphic) or rankings."""
    options: list[str] = q["options"]
    kind = q["kind"]
    out: dict[str, Any] = {"question": q["text"], "kind": kind}
    if kind == "yes_no":
        yes, no = plain["yes"], plain["no"]
        blank = cast - yes - no
        evaluation = evaluate_ballot(yes=yes, no=no, spoilt=blank, entitled=entitled, rule=rule)
        out.update(
            blank=blank,
            cast=cast,
            votes={options[0]: yes, options[1]: no},
            passed=evaluation.passed,
            thresholds=evaluation.to_dict(),
        )
        return out
    if kind in ("choose_one", "approval"):
        votes = list(plain[: len(options)])
        blank = (
            cast - sum(votes)
            if kind == "choose_one"
            else (plain[len(options)] if q["blank"] else 0)
        )
        # Each option's total is all these methods use: one weighted ranking per option.
        rankings: list[tuple[tuple[int, ...], int]] = [((i,), v) for i, v in enumerate(votes) if v]
        method = "plurality" if kind == "choose_one" else "approval"
        seats = 1
    else:
        rankings_list: list[list[int]] = plain
        blank = sum(1 for r in rankings_list if not r)
        rankings = [(tuple(r), 1) for r in rankings_list if r]
        votes = [0] * len(options)
        for r, _ in rankings:
            votes[r[0]] += 1
        method = q["method"]
        seats = int(q.get("seats", 1))
    out.update(
        blank=blank,
        cast=cast,
        votes=dict(zip(options, votes, strict=True)),
        votes_label="approvals"
        if kind == "approval"
        else "first preferences"
        if kind in ("ranked", "stv")
        else "votes",
    )
    if not rankings:
        out.update(elected=[], sheet=None)
        return out
    profile = Profile.from_rankings(options, rankings, seats=seats)
    result = count(profile, method=method, seats=seats, seed=int(q.get("seed", 0)))
    sheet = result.to_dict()
    out.update(
        elected=sheet["elected"], sheet=sheet if kind in ("ranked", "stv") else None, method=method
    )
    return out


def result(election: Election, plain: list[Any], *, cast: int, entitled: int) -> dict[str, Any]:
    rule = ballot_rule(election.data["rule"])
    turnout = Fraction(cast, entitled) if entitled else Fraction(0)
    return {
        "entitled": entitled,
        "cast": cast,
        "turnout": f"{float(turnout) * 100:.2f}%",
        "turnout_arithmetic": f"{cast} / {entitled} = {float(turnout) * 100:.2f}%"
        if entitled
        else "no one entitled",
        "rule": rule.name,
        "questions": [
            count_question(q, p, cast=cast, entitled=entitled, rule=rule)
            for q, p in zip(election.questions, plain, strict=True)
        ],
    }
