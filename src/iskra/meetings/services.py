"""Meetings: scheduling with notice, the agenda, attendance and quorum, recorded votes
(show of hands, roll call, card vote) counted by ``iskra.voting``, and minutes."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.email import send_after_commit
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.meetings.models import AgendaItem, Attendance, Ballot, CalendarFeed, Meeting, Vote
from iskra.meetings.permissions import can_run_meeting
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.motions.models import Amendment, Motion, MotionStatus
from iskra.organisation.models import Body, Organisation, SeatHolding, Unit
from iskra.organisation.permissions import require
from iskra.voting import Base, MotionRule, count_motion


def body_members(body: Body) -> QuerySet[User]:
    """Who sits in the body: every member in good standing of the unit for a general meeting,
    otherwise the current holders of its seats."""
    if body.kind == Body.Kind.GENERAL_MEETING:
        return User.objects.filter(
            membership__unit__path__startswith=body.unit.path, membership__status=Status.MEMBER
        )
    holders = SeatHolding.objects.current().filter(seat__body=body).values("holder_id")
    return User.objects.filter(pk__in=holders)


def _lock(meeting: Meeting) -> Meeting:
    """The meeting, locked for this transaction and read afresh, with its body and unit."""
    return Meeting.objects.select_for_update().select_related("body__unit").get(pk=meeting.pk)


def is_body_member(user: Any, body: Body) -> bool:
    return body_members(body).filter(pk=getattr(user, "pk", None) or 0).exists()


def motion_rule(body: Body, *, quorum: int | None = None) -> MotionRule:
    fraction = Fraction(body.majority_numerator, max(1, body.majority_denominator))
    if fraction == Fraction(1, 2) and body.majority_strict:
        name = "simple majority of votes cast"
    else:
        name = f"{'more than' if body.majority_strict else 'at least'} {fraction} of votes cast"
    return MotionRule(
        majority=fraction,
        strict=body.majority_strict,
        base=Base.CAST,
        abstentions_count=body.abstentions_count,
        quorum=quorum,
        quorum_of="present",
        name=name,
    )


@dataclass(frozen=True)
class Quorum:
    present: int
    entitled: int
    required: int

    @property
    def met(self) -> bool:
        return self.present >= self.required


def quorum(meeting: Meeting) -> Quorum:
    body = meeting.body
    entitled = body_members(body).count()
    percent = (
        body.quorum_percent
        if body.quorum_percent is not None
        else Organisation.current().default_quorum_percent
    )
    required = max(1, math.ceil(entitled * percent / 100)) if entitled else 1
    present = meeting.attendance.filter(user__in=body_members(body)).count()
    return Quorum(present=present, entitled=entitled, required=required)


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
        raise DomainError("A meeting must be called for a time in the future.")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError("A meeting must end after it starts.")
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
    record(
        actor=actor,
        action="meeting.schedule",
        obj=meeting,
        unit=body.unit,
        data={"starts_at": starts_at, "recipients": len(recipients)},
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
        if motion.body_id != meeting.body_id:
            raise DomainError("Only motions to this body can be on its agenda.")
        if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
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


def _check_can_vote_on(meeting: Meeting, motion: Motion, amendment: Amendment | None) -> Quorum:
    # Judge on the rows as they are now, not as the caller last saw them.
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if amendment is not None:
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise DomainError("Votes are taken only while the meeting is in progress.")
    if motion.body_id != meeting.body_id:
        raise DomainError("This motion is not before this body.")
    if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
        raise DomainError("This motion is not open to a vote.")
    if amendment is not None:
        if amendment.motion_id == motion.pk and amendment.status == Amendment.Status.FALLEN:
            raise DomainError(
                f"Amendment {amendment.number} has fallen: the words it changes are no longer "
                "in the motion."
            )
        if amendment.motion_id != motion.pk or amendment.status != Amendment.Status.TABLED:
            raise DomainError("This amendment is not open to a vote.")
    elif motion.amendments.filter(status=Amendment.Status.TABLED).exists():
        raise DomainError(
            "Amendments are decided before the motion: vote on the tabled amendments first."
        )
    if Vote.objects.filter(
        meeting=meeting, motion=motion, amendment=amendment, state=Vote.State.OPEN
    ).exists():
        raise DomainError("A vote on this is already open.")
    q = quorum(meeting)
    if not q.met:
        raise DomainError(
            f"The meeting is not quorate: {q.present} present, {q.required} needed. No vote can be taken."
        )
    return q


def _settle(vote: Vote, *, actor: Any, q: Quorum) -> Vote:
    """Count a vote with the body's rule and apply the outcome to the amendment or motion."""
    body = vote.meeting.body
    result = count_motion(
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        abstentions=vote.abstentions,
        present=Decimal(q.present),
        entitled=Decimal(q.entitled),
        rule=motion_rule(body, quorum=q.required),
    )
    vote.present, vote.entitled = q.present, q.entitled
    vote.carried = result.carried
    vote.result = result.to_dict()
    vote.state = Vote.State.COUNTED
    vote.counted_at = timezone.now()
    vote.save(
        update_fields=[
            "present",
            "entitled",
            "carried",
            "result",
            "state",
            "counted_at",
            "votes_for",
            "votes_against",
            "abstentions",
        ]
    )
    from iskra.motions.services import settle_amendment, transition

    if vote.amendment_id is not None and vote.amendment is not None:
        settle_amendment(actor=actor, amendment=vote.amendment, carried=result.carried)
    else:
        motion = (
            Motion.objects.select_for_update().select_related("body__unit").get(pk=vote.motion_id)
        )
        if motion.status == MotionStatus.ADMITTED:
            transition(
                motion, to=MotionStatus.IN_DISCUSSION, actor=actor, reason="Taken at a meeting"
            )
        transition(
            motion, to=MotionStatus.CARRIED if result.carried else MotionStatus.LOST, actor=actor
        )
        if result.carried:
            from iskra.decisions.services import record_decision

            record_decision(actor=actor, motion=motion, vote=vote)
    record(
        actor=actor,
        action="vote.count",
        obj=vote,
        unit=body.unit,
        data={
            "carried": result.carried,
            "for": vote.votes_for,
            "against": vote.votes_against,
            "abstain": vote.abstentions,
            "method": vote.method,
        },
    )
    return vote


