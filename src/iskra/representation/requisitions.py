"""Requisitions of a special meeting: members start one with the agenda they state, members
sign it; at the threshold it is valid and the body's officers must call the meeting within the
days the standing orders give them, for a date within the days to hold it. If they do not, the
worker convenes it in the requisitioners' name, with the agenda they stated — nobody can sit on
it.

The rules are the body's standing orders (``requisition_*``), copied onto the requisition when
it starts, so that a later change does not move its goalposts.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify, notify_selected
from iskra.core.web import FieldError
from iskra.core.words import visible
from iskra.meetings.models import Meeting
from iskra.meetings.services.scheduling import add_agenda_item, convene_by_rule, schedule_meeting
from iskra.members.models import Membership, Status
from iskra.organisation.models import Body, Seat, SeatHolding, Unit
from iskra.organisation.permissions import is_officer_of, require, runs_meetings_of
from iskra.representation import gathering
from iskra.representation.models import (
    Requisition,
    RequisitionEligible,
    RequisitionSignature,
    RequisitionUnitSupport,
)
from iskra.representation.services import required_signatures

MAX_AGENDA = 3_000
MAX_ITEMS = 20
MAX_REASON = 5_000
MAX_PLACE = 300
# A meeting the system convenes starts at this local time on its day.
CONVENED_AT = dt.time(19, 0)


def members_under(body: Body) -> QuerySet[Membership]:
    """Who may requisition a meeting of the body: the members in good standing in its unit and
    the units below."""
    return Membership.objects.filter(
        status=Status.MEMBER, user__is_active=True, unit__path__startswith=body.unit.path
    )


def _url(requisition: Requisition) -> str:
    return reverse("representation:requisition", args=[requisition.pk])


def _callers(body: Body) -> list[int]:
    """Who calls the body's meetings: its secretary and chair, and the officers of its unit."""
    return list(
        SeatHolding.objects.current()
        .filter(
            Q(seat__body=body, seat__role__in=[Seat.Role.SECRETARY, Seat.Role.CHAIR])
            | Q(seat__grants_officer_rights=True, seat__body__unit=body.unit)
        )
        .values_list("holder_id", flat=True)
        .distinct()
    )


def _clean_agenda(agenda: str) -> str:
    items = [line.strip() for line in agenda.splitlines() if line.strip()]
    if not items or not any(visible(item) for item in items):
        raise FieldError("agenda", "State the business of the meeting: one item per line.")
    if len(agenda) > MAX_AGENDA:
        raise FieldError("agenda", f"The agenda is too long: {MAX_AGENDA} characters at most.")
    if len(items) > MAX_ITEMS:
        raise FieldError("agenda", f"At most {MAX_ITEMS} items.")
    if any(len(item) > 200 for item in items):
        raise FieldError("agenda", "Each item is a line of at most 200 characters.")
    return "\n".join(items)


@transaction.atomic
def start_requisition(
    *, actor: Any, body: Body, agenda: str, reason: str, place: str = ""
) -> Requisition:
    """A member under the body's unit requisitions a special meeting of it, stating its
    business; starting it signs it. Who may sign is fixed today."""
    body = Body.objects.select_for_update().select_related("unit").get(pk=body.pk)
    members = members_under(body)
    actor_unit = (
        members.filter(user_id=getattr(actor, "pk", None) or 0)
        .values_list("unit_id", flat=True)
        .first()
    )
    if actor_unit is None:
        raise PermissionDenied(
            f"Only members in good standing of {body.unit.name} can requisition a meeting of "
            f"{body.name}."
        )
    agenda = _clean_agenda(agenda)
    if not visible(reason):
        raise FieldError("reason", "Say why the meeting is needed: the members will read it.")
    if len(reason) > MAX_REASON:
        raise FieldError("reason", f"The reason is too long: {MAX_REASON} characters at most.")
    if len(place) > MAX_PLACE:
        raise FieldError("place", f"The place is too long: {MAX_PLACE} characters at most.")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            requisition = Requisition.objects.create(
                body=body,
                started_by=actor,
                agenda=agenda,
                reason=reason.strip(),
                place=place.strip(),
                started_at=timezone.now(),
                closes_on=today + timedelta(days=body.requisition_period_days),
                eligible=0,
                required=1,
                spread_units=body.requisition_spread_units,
                call_days=body.requisition_call_days,
                hold_days=max(body.requisition_hold_days, body.requisition_call_days),
                units_required=body.requisition_units,
            )
    except IntegrityError:
        mine = Requisition.objects.filter(
            body=body, started_by=actor, state=Requisition.State.OPEN
        ).first()
        raise DomainError(
            f"You have a requisition of a meeting of {body.name} gathering signatures already"
            + (f" (/requisitions/{mine.pk}/)" if mine else "")
            + ": it can state several items; withdraw your signature from it to end it."
        ) from None
    eligible = gathering.fix_eligible(RequisitionEligible, requisition, members)
    requisition.eligible = eligible
    requisition.required = required_signatures(eligible, body.requisition_threshold_percent)
    requisition.save(update_fields=["eligible", "required"])
    record(
        actor=actor,
        action="requisition.start",
        obj=requisition,
        unit=body.unit,
        data={
            "body": body.pk,
            "eligible": eligible,
            "required": requisition.required,
            "spread_units": requisition.spread_units,
            "closes_on": requisition.closes_on,
            "items": len(requisition.agenda_items()),
        },
    )
    url = _url(requisition)
    notify(
        users=_callers(body),
        kind="requisition.started",
        title=f"Members are requisitioning a special meeting of {body.name}",
        url=url,
    )
    notify_selected(
        users=RequisitionEligible.objects.filter(petition=requisition)
        .exclude(user_id=actor.pk)
        .values_list("user_id", flat=True),
        kind="requisition.started",
        title=f"Requisition of a special meeting of {body.name}: sign it if you agree",
        url=url,
    )
    _sign(requisition, actor, actor_unit)
    return requisition


