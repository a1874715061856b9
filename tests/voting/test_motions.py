"""Motions, card votes and ballot thresholds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from iskra.voting import (
    Base,
    MotionRule,
    aggregate_card_votes,
    count_motion,
    evaluate_ballot,
    uk_industrial_action_rules,
)


def test_simple_majority_ignores_abstentions() -> None:
    r = count_motion(votes_for=10, votes_against=9, abstentions=50, rule=MotionRule())
    assert r.carried
    assert r.base_value == 19
    assert "not counted as votes cast" in r.reasons[0]
    assert r.to_dict()["carried"] is True


def test_tie_falls() -> None:
    r = count_motion(votes_for=10, votes_against=10, rule=MotionRule())
    assert not r.carried
    assert "Equal votes" in r.explanation


def test_abstentions_counted_change_the_result() -> None:
    rule = MotionRule(abstentions_count=True)
    r = count_motion(votes_for=10, votes_against=9, abstentions=2, rule=rule)
    assert not r.carried
    assert r.base_value == 21


def test_two_thirds_is_exact() -> None:
    rule = MotionRule.qualified(Fraction(2, 3))
    assert count_motion(votes_for=200, votes_against=100, rule=rule).carried
    assert not count_motion(votes_for=199, votes_against=101, rule=rule).carried


def test_three_quarters_of_present_and_entitled() -> None:
    present = MotionRule.qualified(Fraction(3, 4), Base.PRESENT)
    assert not count_motion(votes_for=30, votes_against=0, present=41, rule=present).carried
    assert count_motion(votes_for=30, votes_against=0, present=40, rule=present).carried
    entitled = MotionRule.qualified(Fraction(1, 2), Base.ENTITLED)
    r = count_motion(votes_for=50, votes_against=0, entitled=100, rule=entitled)
    assert r.carried
    with pytest.raises(ValueError, match="entitled"):
        count_motion(votes_for=1, votes_against=0, rule=entitled)


def test_quorum() -> None:
    rule = MotionRule(quorum=20)
    r = count_motion(votes_for=10, votes_against=1, present=19, rule=rule)
    assert not r.carried and r.quorum_met is False
    assert count_motion(votes_for=10, votes_against=1, present=20, rule=rule).carried
    voting = MotionRule(quorum=12, quorum_of="voting")
    assert not count_motion(votes_for=10, votes_against=1, rule=voting).carried
    assert count_motion(votes_for=10, votes_against=1, abstentions=1, rule=voting).carried


def test_card_votes() -> None:
    totals = aggregate_card_votes(
        [("for", Decimal("1200.5")), ("against", Decimal("800.25")), ("abstain", 3), ("yes", 1)]
    )
    assert totals.votes_for == Decimal("1201.5")
    assert totals.cards == 4
    r = count_motion(
        votes_for=totals.votes_for,
        votes_against=totals.votes_against,
        abstentions=totals.abstentions,
        rule=MotionRule.qualified(Fraction(3, 5)),
    )
    assert r.carried  # 1201.5 >= 3/5 x 2001.75 = 1201.05
    assert "1201.05" in r.explanation
    with pytest.raises(ValueError):
        aggregate_card_votes([("maybe", Decimal(1))])


def test_industrial_action_presets_by_date() -> None:
    before = uk_industrial_action_rules(date(2017, 2, 28), important_public_service=True)
    assert before.min_turnout is None and before.min_support is None
    ips = uk_industrial_action_rules(date(2017, 3, 1), important_public_service=True)
    assert ips.min_turnout == Fraction(1, 2) and ips.min_support == Fraction(2, 5)
    ordinary = uk_industrial_action_rules(date(2020, 1, 1), important_public_service=False)
    assert ordinary.min_turnout == Fraction(1, 2) and ordinary.min_support is None
    after = uk_industrial_action_rules(date(2026, 2, 18), important_public_service=True)
    assert after.min_turnout == Fraction(1, 2) and after.min_support is None
    repealed = uk_industrial_action_rules(
        date(2026, 6, 1), important_public_service=True, turnout_rule_repealed=True
    )
    assert repealed.min_turnout is None


def test_industrial_action_ballot_checks() -> None:
    rule = uk_industrial_action_rules(date(2023, 1, 10), important_public_service=True)
    # 1000 entitled: 520 voted (incl. 5 spoilt), 390 yes. Turnout met, support 39% fails.
    r = evaluate_ballot(yes=390, no=125, spoilt=5, entitled=1000, rule=rule)
    assert not r.passed
    names = {c.name: c for c in r.checks}
    assert names["majority of those voting"].met
    assert names["turnout"].met and "520 voted" in names["turnout"].arithmetic
    assert not names["support"].met
    assert names["support"].arithmetic == "390 yes >= 2/5 x 1000 = 400"
    assert [c.name for c in r.failed] == ["support"]
    assert evaluate_ballot(yes=400, no=115, entitled=1000, rule=rule).passed
    d = r.to_dict()
    assert d["passed"] is False and len(d["checks"]) == 3
