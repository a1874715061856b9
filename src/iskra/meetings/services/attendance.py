"""Signing in, marking attendance, opening and closing a meeting."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.meetings.models import Attendance, Meeting, Vote
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.services.common import _lock, is_body_member
from iskra.meetings.services.minutes import generate_minutes
from iskra.organisation.permissions import require


@transaction.atomic
def sign_in(*, actor: Any, meeting: Meeting) -> Attendance:
    require(
        is_body_member(actor, meeting.body), "Only members of this body can sign in to its meeting."
    )
    return _attend(meeting=meeting, user=actor, marked_by=None, actor=actor)


@transaction.atomic
def mark_attendance(*, actor: Any, meeting: Meeting, user: User) -> Attendance:
    require(can_run_meeting(actor, meeting.body), "Only the secretary records attendance.")
    if not is_body_member(user, meeting.body):
        raise DomainError(f"{user} is not a member of {meeting.body.name}.")
    return _attend(meeting=meeting, user=user, marked_by=actor, actor=actor)


def _attend(*, meeting: Meeting, user: User, marked_by: Any, actor: Any) -> Attendance:
    # Judge on the meeting as it is now: it may have closed since the caller read it.
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, user=user, at=timezone.now(), marked_by=marked_by
            )
    except IntegrityError:
        raise DomainError(f"{user} is already signed in.") from None
    record(
        actor=actor,
        action="meeting.attend",
        obj=attendance,
        unit=meeting.body.unit,
        data={"meeting": meeting.pk, "user": user.pk},
    )
    return attendance


@transaction.atomic
def open_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary opens the meeting.")
    if meeting.status != Meeting.Status.SCHEDULED:
        raise DomainError("The meeting has already been opened.")
    meeting.status = Meeting.Status.IN_PROGRESS
    meeting.opened_at = timezone.now()
    meeting.save(update_fields=["status", "opened_at"])
    record(actor=actor, action="meeting.open", obj=meeting, unit=meeting.body.unit)
    return meeting


@transaction.atomic
def close_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary closes the meeting.")
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise DomainError("Only a meeting in progress can be closed.")
    if meeting.votes.filter(state=Vote.State.OPEN).exists():
        raise DomainError("A vote is still open; close it first.")
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.minutes = generate_minutes(meeting)
    meeting.save(update_fields=["status", "closed_at", "minutes"])
    record(actor=actor, action="meeting.close", obj=meeting, unit=meeting.body.unit)
    return meeting
