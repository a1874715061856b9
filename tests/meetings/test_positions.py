"""A branch meeting deciding the branch's position on a motion circulated to it (issue 11,
point 2): the motion and its amendments on the agenda, votes that settle neither, and the
position recorded from the votes, linked to the meeting; the page, the form and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.meetings import services
from iskra.meetings.models import Meeting
from iskra.motions import services as motions
from iskra.motions.models import Amendment, Motion, MotionStatus, Position
from iskra.organisation import services as org
from iskra.organisation.models import Body
from tests.api.test_api import Api, is_error
from tests.conftest import World, fresh
from tests.motions.helpers import audit_actions, audit_mark, motion_at


def _national_with_amendment(world: World) -> tuple[Motion, Amendment]:
    motion = motion_at(world, MotionStatus.ADMITTED)
    amendment = motions.table_amendment(
        actor=fresh(world.member),
        motion=motion,
        kind=Amendment.Kind.REPLACE,
        passage="every day of the week",
        new_text="six days a week",
    )
    motions.open_discussion(actor=fresh(world.officer), motion=motion)
    motion.refresh_from_db()
    return motion, amendment


def _branch_meeting(world: World) -> Meeting:
    """Branch A's general meeting (its two members: the member and the secretary), open."""
    gm = org.create_body(
        actor=world.admin, unit=world.branch_a, kind=Body.Kind.GENERAL_MEETING, name="Branch A"
    )
    gm.min_notice_days = 0  # called for the next hour
    gm.save(update_fields=["min_notice_days"])
    starts = timezone.now() + timedelta(hours=1)
    meeting = services.schedule_meeting(
        actor=fresh(world.secretary), body=gm, title="Branch A meeting", starts_at=starts
    )
    return meeting


def _open_with_everyone(world: World, meeting: Meeting) -> Meeting:
    with time_machine.travel(meeting.starts_at + timedelta(minutes=1), tick=False):
        services.open_meeting(actor=fresh(world.secretary), meeting=meeting)
    for person in (world.member, world.secretary):
        services.mark_attendance(actor=fresh(world.secretary), meeting=meeting, user=person)
    meeting.refresh_from_db()
    return meeting


def _vote_for_motion_against_amendment(
    world: World, meeting: Meeting, motion: Motion, amendment: Amendment
) -> None:
    services.take_show_of_hands(
        actor=fresh(world.secretary),
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        votes_for=0,
        votes_against=2,
    )
    services.take_show_of_hands(
        actor=fresh(world.secretary), meeting=meeting, motion=motion, votes_for=2, votes_against=0
    )


def test_a_circulated_motion_goes_on_a_branch_agenda_only_while_in_discussion(
    world: World,
) -> None:
    motion, _ = _national_with_amendment(world)
    meeting = _branch_meeting(world)
    item = services.add_agenda_item(
        actor=fresh(world.secretary), meeting=meeting, kind="motion", title="", motion=motion
    )
    assert item.motion == motion and item.title == motion.title
    with pytest.raises(DomainError, match="already on the agenda"):
        services.add_agenda_item(
            actor=fresh(world.secretary), meeting=meeting, kind="motion", title="", motion=motion
        )
    # A national motion not circulated (admitted only) is not this branch's to vote on.
    admitted = motion_at(world, MotionStatus.ADMITTED, title="Not circulated")
    with pytest.raises(DomainError, match="circulated to its unit"):
        services.add_agenda_item(
            actor=fresh(world.secretary), meeting=meeting, kind="motion", title="", motion=admitted
        )
    # Another branch's secretary cannot set this branch's agenda.
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(
            actor=fresh(world.other_secretary),
            meeting=meeting,
            kind="motion",
            title="",
            motion=motion,
        )


def test_branch_votes_record_the_position_without_deciding_the_motion(world: World) -> None:
    motion, amendment = _national_with_amendment(world)
    meeting = _branch_meeting(world)
    services.add_agenda_item(
        actor=fresh(world.secretary), meeting=meeting, kind="motion", title="", motion=motion
    )
    meeting = _open_with_everyone(world, meeting)
    # The amendments first, as at any meeting.
    with pytest.raises(DomainError, match="amendments first"):
        services.take_show_of_hands(
            actor=fresh(world.secretary),
            meeting=meeting,
            motion=motion,
            votes_for=2,
            votes_against=0,
        )
    with pytest.raises(DomainError, match="Vote on the motion first"):
        services.record_position_from_meeting(
            actor=fresh(world.secretary), meeting=meeting, motion=motion, mandate="free"
        )
    mark = audit_mark()
    _vote_for_motion_against_amendment(world, meeting, motion, amendment)
    # Neither the national motion nor its amendment is decided by a branch.
    motion.refresh_from_db()
    amendment.refresh_from_db()
    assert motion.status == MotionStatus.IN_DISCUSSION
    assert amendment.status == Amendment.Status.TABLED
    with pytest.raises(DomainError, match="already voted"):
        services.take_show_of_hands(
            actor=fresh(world.secretary),
            meeting=meeting,
            motion=motion,
            votes_for=1,
            votes_against=1,
        )
    # The position is what the meeting voted: for the motion, so not "oppose".
    with pytest.raises(DomainError, match="voted for the motion"):
        services.record_position_from_meeting(
            actor=fresh(world.secretary),
            meeting=meeting,
            motion=motion,
            mandate="free",
            stance="oppose",
        )
    with pytest.raises(PermissionDenied):
        services.record_position_from_meeting(
            actor=fresh(world.other_secretary), meeting=meeting, motion=motion, mandate="free"
        )
    position = services.record_position_from_meeting(
        actor=fresh(world.secretary),
        meeting=meeting,
        motion=motion,
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="Vote for, against amendment 1",
    )
    assert position.stance == Position.Stance.SUPPORT
    assert (position.votes_for, position.votes_against, position.abstentions) == (2, 0, 0)
    assert position.meeting == meeting
    assert position.vote is not None and position.vote.amendment_id is None
    assert position.amendment_stances == [
        {"amendment": amendment.pk, "number": 1, "stance": "oppose"}
    ]
    assert audit_actions(mark) == [
        "vote.count",
        "vote.count",
        "motion.position",
    ]
    # The minutes drafted at the close say what the meeting decided.
    services.close_meeting(actor=fresh(world.secretary), meeting=meeting)
    meeting.refresh_from_db()
    assert (
        "**Position of Branch A:** support; amendment 1: oppose; delegates instructed "
        "(Vote for, against amendment 1)." in meeting.minutes
    )