@transaction.atomic
def take_show_of_hands(
    *,
    actor: Any,
    meeting: Meeting,
    motion: Motion,
    votes_for: int,
    votes_against: int,
    abstentions: int = 0,
    amendment: Amendment | None = None,
) -> Vote:
    meeting = _lock(meeting)
    require(
        can_run_meeting(actor, meeting.body), "Only the chair enters the result of a show of hands."
    )
    if meeting.body.votes_are_secret:
        raise DomainError("This body's rules require a secret vote.")
    if min(votes_for, votes_against, abstentions) < 0:
        raise DomainError("Vote figures cannot be negative.")
    q = _check_can_vote_on(meeting, motion, amendment)
    if votes_for + votes_against + abstentions > q.present:
        raise DomainError(
            f"More votes ({votes_for + votes_against + abstentions}) than members present ({q.present})."
        )
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        method=Vote.Method.SHOW_OF_HANDS,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        opened_at=timezone.now(),
        taken_by=actor,
    )
    return _settle(vote, actor=actor, q=q)


@transaction.atomic
def open_vote(
    *, actor: Any, meeting: Meeting, motion: Motion, method: str, amendment: Amendment | None = None
) -> Vote:
    """Open a roll call or card vote: each member present votes in the app, by name."""
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair opens a vote.")
    if method == Vote.Method.SECRET or meeting.body.votes_are_secret:
        raise DomainError(
            "A secret vote is taken by secret ballot: use “Put to a secret ballot” on the motion's page (a ballot of this body's members, with a scrutineer)."
        )
    if method not in {Vote.Method.ROLL_CALL, Vote.Method.CARD}:
        raise DomainError("Choose a roll call or a card vote.")
    if method == Vote.Method.CARD and meeting.body.kind not in {
        Body.Kind.CONFERENCE,
        Body.Kind.COUNCIL,
    }:
        raise DomainError("Card votes are for conferences and councils of delegates.")
    _check_can_vote_on(meeting, motion, amendment)
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        method=method,
        opened_at=timezone.now(),
        taken_by=actor,
    )
    attendees = list(meeting.attendance.values_list("user_id", flat=True))
    notify(
        users=attendees,
        kind="vote.open",
        title=f"Vote now: {vote}",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )
    record(
        actor=actor,
        action="vote.open",
        obj=vote,
        unit=meeting.body.unit,
        data={
            "method": method,
            "motion": motion.pk,
            "amendment": amendment.pk if amendment else None,
        },
    )
    return vote


