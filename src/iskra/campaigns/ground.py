"""At the door and after: checking people in (from the list or their QR code), walk-ins, and
the organiser's report from the ground, which feeds the event's action's report-back."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.campaigns.models import Event, EventReport, Rsvp
from iskra.campaigns.permissions import can_organise
from iskra.campaigns.services import MAX_TEXT, one_line, places_left
from iskra.core.errors import DomainError
from iskra.decisions.models import Action
from iskra.decisions.services import report_back
from iskra.organisation.permissions import require
from iskra.press.sales import parse_money
from iskra.press.services import FieldError, clean_email

Status = Rsvp.Status
# Which of a report's figures an action's measure counts ("leaflets", "papers sold"...); any
# other measure counts the people there.
MEASURES: tuple[tuple[str, str], ...] = (
    ("leaflet", "leaflets"),
    ("paper", "papers_sold"),
    ("contact", "contacts"),
)


def check_in(*, actor: Any, rsvp: Rsvp) -> Rsvp:
    """Tick someone in at the door (from the list, or from their QR code). Twice is refused,
    saying when and by whom; someone on the waiting list comes in if there is room."""
    require(can_organise(actor, rsvp.event.unit), "Only the event's organisers check people in.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
        rsvp = (
            Rsvp.objects.select_for_update(of=("self",))
            .select_related("checked_in_by")
            .get(pk=rsvp.pk)
        )
        if event.cancelled_at is not None:
            raise DomainError("This event is called off.")
        if rsvp.checked_in_at is not None:
            by = rsvp.checked_in_by.full_name if rsvp.checked_in_by else "someone"
            at = timezone.localtime(rsvp.checked_in_at)
            raise DomainError(f"{rsvp.name} is already checked in (at {at:%H:%M}, by {by}).")
        if rsvp.status == Status.CANCELLED:
            raise DomainError(f"{rsvp.name} said they were not coming: add them as a walk-in.")
        if rsvp.status in (Status.WAITING, Status.PENDING):
            left = places_left(event)
            if left is not None and left <= 0:
                raise DomainError(f"{rsvp.name} has no place yet and the event is full.")
            rsvp.status = Status.GOING
        rsvp.checked_in_at, rsvp.checked_in_by = timezone.now(), actor
        rsvp.save(update_fields=["status", "checked_in_at", "checked_in_by"])
        record(actor=actor, action="event.check_in", obj=event, unit=event.unit)
    return rsvp


def add_walk_in(
    *,
    actor: Any,
    event: Event,
    name: str,
    email: str = "",
    phone: str = "",
    consent: bool = False,
) -> Rsvp:
    """Someone who came without an RSVP, checked in at once (the organiser decides whether a
    full room takes them). Their address is kept only with their consent."""
    require(can_organise(actor, event.unit), "Only the event's organisers check people in.")
    name = one_line(name, "name", "Give their name.")
    address = clean_email(email)  # refused if it is not one, kept only with their consent
    address = address if consent else ""
    phone = phone.strip() if consent else ""
    if any(c in phone for c in "\r\n") or len(phone) > 40:
        raise FieldError("phone", "Give the phone number on one line.")
    now = timezone.now()
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            if event.cancelled_at is not None:
                raise DomainError("This event is called off.")
            rsvp = Rsvp.objects.create(
                event=event,
                name=name[:120],
                email=address,
                phone=phone,
                consent=consent,
                status=Status.GOING,
                queued_at=now,
                walk_in=True,
                checked_in_at=now,
                checked_in_by=actor,
                token=secrets.token_urlsafe(32),
                door_code=secrets.token_urlsafe(32),
                created_at=now,
            )
            record(actor=actor, action="event.walk_in", obj=event, unit=event.unit)
    except IntegrityError:
        raise FieldError("email", "Someone with that address is on the list: tick them.") from None
    return rsvp


# ---- the report from the ground ---------------------------------------------------------------


def _figure(action: Action, report: EventReport) -> int:
    measure = action.measure.lower()
    for word, field in MEASURES:
        if word in measure:
            return int(getattr(report, field))
    return report.attendance


def report_event(
    *,
    actor: Any,
    event: Event,
    attendance: int,
    leaflets: int = 0,
    papers_sold: int = 0,
    contacts: int = 0,
    money: Any = "0",
    account: str = "",
) -> EventReport:
    """The organiser's report once the event has started: the figures and a short account. With
    an action, the figure its measure counts is reported back on it (a second report corrects
    the first)."""
    require(can_organise(actor, event.unit), "Only the event's organisers report on it.")
    if event.starts_at > timezone.now():
        raise DomainError("Report on the event once it has started.")
    if event.cancelled_at is not None:
        raise DomainError("This event was called off: there is nothing to report.")
    figures = {
        "attendance": attendance,
        "leaflets": leaflets,
        "papers_sold": papers_sold,
        "contacts": contacts,
    }
    for field, value in figures.items():
        if not isinstance(value, int) or not 0 <= value <= 1_000_000:
            raise FieldError(field, "Give a number, 0 or more.")
    cash = parse_money(money, "money")
    if len(account) > MAX_TEXT:
        raise FieldError("account", f"Keep the account to {MAX_TEXT:,} characters.")
    with transaction.atomic():
        earlier = EventReport.objects.select_for_update().filter(event=event).first()
        report = earlier or EventReport(event=event)
        for field, value in figures.items():
            setattr(report, field, value)
        report.money, report.account = cash, account.strip()
        report.reported_by, report.reported_at = actor, timezone.now()
        if event.action is not None:
            report.action_report = report_back(
                actor=actor,
                action=event.action,
                figure=_figure(event.action, report),
                text=f"{event.title} ({timezone.localtime(event.starts_at):%-d %B %Y}): "
                f"{attendance} there. {report.account}".strip()[:2000],
                corrects=earlier.action_report if earlier else None,
            )
        report.save()
        record(
            actor=actor,
            action="event.report.correct" if earlier else "event.report",
            obj=event,
            unit=event.unit,
            data={**figures, "money": str(cash), "currency": settings.CURRENCY},
        )
    return report
