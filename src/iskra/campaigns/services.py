"""Campaigns and events: making them, RSVPs with a waiting list that moves up, check-in at the
door, cancellation notices, reminders, and the report from the ground that feeds the action's
report-back. Every write is one transaction; an event's places are counted under a lock on its
row, so two people taking the last place get one place and one waiting-list spot."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from iskra.audit.services import record
from iskra.campaigns.models import Campaign, Event, Rsvp
from iskra.campaigns.permissions import can_organise, can_see
from iskra.core.errors import DomainError, NotFound
from iskra.core.markdown import render_markdown
from iskra.core.tasks import send_after_commit
from iskra.core.words import visible
from iskra.decisions.models import Action
from iskra.decisions.permissions import can_report
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Unit
from iskra.organisation.permissions import require
from iskra.press.services import FieldError, clean_email

Status = Rsvp.Status
MAX_CAPACITY = 100_000
MAX_TEXT = 20_000
# Reminders go this long before an event starts.
REMIND_BEFORE = timedelta(hours=24)


def _event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("campaigns:event", args=[event.pk])


def _about(event: Event) -> dict[str, str]:
    """The event as an email's template reads it (plain values: the email is queued as JSON)."""
    return {
        "title": event.title,
        "when": f"{timezone.localtime(event.starts_at):%A %-d %B %Y, %H:%M}",
        "place": event.place,
        "cancel_reason": event.cancel_reason,
    }


def _rsvp_url(rsvp: Rsvp) -> str:
    return settings.SITE_URL + reverse("campaigns:rsvp", args=[rsvp.token])


# ---- campaigns and events ---------------------------------------------------------------------


def create_campaign(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    summary: str = "",
    is_public: bool = False,
    actions: list[Action] | None = None,
) -> Campaign:
    require(can_organise(actor, unit), f"Only officers of {unit.name} start its campaigns.")
    name = one_line(name, "name", "Give the campaign a name.")
    for action in actions or []:
        # A decision's action for this unit, a unit above it or one below it: not a sibling's.
        path = action.unit.path if action.unit else ""
        if not path or not (unit.path.startswith(path) or path.startswith(unit.path)):
            raise FieldError("actions", f"“{action.title}” is not an action of {unit.name}'s line.")
    if len(summary) > MAX_TEXT:
        raise FieldError("summary", f"Keep the summary to {MAX_TEXT:,} characters.")
    stem = (slugify(name, allow_unicode=True) or "campaign")[:70].strip("-") or "campaign"
    slug, n = stem, 1
    while Campaign.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{stem}-{n}"
    with transaction.atomic():
        campaign = Campaign.objects.create(
            unit=unit,
            name=name[:120],
            slug=slug,
            summary=summary,
            summary_html=str(render_markdown(summary)),
            is_public=is_public,
            created_by=actor,
            created_at=timezone.now(),
        )
        if actions:
            campaign.actions.set(actions)
        record(actor=actor, action="campaign.create", obj=campaign, unit=unit, data={"name": name})
    return campaign


def one_line(value: str, field: str, message: str) -> str:
    """A short text that goes into emails' subjects and greetings: no line breaks or other
    control characters, not empty."""
    value = visible(value)
    if not value:
        raise FieldError(field, message)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise FieldError(field, "Keep it on one line.")
    return value


