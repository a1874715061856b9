"""Issue 13, part 1: a branch records the delegates it elected. Riverside's members elected Mo
as a delegate to the National Conference at their branch meeting; Sam, Riverside's secretary,
opens the Conference's page on her phone, follows "Record an election" on a Riverside delegate's
seat, forgets to choose the meeting (the form says so and keeps the email), then records it; the
delegate's record says they were elected at that meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_secretary_records_the_delegate_elected_at_the_branch_meeting(new_page: Any) -> None:
    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.meetings import services as meetings
    from iskra.organisation.models import Body, Seat

    held = meetings.record_meeting(
        actor=User.objects.get(email="secretary@example.org"),
        body=Body.objects.get(name="Riverside Branch Meeting"),
        title="Delegates' election meeting",
        starts_at=timezone.now() - timedelta(days=2),
    )
    riverside = Body.objects.get(name="Riverside Branch Meeting")
    meetings.mark_present(
        actor=User.objects.get(email="secretary@example.org"),
        meeting=held,
        users=list(meetings.body_members(riverside)),
    )
    conference = Body.objects.get(name="National Conference")
    seat = (
        Seat.objects.filter(body=conference, represents_unit__name="Riverside Branch")
        .order_by("pk")
        .first()
    )
    assert seat is not None
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/bodies/{conference.pk}/")
    sam.get_by_role("link", name=f"Record an election to {seat.title}").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text(f"Record the election of {seat.title}")
    assert violations(sam) == []
    sam.get_by_label("The member elected").select_option(label="Mo Member")
    sam.get_by_label("At a meeting").check()
    sam.get_by_role("button", name="Record the election").click()
    expect(sam.get_by_role("main")).to_contain_text("Choose the meeting.")
    expect(sam.get_by_label("The member elected")).to_have_value(
        str(User.objects.get(email="member@example.org").pk)
    )
    sam.get_by_label("The meeting").select_option(value=str(held.pk))
    sam.get_by_role("button", name="Record the election").click()
    expect(sam.get_by_role("main")).to_contain_text("the election is recorded with the term")
    expect(sam.get_by_role("heading", level=1)).to_contain_text("Mo Member as")
    expect(sam.get_by_role("main")).to_contain_text("Elected at Delegates' election meeting")
    assert violations(sam) == []
    assert sam.errors == []
