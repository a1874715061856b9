"""Leaders' and delegates' recorded votes are visible to members, beside their branch's mandate."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from iskra.meetings import services as meetings
from iskra.meetings.models import Vote
from iskra.meetings.selectors import voting_record
from iskra.motions import services as motions
from iskra.motions.models import Position
from tests.conftest import World, fresh


def test_record_shows_vote_and_mandate(client: Client, world: World) -> None:
    body = world.national_committee
    body.supporters_required = 0
    body.quorum_percent = 1
    body.save()
    motion = motions.create_motion(
        actor=fresh(world.member), body=body, title="Library", text="Keep it open."
    )
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    motions.open_discussion(actor=fresh(world.officer), motion=motion)
    # The committee member's branch (B) instructs support; they vote against.
    motions.record_position(
        actor=fresh(world.other_secretary),
        motion=motion,
        unit=world.branch_b,
        stance=Position.Stance.SUPPORT,
        mandate=Position.Mandate.INSTRUCTED,
    )
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=body,
        title="M",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    meetings.open_meeting(
        actor=fresh(world.officer), meeting=meeting, reason="opened at once (test)"
    )
    meetings.sign_in(actor=fresh(world.committee_member), meeting=meeting)
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    meetings.cast_named_vote(actor=fresh(world.committee_member), vote=vote, choice="against")
    meetings.close_vote(actor=fresh(world.officer), vote=vote)

    rows = voting_record(fresh(world.committee_member))
    assert len(rows) == 1
    assert rows[0].choice == "against"
    assert rows[0].mandate is not None and rows[0].mandate.unit_id == world.branch_b.pk
    assert rows[0].followed_mandate is False

    client.force_login(world.member)
    page = client.get(f"/people/{world.committee_member.pk}/votes/")
    assert page.status_code == 200
    assert "against the instruction" in page.content.decode()
    # An ordinary member who holds no seat has no public voting record; outsiders see none.
    assert client.get(f"/people/{world.member.pk}/votes/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/people/{world.committee_member.pk}/votes/").status_code == 404


def test_live_section_does_not_refresh_under_a_voter(client: Client, world: World) -> None:
    body = world.national_committee
    body.supporters_required = 0
    body.quorum_percent = 1
    body.save()
    motion = motions.create_motion(
        actor=fresh(world.member), body=body, title="Library", text="Keep it open."
    )
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=body,
        title="M",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    meetings.open_meeting(
        actor=fresh(world.officer), meeting=meeting, reason="opened at once (test)"
    )
    meetings.sign_in(actor=fresh(world.committee_member), meeting=meeting)
    client.force_login(world.committee_member)
    assert 'hx-trigger="every 10s"' in client.get(f"/meetings/{meeting.pk}/").content.decode()
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Cast my vote" in page and 'hx-trigger="every 10s"' not in page
    meetings.cast_named_vote(actor=fresh(world.committee_member), vote=vote, choice="for")
    assert 'hx-trigger="every 10s"' in client.get(f"/meetings/{meeting.pk}/").content.decode()