def aware(moment: datetime) -> datetime:
    """A time without a zone is the organisation's local time (the API may send one)."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _check_event(
    *,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str,
    capacity: int | None,
) -> tuple[str, str]:
    if kind not in Event.Kind.values:
        raise FieldError("kind", "Choose what kind of event it is.")
    title = one_line(title, "title", "Give the event a title.")
    place = one_line(place, "place", "Say where it is.")
    if len(description) > MAX_TEXT:
        raise FieldError("description", f"Keep it to {MAX_TEXT:,} characters.")
    now = timezone.now()
    if starts_at < now - timedelta(days=1):
        raise FieldError("starts_at", "An event starts in the future.")
    if starts_at > now + timedelta(days=731):
        raise FieldError("starts_at", "Plan events up to two years ahead; check the year.")
    if ends_at <= starts_at:
        raise FieldError("ends_at", "It ends after it starts.")
    if ends_at - starts_at > timedelta(days=14):
        raise FieldError("ends_at", "An event lasts at most two weeks: a campaign lasts longer.")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise FieldError("capacity", "Give the number of places (1 or more), or leave it empty.")
    return title[:160], place[:200]


def create_event(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    capacity: int | None = None,
    is_public: bool = False,
    campaign: Campaign | None = None,
    action: Action | None = None,
) -> Event:
    require(can_organise(actor, unit), f"Only officers of {unit.name} organise its events.")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    title, place = _check_event(
        kind=kind,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        capacity=capacity,
    )
    now = timezone.now()
    if campaign is not None and not unit.path.startswith(campaign.unit.path):
        raise FieldError("campaign", "Choose a campaign of this unit or of a unit above it.")
    if action is not None and not can_report(actor, action):
        raise FieldError("action", "Choose an action you report on (of this unit or for you).")
    with transaction.atomic():
        event = Event.objects.create(
            unit=unit,
            campaign=campaign,
            action=action,
            kind=kind,
            title=title[:160],
            description=description,
            description_html=str(render_markdown(description)),
            place=place[:200],
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            is_public=is_public,
            created_by=actor,
            created_at=now,
        )
        record(
            actor=actor,
            action="event.create",
            obj=event,
            unit=unit,
            data={"title": event.title, "starts_at": starts_at.isoformat(), "kind": kind},
        )
    return event


def _tell_everyone(event: Event, template: str, *, skip: set[int] | None = None) -> int:
    """Email everyone coming or waiting (after commit); how many were told."""
    told = 0
    for rsvp in event.rsvps.filter(status__in=[Status.GOING, Status.WAITING]).exclude(email=""):
        if skip and rsvp.pk in skip:
            continue
        send_after_commit(
            to=rsvp.email,
            template=f"campaigns/email/{template}",
            context={"name": rsvp.name, "event": _about(event), "url": _rsvp_url(rsvp)},
        )
        told += 1
    return told


def change_event(
    *,
    actor: Any,
    event: Event,
    kind: str,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    capacity: int | None = None,
    is_public: bool = False,
) -> Event:
    """Change an event; when its time or place changes, everyone coming or waiting is told.
    More places move the waiting list up; fewer take nobody's place away."""
    require(can_organise(actor, event.unit), "Only the event's organisers change it.")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    title, place = _check_event(
        kind=kind,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        capacity=capacity,
    )
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.cancelled_at is not None:
            raise DomainError("This event is called off.")
        moved = (event.starts_at, event.ends_at, event.place) != (starts_at, ends_at, place)
        event.kind, event.title, event.place = kind, title, place
        event.starts_at, event.ends_at, event.capacity = starts_at, ends_at, capacity
        event.description = description
        event.description_html = str(render_markdown(description))
        event.is_public = is_public
        if moved:
            event.reminded_at = None  # a reminder for the new time
        event.save()
        up = _move_up(event)
        # Those just moved up are told already that a place is theirs, at the new time.
        told = _tell_everyone(event, "changed", skip={r.pk for r in up}) if moved else 0
        record(
            actor=actor,
            action="event.change",
            obj=event,
            unit=event.unit,
            data={"moved": moved, "told": told, "moved_up": len(up)},
        )
    return event


def cancel_event(*, actor: Any, event: Event, reason: str) -> Event:
    """Call it off: everyone coming or waiting is told, with the reason."""
    require(can_organise(actor, event.unit), "Only the event's organisers call it off.")
    if not visible(reason):
        raise FieldError("reason", "Say why, for the people coming.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.cancelled_at is not None:
            raise DomainError("It is already called off.")
        event.cancelled_at, event.cancel_reason = timezone.now(), reason.strip()[:300]
        event.save(update_fields=["cancelled_at", "cancel_reason"])
        told = _tell_everyone(event, "cancelled")
        record(
            actor=actor,
            action="event.cancel",
            obj=event,
            unit=event.unit,
            data={"reason": event.cancel_reason, "told": told},
        )
    return event


# ---- RSVPs and the waiting list ---------------------------------------------------------------


def going_count(event: Event) -> int:
    return event.rsvps.filter(status=Status.GOING).count()


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - going_count(event))