def test_a_meeting_cannot_record_a_position_on_its_own_motion(world: World) -> None:
    own = motion_at(world, MotionStatus.ADMITTED, body=world.branch_committee, title="Own")
    meeting = services.schedule_meeting(
        actor=fresh(world.secretary),
        body=world.branch_committee,
        title="Committee",
        starts_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(DomainError, match="not circulated"):
        services.record_position_from_meeting(
            actor=fresh(world.secretary), meeting=meeting, motion=own, mandate="free"
        )


def _page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_meeting_page_puts_the_motion_on_the_agenda_and_records_the_position(
    world: World,
) -> None:
    motion, amendment = _national_with_amendment(world)
    meeting = _branch_meeting(world)
    client = _page_client(world.secretary)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Put a motion circulated for discussion on the agenda" in page
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/circulated/", {"motion": motion.pk}, follow=True
    )
    assert "is on the agenda, with its amendments" in response.content.decode()
    assert meeting.items.filter(motion=motion).exists()
    meeting = _open_with_everyone(world, meeting)
    # Before the vote, the position page says to vote first (no form).
    page = client.get(f"/meetings/{meeting.pk}/position/{motion.pk}/").content.decode()
    assert "has not voted on the motion yet" in page
    _vote_for_motion_against_amendment(world, meeting, motion, amendment)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Record the branch's position" in page
    # A bad mandate keeps what was typed.
    response = client.post(
        f"/meetings/{meeting.pk}/position/{motion.pk}/",
        {"stance": "support", "mandate": "", "mandate_note": "Typed note"},
    )
    assert response.status_code == 200 and "Typed note" in response.content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/position/{motion.pk}/",
        {"stance": "support_if_amended", "mandate": "instructed", "mandate_note": "As voted"},
        follow=True,
    )
    assert "is recorded" in response.content.decode()
    position = Position.objects.get(motion=motion, is_current=True)
    assert position.stance == "support_if_amended" and position.meeting == meeting
    # The state of the discussion shows it, linked to the meeting.
    state = client.get(f"/motions/{motion.pk}/state/").content.decode()
    assert f'href="/meetings/{meeting.pk}/"' in state
    # Another branch's secretary may not record it, nor see the page.
    other = _page_client(world.other_secretary)
    assert other.get(f"/meetings/{meeting.pk}/position/{motion.pk}/").status_code in {403, 404}


def test_the_position_form_names_the_meeting_that_decided(world: World) -> None:
    motion, _ = _national_with_amendment(world)
    meeting = _branch_meeting(world)
    client = _page_client(world.secretary)
    page = client.get(f"/motions/{motion.pk}/position/").content.decode()
    assert "The meeting that decided it" in page and "Branch A meeting" in page
    client.post(
        f"/motions/{motion.pk}/position/",
        {
            "unit": world.branch_a.pk,
            "stance": "oppose",
            "votes_for": 0,
            "votes_against": 2,
            "abstentions": 0,
            "mandate": "free",
            "meeting": meeting.pk,
        },
    )
    assert Position.objects.get(motion=motion, is_current=True).meeting == meeting


def test_api_records_a_position_from_the_meeting(world: World) -> None:
    motion, amendment = _national_with_amendment(world)
    meeting = _branch_meeting(world)
    api = Api(world.secretary)
    response = api.post(
        f"/meetings/{meeting.pk}/agenda", {"kind": "motion", "motion_id": motion.pk}
    )
    assert response.status_code == 201, response.content
    is_error(
        api.post(f"/meetings/{meeting.pk}/positions", {"motion_id": motion.pk, "mandate": "free"}),
        400,
    )
    meeting = _open_with_everyone(world, meeting)
    _vote_for_motion_against_amendment(world, meeting, motion, amendment)
    is_error(
        Api(world.other_secretary).post(
            f"/meetings/{meeting.pk}/positions", {"motion_id": motion.pk, "mandate": "free"}
        ),
        404,
    )
    response = api.post(
        f"/meetings/{meeting.pk}/positions", {"motion_id": motion.pk, "mandate": "instructed"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stance"] == "support" and body["meeting_id"] == meeting.pk
    assert body["vote_id"] is not None
    assert body["amendment_stances"] == [
        {"amendment": amendment.pk, "number": 1, "stance": "oppose"}
    ]
