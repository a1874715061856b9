"""Minutes: drafted from the record, saved, approved at a later meeting."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.meetings.models import Ballot, Meeting, Vote
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.services.common import _lock
from iskra.motions.models import Motion, Position
from iskra.organisation.permissions import require


def generate_minutes(meeting: Meeting) -> str:
    """Draft minutes from the record, in Markdown, for the secretary to edit."""
    body = meeting.body
    present = list(meeting.attendance.select_related("user").order_by("user__full_name"))
    lines = [
        # The minutes sit under the meeting page's own title, so they start one level down.
        f"## {body.name}: {meeting.title}",
        "",
        f"{timezone.localtime(meeting.starts_at):%A %-d %B %Y, %H:%M}"
        + (f", {meeting.location}" if meeting.location else ""),
        "",
    ]
    if meeting.recorded_after:
        lines += ["*Held offline; recorded afterwards by the secretary.*", ""]
    if meeting.opened_early_reason:
        lines += [
            f"*Opened before its time ({timezone.localtime(meeting.opened_at or meeting.starts_at):%H:%M}): "
            f"{meeting.opened_early_reason}*",
            "",
        ]
    lines += [f"**Present ({len(present)}):** " + ", ".join(a.user.full_name for a in present), ""]
    # Present by proxy: their proxy was here (a proxy who was absent represented nobody).
    proxies = meeting.proxies.filter(
        state="appointed", holder_id__in=[a.user_id for a in present]
    ).select_related("member", "holder")
    by_proxy = sorted(f"{p.member.full_name} (proxy: {p.holder.full_name})" for p in proxies)
    if by_proxy:
        lines += [f"**By proxy ({len(by_proxy)}):** " + ", ".join(by_proxy), ""]
    apologies = meeting.replies.filter(answer="apologies").exclude(
        user_id__in=[a.user_id for a in present]
    )
    names = sorted(r.user.full_name for r in apologies.select_related("user"))
    if names:
        lines += [f"**Apologies ({len(names)}):** " + ", ".join(names), ""]
    for item in meeting.items.select_related("motion"):
        lines.append(f"### {item.position}. {item.title}")
        if item.notes:
            lines += ["", item.notes]
        votes = [
            v
            for v in meeting.votes.select_related("amendment").prefetch_related(
                "ballots__user", "ballots__cast_by"
            )
            if item.motion_id and v.motion_id == item.motion_id
        ]
        for vote in votes:
            subject = f"Amendment {vote.amendment.number}" if vote.amendment else "The motion"
            outcome = "carried" if vote.carried else "lost" if vote.carried is False else "open"
            lines.append("")
            lines.append(
                f"- {subject}: {vote.get_method_display().lower()}, for {vote.votes_for.normalize():f}, against {vote.votes_against.normalize():f}, abstentions {vote.abstentions.normalize():f} — **{outcome}**."
            )
            if vote.method in {Vote.Method.ROLL_CALL, Vote.Method.CARD}:
                for choice in ("for", "against", "abstain"):
                    names = [_voter(b) for b in vote.ballots.all() if b.choice == choice]
                    if names:
                        lines.append(f"  - {choice.capitalize()}: {', '.join(sorted(names))}")
                splits = [
                    f"{_voter(b)} ({b.split_words})"
                    for b in vote.ballots.all()
                    if b.choice == "split"
                ]
                if splits:
                    lines.append(f"  - Split cards: {', '.join(sorted(splits))}")
        lines += _position_line(meeting, item.motion)
        lines.append("")
    return "\n".join(lines).strip() + "\n"


def _voter(ballot: Ballot) -> str:
    """A named vote's voter, for the minutes: "Ann Lee (by proxy: Bo Ray)" when cast by proxy."""
    name = ballot.user.full_name
    return f"{name} (by proxy: {ballot.cast_by.full_name})" if ballot.cast_by else name


def _position_line(meeting: Meeting, motion: Motion | None) -> list[str]:
    """For a motion circulated to the unit, the position the meeting recorded on it."""
    if motion is None or motion.body_id == meeting.body_id:
        return []
    position = Position.objects.filter(
        motion=motion, unit_id=meeting.body.unit_id, meeting=meeting, is_current=True
    ).first()
    if position is None:
        return []
    amendments = "".join(
        f"; amendment {a['number']}: {a['stance']}" for a in position.amendment_stances
    )
    note = f" ({position.mandate_note})" if position.mandate_note else ""
    return [
        "",
        f"**Position of {meeting.body.unit.name}:** {position.get_stance_display().lower()}"
        f"{amendments}; {position.get_mandate_display().lower()}{note}.",
    ]


@transaction.atomic
def save_minutes(*, actor: Any, meeting: Meeting, text: str) -> Meeting:
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the secretary edits the minutes.")
    if meeting.minutes_approved_at is not None:
        raise DomainError("Approved minutes cannot be changed.")
    if meeting.status != Meeting.Status.CLOSED:
        raise DomainError("Minutes are written after the meeting closes.")
    meeting.minutes = text
    meeting.save(update_fields=["minutes"])
    record(actor=actor, action="meeting.minutes", obj=meeting, unit=meeting.body.unit)
    return meeting


@transaction.atomic
def approve_minutes(*, actor: Any, meeting: Meeting, at_meeting: Meeting) -> Meeting:
    """The next meeting of the body approves the previous one's minutes."""
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair records the approval of minutes.")
    if at_meeting.body_id != meeting.body_id or at_meeting.starts_at <= meeting.starts_at:
        raise DomainError("Minutes are approved at a later meeting of the same body.")
    if at_meeting.status != Meeting.Status.IN_PROGRESS:
        raise DomainError("Minutes are approved while the later meeting is in progress.")
    if meeting.status != Meeting.Status.CLOSED or meeting.minutes_approved_at is not None:
        raise DomainError("These minutes are not awaiting approval.")
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_at_meeting = at_meeting
    meeting.save(update_fields=["minutes_approved_at", "minutes_approved_at_meeting"])
    record(
        actor=actor,
        action="meeting.minutes_approved",
        obj=meeting,
        unit=meeting.body.unit,
        data={"at_meeting": at_meeting.pk},
    )
    return meeting
