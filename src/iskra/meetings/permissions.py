"""Who may run a meeting, attend it and vote in it."""

from __future__ import annotations

from typing import Any

from iskra.core.errors import NotFound
from iskra.meetings.models import Meeting
from iskra.motions.permissions import can_view_motion, is_active_member
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import is_officer_of


def can_run_meeting(user: Any, body: Body) -> bool:
    # The secretary or chair of the body, or an officer of its unit, runs its meetings.
    if is_officer_of(user, body.unit):
        return True
    return (
        SeatHolding.objects.current()
        .filter(
            holder_id=getattr(user, "pk", None),
            seat__body=body,
            seat__role__in=["secretary", "chair"],
        )
        .exists()
    )


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    # Meetings and their recorded votes are visible to the members the body answers to.
    return (
        getattr(user, "is_superuser", False)
        or is_active_member(user)
        or can_run_meeting(user, meeting.body)
    )


def can_list_meetings(user: Any) -> bool:
    # The same rule as a meeting's own page: members, and officers who run meetings.
    from iskra.organisation.permissions import is_any_officer

    return (
        bool(getattr(user, "is_superuser", False)) or is_active_member(user) or is_any_officer(user)
    )


def load_meeting(user: Any, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("body__unit").filter(pk=meeting_id).first()
    if meeting is None or not can_view_meeting(user, meeting):
        raise NotFound("No such meeting.")
    return meeting


__all__ = ["can_run_meeting", "can_view_meeting", "can_view_motion", "load_meeting"]