def _lock(requisition: Requisition) -> Requisition:
    return (
        Requisition.objects.select_for_update(of=("self",))
        .select_related("body__unit")
        .get(pk=requisition.pk)
    )


def _refuse_unless_gathering(requisition: Requisition, doing: str) -> None:
    gathering.refuse_if_lapsed(requisition, doing)
    if requisition.state != Requisition.State.OPEN:
        raise DomainError(
            f"The requisition is {requisition.get_state_display().lower()}: {doing} is over."
        )


@transaction.atomic
def sign(*, actor: Any, requisition: Requisition) -> Requisition:
    """Sign (again, after withdrawing): members under the body's unit on the day it started."""
    requisition = _lock(requisition)
    _refuse_unless_gathering(requisition, "signing")
    unit_id = gathering.eligible_unit(RequisitionEligible, requisition, actor)
    if unit_id is not None and not gathering.in_good_standing(actor):
        raise PermissionDenied(
            "Only members in good standing sign: yours has lapsed or is suspended."
        )
    if unit_id is None:
        raise PermissionDenied(
            f"Only members of {requisition.body.unit.name} on "
            f"{timezone.localtime(requisition.started_at):%-d %B %Y}, when the requisition "
            "started, can sign it."
        )
    return _sign(requisition, actor, unit_id)


def _sign(requisition: Requisition, actor: Any, unit_id: int) -> Requisition:
    gathering.add_signature(
        RequisitionSignature,
        requisition,
        actor,
        unit_id,
        action="requisition.sign",
        unit=requisition.body.unit,
        key="requisition",
    )
    if gathering.reached(RequisitionSignature, requisition):
        _make_valid(requisition)
    return requisition


@transaction.atomic
def withdraw(*, actor: Any, requisition: Requisition) -> Requisition:
    """Take a signature back, while the requisition gathers signatures."""
    requisition = _lock(requisition)
    _refuse_unless_gathering(requisition, "withdrawing a signature")
    gathering.withdraw_signature(
        RequisitionSignature,
        requisition,
        actor,
        action="requisition.withdraw",
        unit=requisition.body.unit,
        key="requisition",
    )
    if requisition.signatures == 0:
        # Nobody asks for it any more (its starter withdrew last): it ends, and its starter
        # may start another.
        requisition.state = Requisition.State.WITHDRAWN
        requisition.ended_at = timezone.now()
        requisition.save(update_fields=["state", "ended_at"])
        record(
            actor=None,
            action="requisition.withdrawn",
            obj=requisition,
            unit=requisition.body.unit,
            data={"requisition": requisition.pk},
        )
    return requisition


def supporting_units(user: Any, requisition: Requisition) -> list[Unit]:
    """The units under the body's unit this person is an officer of that could support the
    requisition by their own decision and have not yet (where its rules count units)."""
    if not requisition.units_required or requisition.state != Requisition.State.OPEN:
        return []
    from iskra.organisation.permissions import officer_paths

    paths = officer_paths(user)
    if not paths:
        return []
    body_path = requisition.body.unit.path
    done = RequisitionUnitSupport.objects.filter(requisition=requisition).values("unit_id")
    units = (
        Unit.objects.filter(path__startswith=body_path)
        .exclude(pk=requisition.body.unit_id)
        .exclude(pk__in=done)
    )
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return list(units.filter(q).order_by("path")[:100])


