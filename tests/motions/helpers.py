"""Shared builders for the cycle's tests: a quorate committee and motions at each stage.

Everything goes through the services, so a builder that works is itself a small test of the
happy path; the tests then poke at one rule each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.models import AuditEntry
from iskra.decisions.models import Decision
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting
from iskra.motions import services
from iskra.motions.models import Motion, MotionStatus
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat
from tests.conftest import World, fresh, make_member


def make_committee(world: World, seats: int = 3, supporters_required: int = 0) -> list[User]:
    """Give the national committee enough seats for a quorum, each held by a member of
    Branch B. With the officer and the committee member that makes 2 + ``seats`` members."""
    people = []
    for n in range(seats):
        seat = org.create_seat(
            actor=world.admin,
            body=world.national_committee,
            role=Seat.Role.COMMITTEE_MEMBER,
            title=f"Seat {n}",
        )
        person = make_member(f"nc{n}@example.org", f"Committee {n}", world.branch_b)
        org.appoint_to_seat(
            actor=world.admin,
            seat=seat,
            holder=person,
            started_on=timezone.localdate() - timedelta(days=5),
        )
        people.append(person)
    world.national_committee.supporters_required = supporters_required
    world.national_committee.save()
    return people


def draft(world: World, *, body: Body | None = None, by: User | None = None, **kw: Any) -> Motion:
    return services.create_motion(
        actor=fresh(by or world.member),
        body=body or world.national_committee,
        title=kw.pop("title", "Defend the library"),
        text=kw.pop("text", "Keep Riverside Library open every day of the week."),
        **kw,
    )


def motion_at(world: World, status: str, **kw: Any) -> Motion:
    """A motion brought to ``status`` through the services (supporters not required)."""
    body: Body = kw.get("body") or world.national_committee
    body.supporters_required = 0
    body.save(update_fields=["supporters_required"])
    motion = draft(world, **kw)
    mover = motion.created_by
    officer = fresh(world.officer)
    if status == MotionStatus.DRAFT:
        return motion
    if status == MotionStatus.WITHDRAWN:
        return services.withdraw_motion(actor=fresh(mover), motion=motion)
    services.submit_motion(actor=fresh(mover), motion=motion)
    if status == MotionStatus.RULED_OUT:
        return services.rule_out_of_order(actor=officer, motion=motion, reason="Not competent")
    if status in {MotionStatus.SUBMITTED, MotionStatus.COMPOSITED}:
        if status == MotionStatus.COMPOSITED:
            motion.refresh_from_db()
            services.transition(motion, to=MotionStatus.COMPOSITED, actor=officer)
        motion.refresh_from_db()
        return motion
    services.admit_motion(actor=officer, motion=motion)
    if status == MotionStatus.ADMITTED:
        motion.refresh_from_db()
        return motion
    services.open_discussion(actor=officer, motion=motion)
    if status != MotionStatus.IN_DISCUSSION:
        motion.refresh_from_db()
        services.transition(motion, to=status, actor=officer)
    motion.refresh_from_db()
    return motion


@dataclass
class Sitting:
    meeting: Meeting
    present: list[User]


def sitting(world: World, motions: list[Motion] | None = None, body: Body | None = None) -> Sitting:
    """A meeting of the (quorate) national committee, opened, with every member signed in."""
    body = body or world.national_committee
    # Called for the next hour: the test's bodies ask no notice (bodies made inside a test
    # start with the default week).
    Body.objects.filter(pk=body.pk).update(min_notice_days=0)
    body.min_notice_days = 0
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=body,
        title="Monthly meeting",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=motions or [],
    )
    meetings.open_meeting(
        actor=fresh(world.officer), meeting=meeting, reason="opened at once (test)"
    )
    present = list(meetings.body_members(body))
    for person in present:
        meetings.sign_in(actor=person, meeting=meeting)
    meeting.refresh_from_db()
    return Sitting(meeting=meeting, present=present)


def carry(world: World, motion: Motion, *, against: int = 1) -> Decision:
    """Carry a motion by show of hands at a fresh sitting and return the decision."""
    s = sitting(world, [motion], body=motion.body)
    meetings.take_show_of_hands(
        actor=fresh(world.officer),
        meeting=s.meeting,
        motion=motion,
        votes_for=len(s.present) - against,
        votes_against=against,
    )
    motion.refresh_from_db()
    return Decision.objects.get(motion=motion)


def decided(world: World, **kw: Any) -> Decision:
    return carry(world, motion_at(world, MotionStatus.IN_DISCUSSION, **kw))


def audit_actions(since: int = 0) -> list[str]:
    return list(
        AuditEntry.objects.filter(seq__gt=since).order_by("seq").values_list("action", flat=True)
    )


def audit_mark() -> int:
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0
