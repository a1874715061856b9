"""Issue 11: a branch secretary changes their branch meeting's standing orders from its page, on
a phone, and the next meeting they call is held to the new rule."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.audit.models import AuditEntry
from iskra.organisation.models import Body
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_secretary_changes_the_notice_rule_and_the_next_meeting_keeps_it(
    new_page: Any,
) -> None:
    page = new_page(PHONE)
    sign_in(page, "secretary@example.org")
    page.get_by_role("link", name="Riverside Branch", exact=True).first.click()
    page.get_by_role("link", name="Riverside Branch Meeting", exact=True).first.click()
    rules = page.get_by_role("region", name="Standing orders")
    expect(rules).to_contain_text("at least 7 days")
    page.get_by_role("link", name="Change the standing orders").click()
    assert violations(page) == []

    # A rule that cannot work is refused, and what was typed stays.
    page.get_by_label("Least notice of a meeting (days)").fill("10")
    page.get_by_label("Majority needed: the fraction's top number").fill("3")
    page.get_by_role("button", name="Save standing orders").click()
    expect(page.get_by_role("alert")).to_contain_text("at most all of them")
    expect(page.get_by_label("Least notice of a meeting (days)")).to_have_value("10")
    assert violations(page) == []

    page.get_by_label("Majority needed: the fraction's top number").fill("2")
    page.get_by_label("Majority needed: the fraction's bottom number").fill("3")
    page.get_by_text("at least the fraction").click()
    page.get_by_role("button", name="Save standing orders").click()
    expect(page.locator(".messages")).to_contain_text("Standing orders saved.")
    expect(rules).to_contain_text("at least 10 days")
    expect(rules).to_contain_text("at least 2/3 of the votes cast")
    body = Body.objects.get(name="Riverside Branch Meeting")
    assert (body.min_notice_days, body.majority_numerator, body.majority_strict) == (10, 2, False)
    assert (
        AuditEntry.objects.filter(
            action="body.standing_orders", actor__email="secretary@example.org"
        ).count()
        == 1
    )

    # The next meeting called is held to the new rule, which the refusal names.
    page.get_by_role("link", name="Call a meeting").click()
    page.get_by_label("Title").fill("Emergency branch meeting")
    page.get_by_label("Starts at").fill(_days_from_now(8))
    page.get_by_role("button", name="Call the meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("10 days' notice")
    assert page.errors == []


def _days_from_now(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
