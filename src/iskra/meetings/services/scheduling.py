"""Calling a meeting with its notice, its agenda, and the calendar invitations and feeds."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.tasks import send_after_commit
from iskra.core.web import FieldError
from iskra.meetings.models import AgendaItem, CalendarFeed, Meeting
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.services.common import body_members, is_circulated_to
from iskra.meetings.signals import meeting_called
from iskra.members.models import Membership, Status
from iskra.motions.models import Motion, MotionStatus
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import require


def _ics(meeting: Meeting) -> str:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Iskra//meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(_event(meeting, Event))
    return str(cal.to_ical().decode())


def _event(meeting: Meeting, event_cls: Any) -> Any:
    event = event_cls()
    event.add("uid", f"meeting-{meeting.pk}@iskra")
    event.add("summary", f"{meeting.body.name}: {meeting.title}")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + timedelta(hours=2))
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", meeting.notice or meeting.title)
    return event


@transaction.atomic
def schedule_meeting(
    *,
    actor: Any,
    body: Body,
    title: str,
    starts_at: datetime,
    location: str = "",
    notice: str = "",
    motions: list[Motion] | None = None,
    ends_at: datetime | None = None,
) -> Meeting:
    """Call a meeting: the agenda starts with the motions before the body, and notice (with an
    iCalendar invitation) goes to everyone who sits in it."""
    require(
        can_run_meeting(actor, body),
        "Only the body's secretary, chair or officers call its meetings.",
    )
    if not title.strip():
        raise DomainError("A meeting needs a title.")
    if starts_at <= timezone.now():
        raise FieldError(
            "starts_at",
            "A meeting must be called for a time in the future. To record a meeting held "
            "earlier, use “Record a meeting held earlier”.",
        )
    check_notice(body, starts_at)
    if ends_at is not None and ends_at <= starts_at:
        raise FieldError("ends_at", "A meeting must end after it starts.")
    meeting = Meeting.objects.create(
        body=body,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        notice=notice.strip(),
        created_by=actor,
        notice_sent_at=timezone.now(),
    )
    for motion in motions or []:
        add_agenda_item(
            actor=actor,
            meeting=meeting,
            kind=AgendaItem.Kind.MOTION,
            title=motion.title,
            motion=motion,
        )
    recipients = _send_notice(meeting)
    meeting_called.send(sender=Meeting, meeting=meeting)
    record(
        actor=actor,
        action="meeting.schedule",
        obj=meeting,
        unit=body.unit,
        data={"starts_at": starts_at, "recipients": recipients},
    )
    return meeting


def _send_notice(meeting: Meeting) -> int:
    """Notice of the meeting, with an iCalendar invitation, to everyone who sits in its body;
    how many."""
    body, starts_at = meeting.body, meeting.starts_at
    recipients = list(body_members(body).values_list("pk", "email", "full_name"))
    url = reverse("meetings:detail", args=[meeting.pk])
    notify(
        users=[pk for pk, _, _ in recipients],
        kind="meeting.notice",
        title=f"{body.name} meets {timezone.localtime(starts_at):%-d %b %H:%M}: {meeting.title}",
        url=url,
    )
    ics = _ics(meeting)
    for _, email, name in recipients:
        send_after_commit(
            to=email,
            template="meetings/email/notice",
            context={
                "name": name,
                "body": body.name,
                "title": meeting.title,
                "starts_at": timezone.localtime(starts_at).strftime("%A %-d %B %Y, %H:%M"),
                "location": meeting.location,
                "notice": meeting.notice,
                "url": url,
            },
            attachments=[("invite.ics", ics, "text/calendar")],
        )
    return len(recipients)


@transaction.atomic
def convene_by_rule(
    *,
    body: Body,
    title: str,
    starts_at: datetime,
    location: str,
    notice: str,
    created_by: User,
    agenda: list[str],
) -> Meeting:
    """Convene a meeting that the standing orders call, nobody's decision (a requisition whose
    officers did not call it): the agenda as stated, notice to everyone who sits in the body.
    The caller writes the audit entry that says why."""
    meeting = Meeting.objects.create(
        body=body,
        title=title,
        starts_at=starts_at,
        location=location,
        notice=notice,
        created_by=created_by,
        notice_sent_at=timezone.now(),
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, kind=AgendaItem.Kind.OTHER, title=item[:200])
        for n, item in enumerate(agenda, start=1)
    )
    _send_notice(meeting)
    meeting_called.send(sender=Meeting, meeting=meeting)
    return meeting


def check_notice(body: Body, starts_at: datetime) -> None:
    """The body's standing orders set the least notice of its meetings (``min_notice_days``)."""
    days = body.min_notice_days
    earliest = timezone.now() + timedelta(days=days)
    if starts_at < earliest:
        raise FieldError(
            "starts_at",
            f"The standing orders of {body.name} require {days} day{'s' if days != 1 else ''}' "
            f"notice of a meeting: the earliest it can be called for now is "
            f"{timezone.localtime(earliest):%-d %B %Y, %H:%M}.",
        )