def _open_for_rsvp(event: Event) -> Event:
    """The event's row, locked: its places are counted under this lock."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.cancelled_at is not None:
        raise DomainError("This event is called off.")
    if locked.ends_at <= timezone.now():
        raise DomainError("This event is over.")
    return locked


def _status_for_newcomer(event: Event) -> str:
    left = places_left(event)
    return Status.GOING if left is None or left > 0 else Status.WAITING


def _confirm(rsvp: Rsvp, event: Event) -> None:
    if rsvp.email:
        send_after_commit(
            to=rsvp.email,
            template="campaigns/email/rsvp",
            context={
                "name": rsvp.name,
                "event": _about(event),
                "waiting": rsvp.status == Status.WAITING,
                "url": _rsvp_url(rsvp),
                "event_url": _event_url(event),
            },
        )


def rsvp_member(*, actor: Any, event: Event) -> Rsvp:
    """A member says they are coming (or joins the waiting list when it is full)."""
    require(is_active_member(actor), "Members in good standing RSVP here.")
    if not can_see(actor, event):
        raise NotFound("No such event.")
    with transaction.atomic():
        event = _open_for_rsvp(event)
        rsvp = Rsvp.objects.select_for_update().filter(event=event, user=actor).first()
        if rsvp is not None and rsvp.status != Status.CANCELLED:
            return rsvp  # already coming or waiting: nothing changes
        now = timezone.now()
        email = actor.email.strip().lower()
        if rsvp is None:
            # A public RSVP with the member's address becomes theirs.
            rsvp = Rsvp.objects.select_for_update().filter(event=event, email=email).first()
        if rsvp is None:
            rsvp = _new_rsvp(event, now)
        rsvp.user, rsvp.name, rsvp.email = actor, actor.full_name[:120], email
        rsvp.status, rsvp.queued_at = _status_for_newcomer(event), now
        rsvp.save()
        record(
            actor=actor, action="event.rsvp", obj=event, unit=event.unit, data={"to": rsvp.status}
        )
        _confirm(rsvp, event)
    return rsvp


def _new_rsvp(event: Event, now: datetime, **fields: Any) -> Rsvp:
    return Rsvp(
        event=event,
        token=secrets.token_urlsafe(32),
        door_code=secrets.token_urlsafe(32),
        created_at=now,
        **fields,
    )


def rsvp_public(*, event: Event, name: str, email: str, consent: bool, phone: str = "") -> Rsvp:
    """Someone from the public says they are coming to a public event, with their consent to be
    contacted about it. Their place is taken only once they confirm from the email sent to the
    address (so nobody fills an event with other people's addresses); the email does not repeat
    what was typed. The same address twice is the same RSVP, and the answer does not say whether
    it was already there."""
    if not event.is_public:
        raise NotFound("No such event.")
    name = one_line(name, "name", "Give your name.")
    phone = phone.strip()
    address = clean_email(email)
    if not address:
        raise FieldError("email", "Give your email address: the details come by email.")
    if any(unicodedata.category(c) == "Cc" for c in phone) or len(phone) > 40:
        raise FieldError("phone", "Give the phone number on one line.")
    if not consent:
        raise FieldError("consent", "Tick the box to agree that we contact you about it.")
    with transaction.atomic():
        event = _open_for_rsvp(event)
        rsvp = Rsvp.objects.select_for_update().filter(event=event, email=address).first()
        now = timezone.now()
        if rsvp is not None and rsvp.status != Status.CANCELLED:
            return rsvp  # already there (or waiting for its confirmation): nothing is sent
        rsvp = rsvp or _new_rsvp(event, now, email=address)
        rsvp.name, rsvp.phone, rsvp.consent = name[:120], phone, True
        rsvp.status, rsvp.queued_at = Status.PENDING, now
        rsvp.save()
        # The public's names and addresses stay out of the append-only audit log.
        record(actor=None, action="event.rsvp_public", obj=event, unit=event.unit)
        send_after_commit(
            to=address,
            template="campaigns/email/confirm",
            context={"event": _about(event), "url": _rsvp_url(rsvp)},
        )
    return rsvp


def confirm_public(*, rsvp: Rsvp) -> Rsvp:
    """The button on the RSVP's page, from its email: the place is taken now (or the waiting
    list joined), in the order of confirmation."""
    with transaction.atomic():
        event = _open_for_rsvp(rsvp.event)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status != Status.PENDING:
            return rsvp
        rsvp.status, rsvp.queued_at = _status_for_newcomer(event), timezone.now()
        rsvp.save(update_fields=["status", "queued_at"])
        record(
            actor=None,
            action="event.rsvp_confirm",
            obj=event,
            unit=event.unit,
            data={"to": rsvp.status},
        )
        _confirm(rsvp, event)
    return rsvp


def _move_up(event: Event) -> list[Rsvp]:
    """Fill free places from the waiting list, first come first served (under the event's
    lock); each person moved up is told."""
    moved: list[Rsvp] = []
    while True:
        left = places_left(event)
        if left is not None and left <= 0:
            return moved
        nxt = event.rsvps.filter(status=Status.WAITING).order_by("queued_at", "pk").first()
        if nxt is None:
            return moved
        nxt.status = Status.GOING
        nxt.save(update_fields=["status"])
        moved.append(nxt)
        if nxt.email:
            send_after_commit(
                to=nxt.email,
                template="campaigns/email/moved_up",
                context={"name": nxt.name, "event": _about(event), "url": _rsvp_url(nxt)},
            )


def withdraw(*, rsvp: Rsvp, actor: Any = None) -> Rsvp:
    """Not coming after all (the member from the event's page, anyone from their RSVP's link):
    their place goes to the first on the waiting list."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=rsvp.event_id)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == Status.CANCELLED:
            return rsvp
        if rsvp.checked_in_at is not None:
            raise DomainError("You were checked in at the door: you came.")
        rsvp.status = Status.CANCELLED
        rsvp.save(update_fields=["status"])
        moved = _move_up(event) if event.cancelled_at is None else []
        record(
            actor=actor,
            action="event.withdraw",
            obj=event,
            unit=event.unit,
            data={"moved_up": len(moved)},
        )
    return rsvp


