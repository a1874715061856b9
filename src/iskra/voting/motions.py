"""Motions: for / against / abstain, with explicit majority, base and quorum rules.

Votes may be whole numbers (a show of hands) or :class:`~decimal.Decimal` weights (card
votes). All comparisons are made exactly with :class:`~fractions.Fraction`, so a
two-thirds majority of 300 needs 200 votes, not 199.99999.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

Number = int | Decimal


class Base(StrEnum):
    """What the majority is a fraction of."""

    CAST = "cast"  # votes cast (for + against, plus abstentions if they count)
    PRESENT = "present"  # members present
    ENTITLED = "entitled"  # all members entitled to vote


def _num(x: Fraction | Number) -> str:
    """Show a number exactly: integers plainly, others as a decimal or a fraction."""
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    if isinstance(x, Decimal):
        return str(x)
    d = f.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return str(Decimal(f.numerator) / Decimal(f.denominator))
    return f"{f.numerator}/{f.denominator} (≈{float(f):.4f})"


@dataclass(frozen=True)
class MotionRule:
    """How a motion is decided.

    ``majority`` is the fraction of the base the votes for must reach. With
    ``strict=True`` they must exceed it ("more than half"); with ``strict=False`` they
    must reach it ("at least two thirds"). ``abstentions_count`` says whether
    abstentions are part of the votes cast (they then weigh like votes against).
    ``quorum`` is a minimum number of members present (``quorum_of="present"``) or of
    votes including abstentions (``quorum_of="voting"``).
    """

    majority: Fraction = Fraction(1, 2)
    strict: bool = True
    base: Base = Base.CAST
    abstentions_count: bool = False
    quorum: Number | None = None
    quorum_of: str = "present"
    name: str = "simple majority of votes cast"

    @classmethod
    def simple_majority(cls, **kw: Any) -> MotionRule:
        """More than half of the votes cast, abstentions not counted."""
        return cls(**kw)

    @classmethod
    def qualified(cls, fraction: Fraction, base: Base = Base.CAST, **kw: Any) -> MotionRule:
        """At least ``fraction`` of ``base`` (e.g. two thirds of votes cast)."""
        kw.setdefault("name", f"at least {fraction} of {base.value}")
        return cls(majority=fraction, strict=False, base=base, **kw)


@dataclass
class MotionResult:
    """The outcome of a motion, with the arithmetic behind it."""

    carried: bool
    votes_for: Number
    votes_against: Number
    abstentions: Number
    base: Base
    base_value: Number
    required: Fraction
    quorum_met: bool | None
    rule: MotionRule
    reasons: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """The reasons as one text block."""
        return "\n".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form; numbers are strings so card-vote decimals stay exact."""
        return {
            "carried": self.carried,
            "votes_for": str(self.votes_for),
            "votes_against": str(self.votes_against),
            "abstentions": str(self.abstentions),
            "base": self.base.value,
            "base_value": str(self.base_value),
            "required": _num(self.required),
            "strict": self.rule.strict,
            "majority": str(self.rule.majority),
            "abstentions_counted": self.rule.abstentions_count,
            "quorum": None if self.rule.quorum is None else str(self.rule.quorum),
            "quorum_met": self.quorum_met,
            "rule": self.rule.name,
            "reasons": list(self.reasons),
        }


def count_motion(
    *,
    votes_for: Number,
    votes_against: Number,
    abstentions: Number = 0,
    present: Number | None = None,
    entitled: Number | None = None,
    rule: MotionRule,
) -> MotionResult:
    """Decide a motion under ``rule`` and explain the arithmetic."""
    for label, v in (("for", votes_for), ("against", votes_against), ("abstentions", abstentions)):
        if v < 0:
            raise ValueError(f"votes {label} cannot be negative")
    reasons = [
        f"For: {votes_for}; against: {votes_against}; abstentions: {abstentions} "
        + ("(counted as votes cast)" if rule.abstentions_count else "(not counted as votes cast)")
    ]
    cast = votes_for + votes_against + (abstentions if rule.abstentions_count else 0)
    base_value: Number
    if rule.base is Base.CAST:
        base_value = cast
        parts = f"{votes_for} + {votes_against}" + (
            f" + {abstentions}" if rule.abstentions_count else ""
        )
        reasons.append(f"Votes cast = {parts} = {cast}")
    elif rule.base is Base.PRESENT:
        if present is None:
            raise ValueError("this rule needs the number present")
        base_value = present
        reasons.append(f"Members present = {present}")
    else:
        if entitled is None:
            raise ValueError("this rule needs the number entitled to vote")
        base_value = entitled
        reasons.append(f"Members entitled to vote = {entitled}")
    required = rule.majority * Fraction(base_value)
    have = Fraction(votes_for)
    majority_met = have > required if rule.strict else have >= required
    relation = "more than" if rule.strict else "at least"
    reasons.append(
        f"Required: {relation} {rule.majority} x {base_value} = {_num(required)}; "
        f"for = {votes_for}: {'met' if majority_met else 'not met'}"
    )
    quorum_met: bool | None = None
    if rule.quorum is not None:
        if rule.quorum_of == "present":
            if present is None:
                raise ValueError("a quorum of members present needs the number present")
            counted: Number = present
            what = "present"
        else:
            counted = votes_for + votes_against + abstentions
            what = "voting (including abstentions)"
        quorum_met = counted >= rule.quorum
        reasons.append(
            f"Quorum: at least {rule.quorum} {what}; {counted} {what}: "
            f"{'met' if quorum_met else 'not met'}"
        )
    carried = majority_met and quorum_met is not False
    if not majority_met and rule.strict and rule.majority == Fraction(1, 2) and have == required:
        reasons.append("Equal votes: a motion needs a majority, so it falls")
    reasons.append("Result: carried" if carried else "Result: not carried")
    return MotionResult(
        carried=carried,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        base=rule.base,
        base_value=base_value,
        required=required,
        quorum_met=quorum_met,
        rule=rule,
        reasons=reasons,
    )


_CHOICES = {
    "for": "for",
    "yes": "for",
    "against": "against",
    "no": "against",
    "abstain": "abstain",
    "abstention": "abstain",
}


@dataclass
class CardVoteTotals:
    """Weighted totals of a card vote, ready for :func:`count_motion`."""

    votes_for: Decimal = Decimal(0)
    votes_against: Decimal = Decimal(0)
    abstentions: Decimal = Decimal(0)
    cards: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "votes_for": str(self.votes_for),
            "votes_against": str(self.votes_against),
            "abstentions": str(self.abstentions),
            "cards": self.cards,
        }


def aggregate_card_votes(votes: Iterable[tuple[str, Decimal | int]]) -> CardVoteTotals:
    """Sum card votes given as ``(choice, weight)``; choice is for/against/abstain
    (or yes/no). Weights must be non-negative; they are added exactly as decimals."""
    totals = CardVoteTotals()
    for choice, weight in votes:
        kind = _CHOICES.get(choice.strip().lower())
        if kind is None:
            raise ValueError(f"unknown card vote choice {choice!r}")
        w = Decimal(weight)
        if w < 0:
            raise ValueError("a card vote weight cannot be negative")
        totals.cards += 1
        if kind == "for":
            totals.votes_for += w
        elif kind == "against":
            totals.votes_against += w
        else:
            totals.abstentions += w
    return totals