@transaction.atomic
def record_meeting(
    *,
    actor: Any,
    body: Body,
    title: str,
    starts_at: datetime,
    location: str = "",
    notes: str = "",
    motions: list[Motion] | None = None,
) -> Meeting:
    """Record a meeting held earlier (offline): no notice is sent; it is in progress on the
    record so that the secretary enters its attendance and votes, then closes it for the
    minutes."""
    require(
        can_run_meeting(actor, body),
        "Only the body's secretary, chair or officers record its meetings.",
    )
    if not title.strip():
        raise FieldError("title", "A meeting needs a title.")
    if starts_at > timezone.now():
        raise FieldError(
            "starts_at",
            "A meeting recorded after the fact was held in the past; to call one, use "
            "“Call a meeting”.",
        )
    meeting = Meeting.objects.create(
        body=body,
        title=title.strip(),
        starts_at=starts_at,
        location=location.strip(),
        notice=notes.strip(),
        created_by=actor,
        recorded_after=True,
        status=Meeting.Status.IN_PROGRESS,
        opened_at=starts_at,
    )
    for motion in motions or []:
        add_agenda_item(
            actor=actor,
            meeting=meeting,
            kind=AgendaItem.Kind.MOTION,
            title=motion.title,
            motion=motion,
        )
    record(
        actor=actor,
        action="meeting.record",
        obj=meeting,
        unit=body.unit,
        data={"starts_at": starts_at, "held_offline": True},
    )
    return meeting


@transaction.atomic
def add_agenda_item(
    *,
    actor: Any,
    meeting: Meeting,
    kind: str,
    title: str,
    motion: Motion | None = None,
    notes: str = "",
) -> AgendaItem:
    require(can_run_meeting(actor, meeting.body), "Only the body's officers set its agenda.")
    if meeting.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    if kind not in AgendaItem.Kind.values:
        raise DomainError("Choose the kind of item.")
    if kind == AgendaItem.Kind.MOTION:
        if motion is None:
            raise DomainError("Choose the motion.")
        motion = Motion.objects.get(pk=motion.pk)
        if is_circulated_to(meeting.body, motion):
            # A higher body's motion circulated for discussion: the meeting decides the unit's
            # position on it (and on its amendments).
            if motion.status != MotionStatus.IN_DISCUSSION:
                raise DomainError("The discussion of this motion is over.")
            if meeting.items.filter(motion=motion).exists():
                raise DomainError("This motion is already on the agenda.")
        elif motion.body_id != meeting.body_id:
            raise DomainError(
                "Only motions to this body, or motions circulated to its unit for discussion, "
                "can be on its agenda."
            )
        elif motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
            raise DomainError("Only admitted motions can be put on the agenda.")
        title = title or motion.title
    if not title.strip():
        raise DomainError("An agenda item needs a title.")
    position = (meeting.items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=kind,
        title=title.strip(),
        motion=motion,
        notes=notes,
    )
    record(
        actor=actor,
        action="meeting.agenda",
        obj=item,
        unit=meeting.body.unit,
        data={"meeting": meeting.pk, "motion": motion.pk if motion else None},
    )
    return item


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_for(user: User) -> str:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Iskra//meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Iskra meetings")
    seat_bodies = SeatHolding.objects.current().filter(holder=user).values("seat__body_id")
    membership = (
        Membership.objects.filter(user=user, status=Status.MEMBER).select_related("unit").first()
    )
    meetings = Meeting.objects.filter(body_id__in=seat_bodies)
    if membership is not None:
        general = Body.objects.filter(
            kind=Body.Kind.GENERAL_MEETING, unit_id__in=membership.unit.ancestor_ids
        )
        meetings = meetings | Meeting.objects.filter(body__in=general)
    for meeting in meetings.select_related("body").order_by("-starts_at")[:200]:
        cal.add_component(_event(meeting, Event))
    return str(cal.to_ical().decode())