def members_in_good_standing_on(unit: Unit, on: date) -> int:
    """Members in good standing in a unit and below on a date, from the membership history."""
    latest = (
        MembershipEvent.objects.filter(membership=OuterRef("pk"), at__date__lte=on)
        .order_by("-at", "-pk")
        .values("to_status")[:1]
    )
    return (
        Membership.objects.filter(unit__path__startswith=unit.path)
        .annotate(status_then=Subquery(latest))
        .filter(status_then=Status.MEMBER)
        .count()
    )


def card_weight(meeting: Meeting, user: Any) -> tuple[Decimal, Unit | None]:
    """A delegate's card: the membership of the unit their seat represents, at the snapshot date."""
    holding = (
        SeatHolding.objects.current()
        .filter(holder_id=user.pk, seat__body=meeting.body, seat__represents_unit__isnull=False)
        .select_related("seat__represents_unit")
        .first()
    )
    if holding is None or holding.seat.represents_unit is None:
        return Decimal(1), None
    unit = holding.seat.represents_unit
    on = meeting.card_vote_snapshot_on or timezone.localdate()
    return Decimal(members_in_good_standing_on(unit, on)), unit


@transaction.atomic
def cast_named_vote(*, actor: Any, vote: Vote, choice: str) -> Ballot:
    vote = Vote.objects.select_for_update().select_related("meeting__body__unit").get(pk=vote.pk)
    if vote.state != Vote.State.OPEN:
        raise DomainError("This vote is closed.")
    if choice not in Ballot.Choice.values:
        raise DomainError("Vote for, against or abstain.")
    if not vote.meeting.attendance.filter(user_id=actor.pk).exists():
        raise DomainError("Sign in to the meeting before voting.")
    if not is_body_member(actor, vote.meeting.body):
        raise DomainError("Only members of the body vote.")
    weight, unit = (Decimal(1), None)
    if vote.method == Vote.Method.CARD:
        weight, unit = card_weight(vote.meeting, actor)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                vote=vote,
                user=actor,
                choice=choice,
                weight=weight,
                represents_unit=unit,
                at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError("You have already voted on this.") from None
    record(
        actor=actor,
        action="vote.cast",
        obj=ballot,
        unit=vote.meeting.body.unit,
        data={"vote": vote.pk, "choice": choice, "weight": weight},
    )
    return ballot


@transaction.atomic
def close_vote(*, actor: Any, vote: Vote) -> Vote:
    from iskra.voting import aggregate_card_votes

    vote = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting__body__unit", "amendment", "motion")
        .get(pk=vote.pk)
    )
    require(can_run_meeting(actor, vote.meeting.body), "Only the chair closes a vote.")
    if vote.state != Vote.State.OPEN:
        raise DomainError("This vote is already counted.")
    totals = aggregate_card_votes([(b.choice, b.weight) for b in vote.ballots.all()])
    vote.votes_for = totals.votes_for
    vote.votes_against = totals.votes_against
    vote.abstentions = totals.abstentions
    return _settle(vote, actor=actor, q=quorum(vote.meeting))


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
    lines += [f"**Present ({len(present)}):** " + ", ".join(a.user.full_name for a in present), ""]
    for item in meeting.items.select_related("motion"):
        lines.append(f"### {item.position}. {item.title}")
        if item.notes:
            lines += ["", item.notes]
        votes = [
            v
            for v in meeting.votes.select_related("amendment").prefetch_related("ballots__user")
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
                    names = [b.user.full_name for b in vote.ballots.all() if b.choice == choice]
                    if names:
                        lines.append(f"  - {choice.capitalize()}: {', '.join(sorted(names))}")
        lines.append("")
    return "\n".join(lines).strip() + "\n"


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
