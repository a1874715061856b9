"""Mandates checked against delegates' recorded votes: a departure is flagged to the branch and
a report-back goes on its next meeting (or the next one called)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.meetings.models import AgendaItem, Vote
from iskra.motions import services as motions
from iskra.motions.models import Motion, MotionStatus, Position
from iskra.organisation import services as org
from iskra.organisation.models import Body, SeatHolding
from iskra.representation.models import MandateDeparture
from tests.conftest import World, fresh
from tests.motions.helpers import motion_at, sitting


def _instructed(world: World, conference: Body, stance: str) -> Motion:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    motions.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance=stance,
        mandate=Position.Mandate.INSTRUCTED,
    )
    return motion


def _roll_call(world: World, conference: Body, motion: Motion, choice: str) -> Vote:
    s = sitting(world, [motion], body=conference)
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    meetings.cast_named_vote(actor=fresh(world.member), vote=vote, choice=choice)
    return meetings.close_vote(actor=fresh(world.officer), vote=vote)


def _branch_meeting(world: World) -> Body:
    body = org.create_body(
        actor=world.admin,
        unit=world.branch_a,
        kind=Body.Kind.GENERAL_MEETING,
        name="Branch A Meeting",
    )
    Body.objects.filter(pk=body.pk).update(min_notice_days=0)
    body.refresh_from_db()
    return body


def test_a_departure_is_flagged_and_reported_back_at_the_next_meeting(
    world: World, conference: Body
) -> None:
    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    branch = _branch_meeting(world)
    upcoming = meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=branch,
        title="Branch meeting",
        starts_at=timezone.now() + timedelta(days=3),
    )
    vote = _roll_call(world, conference, motion, "for")
    departure = MandateDeparture.objects.get()
    assert (departure.vote, departure.delegate, departure.unit) == (
        vote,
        world.member,
        world.branch_a,
    )
    assert (departure.expected, departure.cast) == ("against", "for")
    assert departure.holding == SeatHolding.objects.current().get(
        holder=world.member, seat__body=conference
    )
    item = AgendaItem.objects.get(meeting=upcoming, kind=AgendaItem.Kind.REPORT)
    assert item.title.startswith("Report-back: Mo Member voted for on")
    assert departure.report_item == item
    assert Notification.objects.filter(user=world.secretary, kind="mandate.departure").exists()
    assert Notification.objects.filter(user=world.member, kind="mandate.departure").exists()
    assert AuditEntry.objects.filter(action="mandate.departure").count() == 1


def test_a_vote_by_the_mandate_is_not_flagged(world: World, conference: Body) -> None:
    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    _roll_call(world, conference, motion, "against")
    assert not MandateDeparture.objects.exists()


def test_abstaining_on_an_instructed_mandate_is_a_departure(world: World, conference: Body) -> None:
    motion = _instructed(world, conference, Position.Stance.SUPPORT)
    _roll_call(world, conference, motion, "abstain")
    assert MandateDeparture.objects.get().cast == "abstain"


def test_a_free_mandate_or_support_if_amended_instructs_nothing(
    world: World, conference: Body
) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conference)
    motions.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance=Position.Stance.OPPOSE,
        mandate=Position.Mandate.FREE,
    )
    _roll_call(world, conference, motion, "for")
    other = _instructed(world, conference, Position.Stance.SUPPORT_IF_AMENDED)
    _roll_call(world, conference, other, "against")
    assert not MandateDeparture.objects.exists()


def test_with_no_meeting_called_the_report_back_waits_for_the_next_one(
    world: World, conference: Body
) -> None:
    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    branch = _branch_meeting(world)
    _roll_call(world, conference, motion, "for")
    departure = MandateDeparture.objects.get()
    assert departure.report_item is None
    # A committee meeting of the branch does not take it: the branch has a general meeting.
    meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=world.branch_committee,
        title="Committee",
        starts_at=timezone.now() + timedelta(days=2),
    )
    departure.refresh_from_db()
    assert departure.report_item is None
    later = meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=branch,
        title="Branch meeting",
        starts_at=timezone.now() + timedelta(days=5),
    )
    departure.refresh_from_db()
    assert departure.report_item is not None and departure.report_item.meeting == later
    # Placed once: the meeting after that does not get it again.
    meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=branch,
        title="Next",
        starts_at=timezone.now() + timedelta(days=9),
    )
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.REPORT).count() == 1


def test_the_record_shows_the_departure(world: World, conference: Body) -> None:
    from django.test import Client

    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    _roll_call(world, conference, motion, "for")
    holding = SeatHolding.objects.current().get(holder=world.member, seat__body=conference)
    client = Client()
    client.force_login(fresh(world.secretary))
    page = client.get(f"/holdings/{holding.pk}/")
    assert b"Departures from the mandate" in page.content
    assert b"the mandate was to vote against" in page.content


def test_the_api_lists_a_holders_departures(world: World, conference: Body) -> None:
    from tests.api.test_api import is_error
    from tests.api.test_cycle_api import Api

    motion = _instructed(world, conference, Position.Stance.OPPOSE)
    vote = _roll_call(world, conference, motion, "for")
    holding = SeatHolding.objects.current().get(holder=world.member, seat__body=conference)
    rows = Api(world.other_secretary).get(f"/holdings/{holding.pk}/departures").json()
    assert [(r["vote_id"], r["expected"], r["cast"]) for r in rows] == [(vote.pk, "against", "for")]
    assert rows[0]["report_meeting_id"] is None
    is_error(Api(world.outsider).get(f"/holdings/{holding.pk}/departures"), 404)
