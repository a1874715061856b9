"""Issue 13: a motion of no confidence, as a member moves it on a phone from the secretary's
record; it follows the cycle; carried at the branch's meeting, the secretary's term ends and
the by-election waits for nominations."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.meetings import services as meetings
from iskra.motions import services as motions
from iskra.motions.models import Motion
from iskra.organisation.models import Body, SeatHolding
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SEAT = "Riverside Branch Secretary"


def test_no_confidence_moved_and_carried_ends_the_term(new_page: Any) -> None:
    holding = SeatHolding.objects.current().select_related("seat").get(seat__title=SEAT)
    Body.objects.filter(name="Riverside Branch Meeting").update(
        supporters_required=0, min_notice_days=0
    )
    phone = new_page(PHONE)
    sign_in(phone, "member@example.org")
    phone.goto(f"/holdings/{holding.pk}/")
    phone.get_by_role("link", name="Move a motion of no confidence").click()
    expect(phone.get_by_role("region", name=re.compile("The rules of"))).to_contain_text(
        "Riverside Branch Meeting"
    )
    assert violations(phone) == []
    phone.get_by_role("button", name="Draft the motion").click()
    expect(phone.get_by_role("alert").first).to_be_visible()
    assert not Motion.objects.filter(title__startswith="No confidence").exists()
    phone.get_by_label("Why has the body lost confidence in them?").fill(
        "No branch meeting has been called for three months."
    )
    phone.get_by_role("button", name="Draft the motion").click()
    expect(phone.locator(".messages")).to_contain_text("The motion of no confidence is drafted")
    expect(phone.locator("#no-confidence")).to_contain_text("the terms it names end")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        f"No confidence in Sam Secretary as {SEAT}"
    )
    assert violations(phone) == []
    motion = Motion.objects.get(title__startswith="No confidence")

    # It follows the cycle: submitted, admitted, debated, carried at the branch's meeting.
    officer = User.objects.get(email="officer@example.org")
    motions.submit_motion(actor=User.objects.get(email="member@example.org"), motion=motion)
    motions.admit_motion(actor=officer, motion=motion)
    motions.open_discussion(actor=officer, motion=motion)
    meeting = meetings.schedule_meeting(
        actor=officer,
        body=motion.body,
        title="Special branch meeting",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[Motion.objects.get(pk=motion.pk)],
    )
    meetings.open_meeting(actor=officer, meeting=meeting, reason="test")
    present = list(meetings.body_members(motion.body))
    for person in present:
        meetings.sign_in(actor=person, meeting=meeting)
    meetings.take_show_of_hands(
        actor=officer,
        meeting=meeting,
        motion=Motion.objects.get(pk=motion.pk),
        votes_for=len(present) - 1,
        votes_against=1,
    )

    phone.goto(f"/holdings/{holding.pk}/")
    expect(phone.get_by_role("main")).to_contain_text(f"No confidence: {motion.title}")
    phone.goto(f"/motions/{motion.pk}/")
    expect(phone.locator("#no-confidence")).to_contain_text("1 term ended")
    holding.refresh_from_db()
    assert holding.ended_on is not None
    assert phone.errors == []
