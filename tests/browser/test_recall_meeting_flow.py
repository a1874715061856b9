"""Issue 13, part 3: a recall decided at the constituency's next meeting, where the body's rules
say so. Riverside's committee puts recalls to the branch meeting. Members have signed a
petition to recall the branch secretary; the last signature needed is given on a phone, and the
member is told the recall goes to the next meeting; the petition links to the motion on the
branch meeting's agenda. The meeting carries it: the petition says Recalled and the
secretary's record says why."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.services import update_standing_orders
from iskra.representation import services
from iskra.representation.models import RecallEligible, RecallPetition
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SEAT = "Riverside Branch Secretary"


def test_a_recall_put_to_the_branch_meeting(new_page: Any) -> None:
    holding = SeatHolding.objects.current().select_related("seat__body").get(seat__title=SEAT)
    admin = User.objects.get(email="admin@example.org")
    update_standing_orders(actor=admin, body=holding.seat.body, changes={"recall_by": "meeting"})
    mo = User.objects.get(email="member@example.org")
    petition = services.start_petition(
        actor=mo, holding=holding, reason="No branch meeting for three months."
    )
    signers = list(
        RecallEligible.objects.filter(petition=petition)
        .exclude(user_id__in=[mo.pk, holding.holder_id])
        .exclude(user__email="scrutineer@example.org")
        .order_by("user__email")
        .select_related("user")[: petition.required - 1]
    )
    for eligible in signers[:-1]:
        services.sign(actor=eligible.user, petition=petition)

    last = new_page(PHONE)
    sign_in(last, signers[-1].user.email)
    last.goto(f"/recall/{petition.pk}/")
    last.get_by_role("button", name="Sign the petition").click()
    expect(last.locator(".messages")).to_contain_text("the recall is put to the next meeting")
    expect(last.get_by_role("main")).to_contain_text("put to a vote at the next meeting of")
    assert violations(last) == []
    last.get_by_role("link", name=re.compile("branch meeting$")).click()
    expect(last.get_by_role("region", name="Agenda")).to_contain_text(
        f"Recall of Sam Secretary as {SEAT}"
    )

    # The branch meeting carries it (taken by the national officer, in the chair).
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.MEETING and petition.motion is not None
    meeting = Meeting.objects.get(items__motion=petition.motion)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    officer = User.objects.get(email="officer@example.org")
    meeting = meetings.open_meeting(actor=officer, meeting=meeting)
    present = list(meetings.body_members(Body.objects.get(pk=meeting.body_id)))
    meetings.mark_present(actor=officer, meeting=meeting, users=present)
    meetings.take_show_of_hands(
        actor=officer,
        meeting=meeting,
        motion=petition.motion,
        votes_for=len(present) - 2,
        votes_against=1,
    )

    last.goto(f"/recall/{petition.pk}/")
    expect(last.get_by_text("Recalled", exact=True)).to_be_visible()
    last.goto(f"/holdings/{holding.pk}/")
    expect(last.get_by_role("main")).to_contain_text("Recalled at a meeting")
    assert last.errors == []
