"""Roles and shifts at an event (stewards, speakers, 9 to 11 on the picket line): the organisers
add them; members sign up (which also says they are coming) until a shift has the people it
needs; the page shows who does what. A shift's places are counted under a lock on its row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.campaigns import services
from iskra.campaigns.models import Event, Rsvp, Shift, ShiftSignup
from iskra.campaigns.permissions import can_organise, can_see
from iskra.core.errors import DomainError, NotFound
from iskra.core.words import visible
from iskra.motions.permissions import is_active_member
from iskra.organisation.permissions import require
from iskra.press.services import FieldError


def add_shift(
    *,
    actor: Any,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    needed: int,
) -> Shift:
    require(can_organise(actor, event.unit), "Only the event's organisers add its shifts.")
    title = title.strip()
    if not visible(title):
        raise FieldError("title", "Name the role or the shift, e.g. Steward, 9 to 11.")
    if not 1 <= needed <= 1000:
        raise FieldError("needed", "Say how many people it needs (1 to 1 000).")
    if ends_at <= starts_at:
        raise FieldError("ends_at", "It ends after it starts.")
    # Setting up before and clearing up after are part of the event: a day either side.
    if starts_at < event.starts_at - timedelta(days=1) or ends_at > event.ends_at + timedelta(
        days=1
    ):
        raise FieldError("starts_at", "A shift is within the event's day (or the day either side).")
    if event.cancelled_at is not None:
        raise DomainError("This event is called off.")
    with transaction.atomic():
        shift = Shift.objects.create(
            event=event,
            title=title[:120],
            starts_at=starts_at,
            ends_at=ends_at,
            needed=needed,
            created_at=timezone.now(),
        )
        record(
            actor=actor,
            action="event.shift.add",
            obj=event,
            unit=event.unit,
            data={"shift": shift.pk, "title": shift.title, "needed": needed},
        )
    return shift


def sign_up(*, actor: Any, shift: Shift) -> ShiftSignup:
    """A member takes a place on a shift (and is on the event's list, if they were not)."""
    require(is_active_member(actor), "Members in good standing sign up for shifts.")
    if not can_see(actor, shift.event):
        raise NotFound("No such shift.")
    with transaction.atomic():
        locked = (
            Shift.objects.select_for_update(of=("self",))
            .select_related("event__unit")
            .get(pk=shift.pk)
        )
        event = locked.event
        if event.cancelled_at is not None:
            raise DomainError("This event is called off.")
        if locked.ends_at <= timezone.now():
            raise DomainError("This shift is over.")
        mine = ShiftSignup.objects.filter(shift=locked, user=actor).first()
        if mine is not None:
            return mine
        if locked.signups.count() >= locked.needed:
            raise DomainError(f"“{locked.title}” has the {locked.needed} it needs: choose another.")
        signup = ShiftSignup.objects.create(shift=locked, user=actor, created_at=timezone.now())
        rsvp = Rsvp.objects.filter(event=event, user=actor).first()
        if rsvp is None or rsvp.status == Rsvp.Status.CANCELLED:
            services.rsvp_member(actor=actor, event=event)
        record(
            actor=actor,
            action="event.shift.sign_up",
            obj=event,
            unit=event.unit,
            data={"shift": locked.pk},
        )
    return signup


def leave(*, actor: Any, shift: Shift) -> None:
    with transaction.atomic():
        deleted, _ = ShiftSignup.objects.filter(shift=shift, user=actor).delete()
        if not deleted:
            raise NotFound("You were not on that shift.")
        record(
            actor=actor,
            action="event.shift.leave",
            obj=shift.event,
            unit=shift.event.unit,
            data={"shift": shift.pk},
        )


def rota(event: Event) -> list[dict[str, Any]]:
    """The event's shifts with who is on each (names, for members and organisers)."""
    rows = []
    for shift in event.shifts.prefetch_related("signups__user"):
        people = [s.user for s in shift.signups.all()]
        rows.append(
            {
                "shift": shift,
                "people": people,
                "ids": {p.pk for p in people},
                "left": max(0, shift.needed - len(people)),
            }
        )
    return rows
