"""A branch meeting decides the branch's position on a national motion (issue 11, points 2
and 12), on a phone: the branch secretary puts the motion and its amendment on the meeting's
agenda, records the votes (for the motion, against the amendment) and the position, which the
state of the discussion shows linked to the meeting; the national officer sees which branches
have not discussed it and reminds them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting
from iskra.members.models import Status
from iskra.motions import services as motions
from iskra.motions.models import Amendment, Position
from iskra.organisation.models import Body, SeatHolding
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PHONE = {"width": 390, "height": 844}
TITLE = "A national day of action on rents"


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _setup() -> tuple[Any, Amendment, Meeting]:
    officer = User.objects.get(email="officer@example.org")
    secretary = User.objects.get(email="secretary@example.org")
    member = User.objects.get(email="member@example.org")
    nc = Body.objects.get(name="National Committee")
    motion = motions.create_motion(
        actor=officer,
        body=nc,
        title=TITLE,
        text="Every branch will hold a day of action on rents in March, with a street stall.",
        by_body=True,
        authority="National Committee, November meeting",
    )
    motions.submit_motion(actor=fresh(officer), motion=motion)
    motions.admit_motion(actor=fresh(officer), motion=motion)
    motions.open_discussion(
        actor=fresh(officer), motion=motion, deadline=timezone.localdate() + timedelta(days=14)
    )
    amendment = motions.table_amendment(
        actor=fresh(member),
        motion=motion,
        kind=Amendment.Kind.REPLACE,
        passage="in March",
        new_text="in April",
    )
    body = Body.objects.get(name="Riverside Branch Meeting")
    body.min_notice_days = 0  # the setup calls it for now
    body.save(update_fields=["min_notice_days"])
    meeting = meetings.schedule_meeting(
        actor=fresh(secretary),
        body=body,
        title="Rents debate",
        starts_at=timezone.now() + timedelta(minutes=5),
    )
    # The meeting's time has come.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    return motion, amendment, meeting


def test_branch_meeting_records_position_and_officer_reminds(new_page: Any) -> None:
    motion, amendment, meeting = _setup()
    secretary = User.objects.get(email="secretary@example.org")
    page = new_page(PHONE)
    sign_in(page, "secretary@example.org")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_text("Put a motion circulated for discussion on the agenda").click()
    page.get_by_label("Motion circulated for discussion").select_option(str(motion.pk))
    page.get_by_role("button", name="Put on the agenda").click()
    expect(page.locator(".messages")).to_contain_text("is on the agenda, with its amendments")
    page.get_by_role("button", name="Open the meeting").click()
    # Attendance is another page's business (issue 11, point 3): the members present are
    # marked through the service.
    meeting.refresh_from_db()
    present = User.objects.filter(
        membership__unit=meeting.body.unit, membership__status=Status.MEMBER
    )
    for person in present:
        meetings.mark_attendance(actor=fresh(secretary), meeting=meeting, user=person)
    n = present.count()
    page.goto(f"/meetings/{meeting.pk}/")
    # Against the amendment, then for the motion.
    page.locator(f"#f-a{amendment.pk}").fill("1")
    page.locator(f"#g-a{amendment.pk}").fill(str(n - 1))
    page.locator("form", has=page.locator(f"#f-a{amendment.pk}")).get_by_role(
        "button", name="Record show of hands"
    ).click()
    expect(page.locator(".messages")).to_contain_text("Lost")
    page.locator(f"#f-m{motion.pk}").fill(str(n - 1))
    page.locator(f"#g-m{motion.pk}").fill("1")
    page.locator("form", has=page.locator(f"#f-m{motion.pk}")).get_by_role(
        "button", name="Record show of hands"
    ).click()
    expect(page.locator(".messages")).to_contain_text("Carried")
    section = page.locator("section", has=page.get_by_role("heading", name="Branch positions on"))
    expect(section).to_contain_text("The meeting voted for the motion")
    expect(section).to_contain_text("against amendment 1")
    section.get_by_role("link", name="Record the branch's position").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record Riverside Branch")
    assert violations(page) == []
    page.get_by_label("Support", exact=True).check()
    page.get_by_label("Delegates instructed").check()
    page.get_by_label("Note on the mandate").fill("For the motion, against amendment 1.")
    page.get_by_role("button", name="Record the position").click()
    expect(page.locator(".messages")).to_contain_text("is recorded")
    position = Position.objects.get(motion=motion, is_current=True)
    assert position.meeting_id == meeting.pk and position.stance == "support"
    assert position.amendment_stances == [
        {"amendment": amendment.pk, "number": 1, "stance": "oppose"}
    ]
    section = page.locator("section", has=page.get_by_role("heading", name="Branch positions on"))
    section.get_by_role("link", name="State of the discussion").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Riverside Branch"))
    expect(row).to_contain_text("Support")
    expect(row).to_contain_text("1: oppose")
    expect(row.get_by_role("link", name="Rents debate")).to_be_visible()
    assert violations(page) == []
    expect(page.get_by_role("button", name="Remind them")).to_have_count(0)
    assert page.errors == []  # type: ignore[attr-defined]

    # The national officer sees who has not discussed it and reminds them.
    officer_page = new_page(PHONE)
    sign_in(officer_page, "officer@example.org")
    officer_page.goto(f"/motions/{motion.pk}/state/")
    not_yet = officer_page.locator(
        "section", has=officer_page.get_by_role("heading", name="Not yet discussed")
    )
    expect(not_yet).to_contain_text("Hillside Branch")
    expect(not_yet).not_to_contain_text("Riverside Branch")
    officer_page.get_by_role("button", name="Remind them").click()
    expect(officer_page.locator(".messages")).to_contain_text("reminded")
    assert violations(officer_page) == []
    hillside_secretary = (
        SeatHolding.objects.current().get(seat__title="Hillside Branch Secretary").holder
    )
    assert Notification.objects.filter(user=hillside_secretary, kind="motion.reminder").exists()
    assert not Notification.objects.filter(user=secretary, kind="motion.reminder").exists()
    # Once a day per branch: a second reminder is refused, with the reason.
    officer_page.get_by_role("button", name="Remind them").click()
    expect(officer_page.locator(".messages")).to_contain_text("less than a day ago")
    assert officer_page.errors == []  # type: ignore[attr-defined]
