"""Who may run a meeting, attend it and vote in it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from iskra.core.errors import NotFound
from iskra.meetings.models import Meeting, Vote
from iskra.members.models import ACTIVE_STATUSES
from iskra.motions.permissions import _membership, can_view_motion, in_scope, is_active_member
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import officer_paths, officer_scope_q, runs_meetings_of


def can_run_meeting(user: Any, body: Body) -> bool:
    # The secretary or chair of the body, or an officer of its unit, runs its meetings (the
    # rule is organisation's, so that the body's page can offer "Call a meeting").
    return runs_meetings_of(user, body)


def sits_on_body(user: Any, body: Body) -> bool:
    return (
        SeatHolding.objects.current()
        .filter(holder_id=getattr(user, "pk", None), seat__body=body)
        .exists()
    )


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    # Meetings and their recorded votes are visible to the members the body answers to: those
    # whose branch lies within the body's unit, those who sit on it, and officers of the unit
    # or above. Another branch's meetings are not found (docs/organisation.md).
    body = meeting.body
    return (
        bool(getattr(user, "is_superuser", False))
        or in_scope(user, body)
        or can_run_meeting(user, body)
        or sits_on_body(user, body)
    )


def visible_meetings_q(user: Any) -> Q:
    """A filter on meetings keeping those this person may see (the rule of can_view_meeting)."""
    if getattr(user, "is_superuser", False):
        return Q(pk__isnull=False)
    condition = Q(pk__in=[])
    membership = _membership(user)
    if membership is not None and membership.status in ACTIVE_STATUSES:
        # The body's unit is the member's branch or one of the units above it.
        path = membership.unit.path
        ancestors = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
        condition |= Q(body__unit__path__in=ancestors)
    paths = officer_paths(user)
    if paths:
        condition |= officer_scope_q(user, "body__unit__path")
    seats = SeatHolding.objects.current().filter(holder_id=getattr(user, "pk", None))
    condition |= Q(body_id__in=seats.values("seat__body_id"))
    return condition


def can_list_meetings(user: Any) -> bool:
    # Members, and officers who run meetings; each sees only the meetings they may open.
    from iskra.organisation.permissions import is_any_officer

    return (
        bool(getattr(user, "is_superuser", False)) or is_active_member(user) or is_any_officer(user)
    )


def load_meeting(user: Any, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("body__unit").filter(pk=meeting_id).first()
    if meeting is None or not can_view_meeting(user, meeting):
        raise NotFound("No such meeting.")
    return meeting


def load_vote(user: Any, vote_id: int) -> Vote:
    """A vote taken in a meeting the person may see; "not found" otherwise."""
    vote = Vote.objects.select_related("meeting__body__unit").filter(pk=vote_id).first()
    if vote is None:
        raise NotFound("No such vote.")
    vote.meeting = load_meeting(user, vote.meeting_id)
    return vote


__all__ = [
    "can_run_meeting",
    "can_view_meeting",
    "can_view_motion",
    "load_meeting",
    "load_vote",
    "visible_meetings_q",
]
