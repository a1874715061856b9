"""Issue 13, part 3: where the body's rules say so, a recall petition at its threshold is put to
a vote at the constituency's next meeting instead of a ballot; carried, the holding ends as
recalled and a by-election is drafted; lost, the holder stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.meetings.models import AgendaItem, Meeting
from iskra.motions.models import MotionStatus
from iskra.organisation import services as org
from iskra.organisation.models import Body, SeatHolding
from iskra.representation import services
from iskra.representation.models import RecallPetition
from tests.api.test_cycle_api import Api
from tests.conftest import fresh
from tests.representation.conftest import RecallWorld


def _by_meeting(r: RecallWorld, *, with_meeting: bool = True) -> Body:
    """Branch A gets a general meeting; its committee's rules put recalls to it."""
    w = r.world
    gm = org.create_body(
        actor=w.admin, unit=w.branch_a, kind=Body.Kind.GENERAL_MEETING, name="Branch A Meeting"
    )
    org.update_standing_orders(
        actor=w.admin, body=r.holding.seat.body, changes={"recall_by": "meeting"}
    )
    if with_meeting:
        _call(r, gm)
    return gm


def _call(r: RecallWorld, gm: Body) -> Meeting:
    return meetings.schedule_meeting(
        actor=fresh(r.world.secretary),
        body=gm,
        title="Branch meeting",
        starts_at=timezone.now() + timedelta(days=8),
    )


def _threshold(r: RecallWorld) -> RecallPetition:
    petition = services.start_petition(
        actor=fresh(r.world.member), holding=r.holding, reason="Missed four meetings running."
    )
    services.sign(actor=fresh(r.others[0]), petition=petition)
    petition.refresh_from_db()
    return petition


def _hold(r: RecallWorld, meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    meeting = meetings.open_meeting(actor=fresh(r.world.secretary), meeting=meeting)
    meetings.mark_present(
        actor=fresh(r.world.secretary), meeting=meeting, users=[r.world.member, *r.others]
    )
    return meeting


def test_at_the_threshold_the_recall_goes_on_the_next_meeting_and_carries(
    recall: RecallWorld,
) -> None:
    gm = _by_meeting(recall)
    petition = _threshold(recall)
    assert petition.state == RecallPetition.State.MEETING
    assert petition.ballot_id is None
    motion = petition.motion
    assert motion is not None and motion.body_id == gm.pk
    assert motion.status == MotionStatus.ADMITTED and motion.fixed_wording
    item = AgendaItem.objects.get(motion=motion)
    assert item.meeting.body_id == gm.pk
    assert Notification.objects.filter(user=recall.world.secretary, kind="recall.meeting").exists()
    entry = AuditEntry.objects.get(action="recall.threshold")
    assert entry.data["motion"] == motion.pk and entry.data["meeting"] == item.meeting_id
    # Signing is over.
    with pytest.raises(DomainError, match="the next meeting decides now"):
        services.withdraw(actor=fresh(recall.world.member), petition=petition)

    meeting = _hold(recall, item.meeting)
    meetings.take_show_of_hands(
        actor=fresh(recall.world.secretary),
        meeting=meeting,
        motion=motion,
        votes_for=6,
        votes_against=2,
    )
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.RECALLED
    assert petition.by_election is not None
    holding = SeatHolding.objects.get(pk=recall.holding.pk)
    assert holding.ended_on is not None
    assert holding.end_reason.startswith("Recalled at a meeting")


def test_with_no_meeting_called_the_officers_are_told_and_the_next_one_takes_it(
    recall: RecallWorld,
) -> None:
    gm = _by_meeting(recall, with_meeting=False)
    petition = _threshold(recall)
    assert petition.state == RecallPetition.State.MEETING
    assert not AgendaItem.objects.filter(motion=petition.motion).exists()
    assert Notification.objects.filter(title__contains="call one").exists()
    meeting = _call(recall, gm)
    item = AgendaItem.objects.get(motion=petition.motion)
    assert item.meeting_id == meeting.pk
    assert AuditEntry.objects.filter(action="recall.agenda").exists()

    meeting = _hold(recall, meeting)
    assert petition.motion is not None
    meetings.take_show_of_hands(
        actor=fresh(recall.world.secretary),
        meeting=meeting,
        motion=petition.motion,
        votes_for=2,
        votes_against=6,
    )
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.NOT_RECALLED
    assert SeatHolding.objects.get(pk=recall.holding.pk).ended_on is None
    assert AuditEntry.objects.filter(action="recall.not_recalled").exists()


def test_a_recall_by_meeting_needs_a_meeting_to_decide_it(recall: RecallWorld) -> None:
    org.update_standing_orders(
        actor=recall.world.admin, body=recall.holding.seat.body, changes={"recall_by": "meeting"}
    )
    with pytest.raises(DomainError, match="has no general meeting"):
        services.start_petition(
            actor=fresh(recall.world.member), holding=recall.holding, reason="Gone."
        )
    assert not RecallPetition.objects.exists()


def test_standing_orders_and_pages_show_the_rule(client: Client, recall: RecallWorld) -> None:
    body = recall.holding.seat.body
    api = Api(recall.world.officer)
    assert api.get(f"/bodies/{body.pk}/standing-orders").json()["recall_by"] == "ballot"
    bad = api.patch(f"/bodies/{body.pk}/standing-orders", {"recall_by": "lottery"})
    assert bad.status_code == 422
    _by_meeting(recall)
    assert api.get(f"/bodies/{body.pk}/standing-orders").json()["recall_by"] == "meeting"
    client.force_login(recall.world.member)
    assert (
        "a vote at the constituency's next meeting"
        in client.get(f"/bodies/{body.pk}/").content.decode()
    )
    petition = _threshold(recall)
    got = Api(recall.world.member).get(f"/recall-petitions/{petition.pk}").json()
    assert got["state"] == "meeting" and got["motion_id"] == petition.motion_id
    page = client.get(f"/recall/{petition.pk}/").content.decode()
    assert "put to a vote at the next meeting of Branch A Meeting" in page
    assert "Threshold reached: vote at the next meeting" in page
