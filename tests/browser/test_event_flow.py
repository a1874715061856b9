"""Issue 15, part 1: an event on a phone. Mo (a Riverside member) finds the energy-bills stall
under Events and says they are coming; the members' training is full, so Mo joins its waiting
list. Sam, Riverside's secretary, checks Mo in at the door with one tap (a second tap is told
"already checked in"), adds a walk-in, and once the stall has started reports from the ground:
the leaflets are reported back on the decision's action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_rsvp_waiting_list_check_in_and_the_report_back(new_page: Any) -> None:
    from iskra.campaigns.models import Event, Rsvp
    from iskra.decisions.models import Report

    stall = Event.objects.get(kind="stall")
    Rsvp.objects.filter(event=stall, user__email="member@example.org").delete()
    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.get_by_role("button", name="Menu").click()  # the phone's folded menu
    mo.get_by_role("link", name="Events", exact=True).click()
    mo.get_by_role("link", name=stall.title).click()
    assert violations(mo) == []
    mo.get_by_role("button", name="I am coming").click()
    expect(mo.get_by_role("main")).to_contain_text("You are on the list")
    mo.get_by_role("link", name="Events", exact=True).first.click()  # the breadcrumb
    mo.get_by_role("link", name="Organiser training: running a stall").click()
    mo.get_by_role("button", name="Join the waiting list").click()
    expect(mo.get_by_role("main")).to_contain_text("You are on the waiting list (number 2)")

    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/events/{stall.pk}/")
    sam.get_by_role("link", name="Check people in").click()
    assert violations(sam) == []
    sam.get_by_label("Find a name").fill("Mo")
    sam.get_by_role("button", name="Find the name").click()
    sam.get_by_role("button", name="Check in Mo Member").click()
    expect(sam.locator("#door-list")).to_contain_text("in at")
    mine = Rsvp.objects.get(event=stall, user__email="member@example.org")
    assert mine.checked_in_at is not None
    sam.get_by_label("Name", exact=True).fill("Dee Walker")
    sam.get_by_role("button", name="Check them in").click()
    expect(sam.get_by_role("main")).to_contain_text("Dee Walker: in, as a walk-in")

    # The clock moves on: the stall has started.
    Event.objects.filter(pk=stall.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=2)
    )
    sam.goto(f"/events/{stall.pk}/")
    sam.get_by_role("link", name="Report on it").click()
    expect(sam.get_by_label("People there")).to_have_value("2")  # the two checked in
    sam.get_by_label("People there").fill("14")
    sam.get_by_label("Leaflets given out").fill("350")
    sam.get_by_label("Money collected").fill("12.50")
    sam.get_by_role("button", name="Send the report").click()
    expect(sam.get_by_role("main")).to_contain_text("reported back on the action too")
    assert Report.objects.filter(action=stall.action, figure=350).exists()
    assert mo.errors == [] and sam.errors == []