@transaction.atomic
def support_as_unit(
    *, actor: Any, requisition: Requisition, unit: Unit, authority: str
) -> RequisitionUnitSupport:
    """A unit under the body's unit supports the requisition by its own decision, recorded by
    one of its officers with that decision named; with enough units it is valid."""
    requisition = _lock(requisition)
    body = requisition.body
    if not unit.path.startswith(body.unit.path) or unit.pk == body.unit_id:
        # The units under the body's unit: its own officers' word is not a unit's decision.
        raise PermissionDenied(f"{unit.name} is not a unit under {body.unit.name}.")
    if not is_officer_of(actor, unit):
        raise PermissionDenied(f"Only officers of {unit.name} record its decisions.")
    if not requisition.units_required:
        raise DomainError(
            f"The standing orders of {body.name} count members' signatures, not units: the "
            "members sign it themselves."
        )
    _refuse_unless_gathering(requisition, "supporting it")
    authority = visible(authority)
    if not authority:
        raise FieldError(
            "authority", "Say which decision of the unit: e.g. 'Riverside branch meeting, 3 March'."
        )
    if len(authority) > 200:
        raise FieldError("authority", "Keep it under 200 characters.")
    try:
        with transaction.atomic():
            support = RequisitionUnitSupport.objects.create(
                requisition=requisition,
                unit=unit,
                authority=authority,
                recorded_by=actor,
                at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(f"{unit.name} already supports this requisition.") from None
    count = RequisitionUnitSupport.objects.filter(requisition=requisition).count()
    record(
        actor=actor,
        action="requisition.unit_support",
        obj=requisition,
        unit=body.unit,
        data={
            "requisition": requisition.pk,
            "unit": unit.pk,
            "authority": authority,
            "units": count,
            "units_required": requisition.units_required,
        },
    )
    if count >= requisition.units_required:
        _make_valid(requisition)
    return support


def has_signed(user: Any, requisition: Requisition) -> bool:
    return gathering.has_signed(RequisitionSignature, user, requisition)


def signed_units(requisition: Requisition) -> int:
    return gathering.signed_units(RequisitionSignature, requisition)


def _signers(requisition: Requisition) -> QuerySet[Any]:
    return RequisitionSignature.objects.filter(
        petition=requisition, withdrawn_at__isnull=True
    ).values_list("signer_id", flat=True)


def _make_valid(requisition: Requisition) -> None:
    """The threshold is reached: the clocks start."""
    today = timezone.localdate()
    requisition.state = Requisition.State.VALID
    requisition.valid_at = timezone.now()
    requisition.call_by = today + timedelta(days=requisition.call_days)
    requisition.hold_by = today + timedelta(days=requisition.hold_days)
    requisition.save(update_fields=["state", "valid_at", "call_by", "hold_by"])
    body = requisition.body
    record(
        actor=None,
        action="requisition.valid",
        obj=requisition,
        unit=body.unit,
        data={
            "requisition": requisition.pk,
            "signatures": requisition.signatures,
            "required": requisition.required,
            "call_by": requisition.call_by,
            "hold_by": requisition.hold_by,
        },
    )
    url = _url(requisition)
    notify(
        users=_callers(body),
        kind="requisition.valid",
        title=f"A requisition of a special meeting of {body.name} is valid: call it by "
        f"{requisition.call_by:%-d %B}, for a date by {requisition.hold_by:%-d %B}, or Iskra "
        "convenes it",
        url=url,
    )
    notify_selected(
        users=_signers(requisition),
        kind="requisition.valid",
        title=f"The requisition of a special meeting of {body.name} is valid: the officers must "
        f"call it by {requisition.call_by:%-d %B}",
        url=url,
    )


def latest_date(requisition: Requisition) -> dt.date:
    """The last day the meeting may be held on: the body's days to hold it, or, if the least
    notice of its meetings no longer fits in them, the first day that notice allows."""
    assert requisition.hold_by is not None
    notice = timezone.localdate() + timedelta(days=requisition.body.min_notice_days)
    return max(requisition.hold_by, notice)


def _notice(requisition: Requisition, by: str) -> str:
    n = requisition.signatures
    return (
        f"A special meeting requisitioned by {n} member{'s' if n != 1 else ''} "
        f"({requisition.required} were needed), {by}.\n\nWhy, say the requisitioners: "
        f"{requisition.reason}"
    )


@transaction.atomic
def call_meeting(
    *, actor: Any, requisition: Requisition, starts_at: dt.datetime, location: str
) -> Meeting:
    """The body's officers call the requisitioned meeting, with the stated agenda, for a date
    within the days to hold it."""
    requisition = _lock(requisition)
    body = requisition.body
    require(
        runs_meetings_of(actor, body),
        f"Only the secretary, chair or officers of {body.name} call its meetings.",
    )
    if requisition.state == Requisition.State.OPEN:
        raise DomainError("The requisition has not reached its threshold yet.")
    if requisition.state != Requisition.State.VALID:
        raise DomainError("The requisitioned meeting is already called.")
    latest = latest_date(requisition)
    try:
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        day = timezone.localtime(starts_at).date()
    except (OverflowError, ValueError):
        raise FieldError("starts_at", "Enter a real date and time for the meeting.") from None
    if day > latest:
        raise FieldError(
            "starts_at",
            f"The standing orders of {body.name} require a requisitioned meeting to be held by "
            f"{latest:%-d %B %Y}.",
        )
    meeting = schedule_meeting(
        actor=actor,
        body=body,
        title="Special meeting requisitioned by members",
        starts_at=starts_at,
        location=location or requisition.place,
        notice=_notice(requisition, "called by the officers"),
    )
    for item in requisition.agenda_items():
        add_agenda_item(actor=actor, meeting=meeting, kind="other", title=item)
    _settle(requisition, meeting, Requisition.State.CALLED, actor=actor)
    return meeting


def _settle(requisition: Requisition, meeting: Meeting, state: str, *, actor: Any) -> None:
    requisition.state = state
    requisition.meeting = meeting
    requisition.ended_at = timezone.now()
    requisition.save(update_fields=["state", "meeting", "ended_at"])
    record(
        actor=actor,
        action=f"requisition.{state}",
        obj=requisition,
        unit=requisition.body.unit,
        data={"requisition": requisition.pk, "meeting": meeting.pk},
    )
    notify_selected(
        users=_signers(requisition),
        kind=f"requisition.{state}",
        title=f"The meeting you requisitioned is {state}: "
        f"{timezone.localtime(meeting.starts_at):%-d %B %H:%M}",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )


def convene(requisition: Requisition) -> Meeting | None:
    """The officers let the days to call it pass: the meeting is convened in the
    requisitioners' name, on the last day it may be held, with the agenda they stated."""
    with transaction.atomic():
        requisition = _lock(requisition)
        today = timezone.localdate()
        if requisition.state != Requisition.State.VALID or not (
            requisition.call_by and requisition.call_by < today
        ):
            return None
        body = requisition.body
        day = latest_date(requisition)
        starts_at = timezone.make_aware(dt.datetime.combine(day, CONVENED_AT))
        if starts_at < timezone.now() + timedelta(days=body.min_notice_days):
            # Late in the day on which the least notice ends: the next evening.
            starts_at += timedelta(days=1)
        meeting = convene_by_rule(
            body=body,
            title="Special meeting requisitioned by members",
            starts_at=starts_at,
            location=requisition.place or "To be announced by the requisitioners",
            notice=_notice(
                requisition,
                f"convened by Iskra in their name because the officers did not call it by "
                f"{requisition.call_by:%-d %B %Y}",
            ),
            created_by=requisition.started_by,
            agenda=requisition.agenda_items(),
        )
        _settle(requisition, meeting, Requisition.State.CONVENED, actor=None)
        notify(
            users=_callers(body),
            kind="requisition.convened",
            title=f"The requisitioned meeting of {body.name} was not called in time: Iskra "
            "convened it",
            url=reverse("meetings:detail", args=[meeting.pk]),
        )
        return meeting


def run_clocks() -> tuple[int, int]:
    """The worker's sweep: valid requisitions past their days to call are convened;
    requisitions past their period without reaching the threshold lapse. (convened, lapsed)"""
    today = timezone.localdate()
    convened = 0
    for requisition in Requisition.objects.filter(
        state=Requisition.State.VALID, call_by__lt=today
    ).order_by("pk"):
        if convene(requisition) is not None:
            convened += 1
    lapsed = 0
    for requisition in Requisition.objects.filter(
        state=Requisition.State.OPEN, closes_on__lt=today
    ).select_related("body__unit"):
        with transaction.atomic():
            n = Requisition.objects.filter(pk=requisition.pk, state=Requisition.State.OPEN).update(
                state=Requisition.State.LAPSED, ended_at=timezone.now()
            )
            if n:
                lapsed += 1
                record(
                    actor=None,
                    action="requisition.lapsed",
                    obj=requisition,
                    unit=requisition.body.unit,
                    data={"requisition": requisition.pk, "signatures": requisition.signatures},
                )
    return convened, lapsed
