"""Ballot thresholds (turnout, support) evaluated together with the majority rule.

Includes presets for UK statutory industrial-action ballots (TULRCA 1992 s.226 as
amended by the Trade Union Act 2016 ss.2-3, and by the Employment Rights Act 2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from .motions import _num

TU_ACT_2016_COMMENCED = date(2017, 3, 1)
# The 40% support rule for important public services is repealed from this date by the
# Employment Rights Act 2025; the 50% turnout rule's repeal has no commencement date yet.
SUPPORT_RULE_REPEALED = date(2026, 2, 18)


@dataclass(frozen=True)
class BallotRule:
    """A yes/no ballot rule: majority of those voting plus optional thresholds.

    ``min_turnout`` is the share of those entitled who must vote (spoilt papers count
    as voting). ``min_support`` is the share of those entitled who must vote yes. Both
    are "at least" thresholds. The majority is of valid yes/no votes.
    """

    name: str
    majority: Fraction = Fraction(1, 2)
    min_turnout: Fraction | None = None
    min_support: Fraction | None = None
    notes: tuple[str, ...] = ()


@dataclass
class RuleCheck:
    """One rule as applied to the ballot: what was needed, what happened, and why."""

    name: str
    required: str
    actual: str
    arithmetic: str
    met: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "required": self.required,
            "actual": self.actual,
            "arithmetic": self.arithmetic,
            "met": self.met,
        }


@dataclass
class BallotResult:
    """Whether the ballot passed and every rule's check."""

    passed: bool
    rule: BallotRule
    checks: list[RuleCheck] = field(default_factory=list)

    @property
    def failed(self) -> list[RuleCheck]:
        return [c for c in self.checks if not c.met]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "rule": self.rule.name,
            "notes": list(self.rule.notes),
            "checks": [c.to_dict() for c in self.checks],
        }


def _pct(f: Fraction) -> str:
    return f"{float(f) * 100:.2f}%"


def evaluate_ballot(
    *, yes: int, no: int, entitled: int, rule: BallotRule, spoilt: int = 0
) -> BallotResult:
    """Apply ``rule`` to a yes/no ballot and show the arithmetic of each check."""
    if min(yes, no, spoilt) < 0 or entitled <= 0:
        raise ValueError("counts must be non-negative and entitled positive")
    voted = yes + no + spoilt
    if voted > entitled:
        raise ValueError("more votes than members entitled to vote")
    checks: list[RuleCheck] = []
    cast = yes + no
    majority_met = cast > 0 and Fraction(yes) > rule.majority * cast
    checks.append(
        RuleCheck(
            name="majority of those voting",
            required=f"more than {rule.majority} of {cast} valid votes",
            actual=str(yes),
            arithmetic=f"{yes} yes > {rule.majority} x ({yes} + {no}) = "
            f"{_num(rule.majority * cast)}",
            met=majority_met,
        )
    )
    if rule.min_turnout is not None:
        need = rule.min_turnout * entitled
        met = voted >= need
        checks.append(
            RuleCheck(
                name="turnout",
                required=f"at least {_pct(rule.min_turnout)} of {entitled} entitled",
                actual=f"{voted} ({_pct(Fraction(voted, entitled))})",
                arithmetic=f"{yes} + {no} + {spoilt} spoilt = {voted} voted >= "
                f"{rule.min_turnout} x {entitled} = {_num(need)}",
                met=met,
            )
        )
    if rule.min_support is not None:
        need = rule.min_support * entitled
        met = yes >= need
        checks.append(
            RuleCheck(
                name="support",
                required=f"at least {_pct(rule.min_support)} of {entitled} entitled voting yes",
                actual=f"{yes} ({_pct(Fraction(yes, entitled))})",
                arithmetic=f"{yes} yes >= {rule.min_support} x {entitled} = {_num(need)}",
                met=met,
            )
        )
    return BallotResult(passed=all(c.met for c in checks), rule=rule, checks=checks)


def uk_industrial_action_rules(
    opened_on: date, important_public_service: bool, turnout_rule_repealed: bool = False
) -> BallotRule:
    """The statutory rules for a UK industrial-action ballot opened on ``opened_on``.

    * Before 1 March 2017: a majority of those voting, no thresholds.
    * From 1 March 2017 (Trade Union Act 2016 s.2): at least 50% of those entitled must
      vote. The Employment Rights Act 2025 repeals this, but the repeal had no
      commencement date when this was written, so pass ``turnout_rule_repealed=True``
      once it is in force for the ballot.
    * From 1 March 2017 to 17 February 2026 (TU Act 2016 s.3), for important public
      services: at least 40% of those entitled must vote yes. Repealed from 18 February
      2026 by the Employment Rights Act 2025.
    """
    if opened_on < TU_ACT_2016_COMMENCED:
        return BallotRule(
            name="UK industrial action ballot (before 1 March 2017)",
            notes=("TULRCA 1992 s.226: majority of those voting",),
        )
    notes = ["TULRCA 1992 s.226 as amended by the Trade Union Act 2016"]
    turnout: Fraction | None = Fraction(1, 2)
    if turnout_rule_repealed:
        turnout = None
        notes.append("50% turnout rule treated as repealed (Employment Rights Act 2025)")
    support: Fraction | None = None
    if important_public_service:
        if opened_on < SUPPORT_RULE_REPEALED:
            support = Fraction(2, 5)
            notes.append("important public services: 40% of those entitled must vote yes")
        else:
            notes.append("40% support rule repealed from 18 February 2026")
    return BallotRule(
        name="UK industrial action ballot"
        + (" (important public service)" if important_public_service else ""),
        min_turnout=turnout,
        min_support=support,
        notes=tuple(notes),
    )
