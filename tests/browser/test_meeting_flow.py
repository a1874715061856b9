"""Issue 11, points 1, 3, 4 in the browser, on a phone: the branch secretary calls a meeting
from the unit's page (refused on short notice, with what was typed kept), a member replies,
the secretary ticks the register in bulk, opens the meeting (refused before its time without a
reason), shows a code, and a member signs in with it; then a meeting held earlier is recorded.
And the new pages meet axe's rules."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.meetings.models import Meeting
from iskra.organisation.models import Body
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, check

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def _local(delta: timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def test_secretary_calls_ticks_opens_and_a_member_signs_in_with_the_code(new_page: Any) -> None:
    body = Body.objects.get(name="Riverside Branch Meeting")
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/units/{body.unit_id}/")
    sam.get_by_role("link", name="Call a meeting of Riverside Branch Meeting").click()
    sam.wait_for_load_state()
    sam.get_by_label("Title").fill("Emergency branch meeting")
    sam.get_by_label("Starts at").fill(_local(timedelta(days=2)))
    sam.get_by_label("Location").fill("Riverside Library")
    sam.get_by_role("button", name="Call the meeting").click()
    sam.wait_for_load_state()
    # Refused with the rule named; what was typed is kept.
    expect(sam.get_by_role("alert")).to_contain_text("require 7 days' notice")
    assert sam.get_by_label("Title").input_value() == "Emergency branch meeting"
    assert sam.get_by_label("Location").input_value() == "Riverside Library"
    sam.get_by_label("Starts at").fill(_local(timedelta(days=8)))
    sam.get_by_role("button", name="Call the meeting").click()
    sam.wait_for_load_state()
    expect(sam.locator(".messages")).to_contain_text("Meeting called")
    meeting = Meeting.objects.get(title="Emergency branch meeting")
    assert sam.url.endswith(f"/meetings/{meeting.pk}/")

    # A member replies from the meeting's page.
    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto(f"/meetings/{meeting.pk}/")
    mo.get_by_text("I will attend").click()
    mo.get_by_role("button", name="Send my reply").click()
    mo.wait_for_load_state()
    expect(mo.locator(".messages")).to_contain_text("down as attending")

    # The secretary ticks everyone shown but Mo, in one go, and marks them present.
    sam.get_by_role("link", name="Tick attendance and apologies").click()
    sam.wait_for_load_state()
    sam.get_by_label("Tick everyone shown").check()
    sam.get_by_label("Mo Member").uncheck()
    sam.get_by_role("button", name="Mark the ticked present").click()
    sam.wait_for_load_state()
    expect(sam.locator(".messages")).to_contain_text("marked present")
    present = meeting.attendance.count()
    assert present >= 2 and not meeting.attendance.filter(user__email="member@example.org").exists()
    # The search narrows the list (a plain GET form).
    sam.get_by_label("Find a member").fill("Mo Mem")
    sam.get_by_role("button", name="Find member").click()
    sam.wait_for_load_state()
    assert sam.locator("input[name=people]").count() == 1

    # Opening before its time: refused without a reason, then opened with one.
    sam.goto(f"/meetings/{meeting.pk}/")
    sam.get_by_role("button", name="Open the meeting early").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("alert")).to_contain_text("only with a reason")
    sam.get_by_label("Reason for opening before its time").fill("The library closes at nine")
    sam.get_by_role("button", name="Open the meeting").click()
    sam.wait_for_load_state()
    expect(sam.locator(".messages")).to_contain_text("The meeting is open")
    sam.get_by_role("button", name="Show a code").click()
    sam.wait_for_load_state()
    code = sam.locator(".sign-in-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)

    # Mo signs in with the code shown in the room.
    mo.goto(f"/meetings/{meeting.pk}/")
    mo.get_by_label("Code shown in the room").fill(code)
    mo.get_by_role("button", name="I am here: sign in to the meeting").click()
    mo.wait_for_load_state()
    expect(mo.locator(".messages")).to_contain_text("You are signed in")
    expect(mo.get_by_role("heading", name=re.compile("Attendance"))).to_contain_text(
        f"{present + 1} present of"
    )
    assert sam.errors == [] and mo.errors == []


def test_secretary_records_a_meeting_held_earlier(new_page: Any) -> None:
    body = Body.objects.get(name="Riverside Branch Meeting")
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/bodies/{body.pk}/")
    sam.get_by_role("link", name="Record a meeting held earlier").click()
    sam.wait_for_load_state()
    sam.get_by_label("Title").fill("Street stall planning")
    sam.get_by_label("When it was held").fill(_local(-timedelta(days=5)))
    sam.get_by_role("button", name="Record the meeting").click()
    sam.wait_for_load_state()
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Attendance: Street stall")
    sam.get_by_label("Tick everyone shown").check()
    sam.get_by_role("button", name="Mark the ticked present").click()
    sam.wait_for_load_state()
    meeting = Meeting.objects.get(title="Street stall planning")
    assert meeting.recorded_after and meeting.attendance.count() >= 2
    sam.get_by_role("link", name="Back to the meeting").click()
    sam.wait_for_load_state()
    expect(sam.get_by_text("Held offline and recorded afterwards")).to_be_visible()
    assert sam.errors == []


def test_the_meeting_pages_meet_no_serious_violation(new_page: Any) -> None:
    body = Body.objects.get(name="Riverside Branch Meeting")
    meeting = Meeting.objects.get(
        body__name="Riverside Branch Meeting", status=Meeting.Status.SCHEDULED
    )
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    problems = check(
        sam,
        [
            f"/meetings/{meeting.pk}/",
            f"/meetings/{meeting.pk}/register/",
            f"/meetings/{meeting.pk}/open/",
            f"/bodies/{body.pk}/meetings/record/",
            f"/bodies/{body.pk}/",
            "/meetings/",
        ],
        desktop={f"/meetings/{meeting.pk}/register/"},
    )
    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    problems += check(mo, [f"/meetings/{meeting.pk}/"])
    assert problems == []