def set_capacity(*, actor: Any, event: Event, capacity: int | None) -> Event:
    """More places (the waiting list moves up) or fewer (nobody loses theirs)."""
    require(can_organise(actor, event.unit), "Only the event's organisers change its places.")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise FieldError("capacity", "Give the number of places (1 or more), or leave it empty.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        event.capacity = capacity
        event.save(update_fields=["capacity"])
        moved = _move_up(event)
        record(
            actor=actor,
            action="event.capacity",
            obj=event,
            unit=event.unit,
            data={"capacity": capacity, "moved_up": len(moved)},
        )
    return event


# ---- the worker -------------------------------------------------------------------------------


def send_reminders(*, now: datetime | None = None) -> int:
    """The worker's sweep: a reminder to everyone coming, once, a day before the event."""
    now = now or timezone.now()
    due = Event.objects.filter(
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    )
    sent = 0
    for event in due:
        with transaction.atomic():
            if not Event.objects.filter(pk=event.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another worker took it
            for rsvp in event.rsvps.filter(status=Status.GOING).exclude(email=""):
                send_after_commit(
                    to=rsvp.email,
                    template="campaigns/email/reminder",
                    context={"name": rsvp.name, "event": _about(event), "url": _rsvp_url(rsvp)},
                )
                sent += 1
    return sent
