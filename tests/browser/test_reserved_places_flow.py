"""Issue 13, part 1: reserved places among delegates, on a phone. The demo's National Conference
reserves places for women in delegations of two or more. The national officer adds a second
rule (a first try with more places than delegates is refused, keeping what was typed); Mo, on
Who speaks for you, says they count for the places reserved for women."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_officer_reserves_places_and_a_member_says_they_count(new_page: Any) -> None:
    from iskra.organisation.models import Body

    conference = Body.objects.get(name="National Conference")
    officer = new_page(PHONE)
    sign_in(officer, "officer@example.org")
    officer.goto(f"/bodies/{conference.pk}/delegates/")
    officer.get_by_role("link", name="Reserved places among the delegates").click()
    expect(officer.get_by_role("region", name="The rules")).to_contain_text("women")
    assert violations(officer) == []
    officer.get_by_label("Places reserved for").fill("young members")
    officer.get_by_label("At least this many of a unit's delegates").fill("3")
    officer.get_by_label("Where a unit sends at least this many delegates").fill("2")
    officer.get_by_role("button", name="Reserve these places").click()
    expect(officer.get_by_role("main")).to_contain_text("cannot be more than the delegates")
    expect(officer.get_by_label("Places reserved for")).to_have_value("young members")
    officer.get_by_label("At least this many of a unit's delegates").fill("1")
    officer.get_by_label("Where a unit sends at least this many delegates").fill("3")
    officer.get_by_role("button", name="Reserve these places").click()
    expect(officer.get_by_role("main")).to_contain_text("Places reserved for young members")
    expect(officer.get_by_role("region", name="The rules")).to_contain_text("young members")

    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto("/representatives/")
    section = mo.get_by_role("region", name="Reserved places")
    expect(section).to_contain_text("You have not said you count for it")
    assert violations(mo) == []
    section.get_by_role("button", name="I count for the places reserved for women").click()
    expect(mo.get_by_role("main")).to_contain_text("Recorded: you count for the places")
    expect(mo.get_by_role("region", name="Reserved places")).to_contain_text("You count for it.")
    assert officer.errors == [] and mo.errors == []
