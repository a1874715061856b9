"""A branch meeting deciding the branch's position on a motion circulated to it: the motion on
the agenda, and the position recorded from the meeting's votes (docs/cycle.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from iskra.core.errors import NotFound
from iskra.core.web import domain_view, form_view, keep_form, kept_form, post_action
from iskra.meetings import services
from iskra.meetings.forms import CirculatedMotionForm, MeetingPositionForm
from iskra.meetings.models import AgendaItem, Meeting
from iskra.meetings.permissions import can_run_meeting, load_meeting
from iskra.meetings.selectors import circulated_to, position_votes, stances_allowed
from iskra.motions.models import Position
from iskra.organisation.permissions import require


def _form_name(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}-circulated"


def position_context(request: HttpRequest, meeting: Meeting, items: list[Any]) -> dict[str, Any]:
    """What the meeting's page shows of the positions it decides: the motions circulated to the
    unit that can go on the agenda, and for each on it, its votes and the position recorded."""
    body = meeting.body
    run = can_run_meeting(request.user, body)
    on_agenda = {i.motion_id for i in items if i.motion_id}
    circulated = [i.motion for i in items if i.motion_id and i.motion.body_id != body.pk]
    decided = []
    for motion in circulated:
        vote, on_amendments = position_votes(meeting, motion)
        position = (
            Position.objects.filter(motion=motion, unit_id=body.unit_id, is_current=True)
            .select_related("meeting")
            .first()
        )
        decided.append(
            {
                "motion": motion,
                "vote": vote,
                "amendment_votes": sorted(
                    on_amendments.values(), key=lambda v: v.amendment.number if v.amendment else 0
                ),
                "position": position,
                "from_here": position is not None and position.meeting_id == meeting.pk,
            }
        )
    available = circulated_to(body).exclude(pk__in=on_agenda)
    return {
        "positions_decided": decided,
        "circulated_form": kept_form(request, _form_name(meeting), CirculatedMotionForm)
        if run and meeting.status != Meeting.Status.CLOSED
        else None,
        "circulated_available": available if run else None,
    }


@require_POST
@domain_view
def meeting_agenda_circulated(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """Put a motion circulated to the unit on the agenda (with its amendments)."""
    user = request.user
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the body's officers set its agenda.")
    back = redirect("meetings:detail", meeting_id=meeting.pk)
    form = CirculatedMotionForm(request.POST, motions=circulated_to(meeting.body))
    if not form.is_valid():
        return keep_form(request, _form_name(meeting), form, back)
    motion = form.cleaned_data["motion"]
    return post_action(
        request,
        lambda: services.add_agenda_item(
            actor=user, meeting=meeting, kind=AgendaItem.Kind.MOTION, title="", motion=motion
        ),
        then=back,
        propagate=(NotFound,),
        success=f"“{motion.title}” is on the agenda, with its amendments.",
    )


@domain_view
def meeting_position(request: HttpRequest, meeting_id: int, motion_id: int) -> HttpResponseBase:
    """Record the branch's position as the meeting voted, with the mandate for its delegates."""
    user = request.user
    meeting = load_meeting(user, meeting_id)
    require(
        can_run_meeting(user, meeting.body),
        "Only the body's secretary, chair or officers record the position its meeting took.",
    )
    item = meeting.items.filter(motion_id=motion_id).select_related("motion__body").first()
    if item is None or item.motion is None or item.motion.body_id == meeting.body_id:
        raise NotFound("That motion is not on this meeting's agenda for a position.")
    motion = item.motion
    vote, on_amendments = position_votes(meeting, motion)
    return form_view(
        request,
        MeetingPositionForm(
            request.POST or None, stances=stances_allowed(vote) if vote is not None else None
        ),
        save=lambda form: services.record_position_from_meeting(
            actor=user, meeting=meeting, motion=motion, **form.cleaned_data
        ),
        done=lambda _: redirect("meetings:detail", meeting_id=meeting.pk),
        success=f"The position of {meeting.body.unit.name} on “{motion.title}” is recorded.",
        template="meetings/position_form.html",
        context={
            "meeting": meeting,
            "motion": motion,
            "vote": vote,
            "amendment_votes": sorted(
                on_amendments.values(), key=lambda v: v.amendment.number if v.amendment else 0
            ),
            "title": f"Record {meeting.body.unit.name}'s position on “{motion.title}”",
            "submit": "Record the position",
        },
    )
