"""The API of campaigns and events: the same services as the pages. Members RSVP; organisers
(the officers of the event's unit) see the list, check people in (by the RSVP's id or its
door code), add walk-ins, report and call events off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import MAX_ID, Input, OptionalId, PathId
from iskra.campaigns import ground, services, shifts
from iskra.campaigns.models import Campaign, Event, EventReport, Rsvp, Shift
from iskra.campaigns.permissions import can_organise, can_see, load_event, load_organised
from iskra.core.errors import DomainError, NotFound
from iskra.decisions.models import Action
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Unit

router = Router(tags=["campaigns"])
Kind = Literal["protest", "picket", "stall", "public_meeting", "paper_sale", "training", "other"]


class CampaignEventIn(Input):
    kind: Kind
    title: str = Field(max_length=160)
    place: str = Field(max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = Field("", max_length=20_000)
    capacity: int | None = Field(None, ge=1, le=services.MAX_CAPACITY)
    is_public: bool = False
    campaign_id: int | None = OptionalId()
    action_id: int | None = OptionalId(description="The decision's action it carries out.")


class CampaignEventOut(Schema):
    id: int
    unit_id: int
    campaign_id: int | None
    action_id: int | None
    kind: str
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    capacity: int | None
    is_public: bool
    cancelled: bool
    cancel_reason: str
    going: int
    waiting: int
    places_left: int | None
    my_rsvp: str | None = Field(description="going, waiting, cancelled, or null.")


class RsvpOut(Schema):
    id: int
    event_id: int
    name: str
    status: str
    walk_in: bool
    checked_in_at: dt.datetime | None


class CancelIn(Input):
    reason: str = Field(max_length=300)


class CheckInIn(Input):
    rsvp_id: int | None = OptionalId()
    code: str | None = Field(
        None, max_length=60, description="The door code: the last part of the QR code's link."
    )


class WalkInIn(Input):
    name: str = Field(max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    consent: bool = False


class EventReportIn(Input):
    attendance: int = Field(ge=0, le=1_000_000)
    leaflets: int = Field(0, ge=0, le=1_000_000)
    papers_sold: int = Field(0, ge=0, le=1_000_000)
    contacts: int = Field(0, ge=0, le=1_000_000)
    money: str = Field("0", max_length=10, pattern=r"^[0-9]{1,6}(\.[0-9]{1,2})?$")
    account: str = Field("", max_length=20_000)


class EventReportOut(Schema):
    event_id: int
    attendance: int
    leaflets: int
    papers_sold: int
    contacts: int
    money: Decimal
    account: str
    action_report_id: int | None
    reported_at: dt.datetime


class CampaignIn(Input):
    name: str = Field(max_length=120)
    summary: str = Field("", max_length=20_000)
    is_public: bool = False
    action_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=50
    )


class CampaignOut(Schema):
    id: int
    unit_id: int
    name: str
    slug: str
    summary: str
    is_public: bool
    action_ids: list[int]
    event_ids: list[int]


def _event_out(user: Any, event: Event) -> dict[str, Any]:
    going = services.going_count(event)
    mine = None
    if getattr(user, "is_authenticated", False):
        mine = Rsvp.objects.filter(event=event, user=user).values_list("status", flat=True).first()
    return {
        **{f: getattr(event, f) for f in CampaignEventOut.model_fields if hasattr(event, f)},
        "cancelled": event.cancelled_at is not None,
        "going": going,
        "waiting": event.rsvps.filter(status=Rsvp.Status.WAITING).count(),
        "places_left": None if event.capacity is None else max(0, event.capacity - going),
        "my_rsvp": mine,
    }


def _campaign_out(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "unit_id": campaign.unit_id,
        "name": campaign.name,
        "slug": campaign.slug,
        "summary": campaign.summary,
        "is_public": campaign.is_public,
        "action_ids": list(campaign.actions.values_list("pk", flat=True)),
        "event_ids": list(campaign.events.values_list("pk", flat=True)),
    }


def _unit(user: Any, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_organise(user, unit):
        raise NotFound("No such unit among those you organise for.")
    return unit


@router.get("/events", response={200: list[CampaignEventOut], **ERRORS})
def list_events(request: HttpRequest) -> Any:
    """Events to come that you may see (members: all; others: the public ones), 100 at most."""
    user = request_user(request)
    rows = Event.objects.filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")
    if not (is_active_member(user) or user.is_superuser):
        rows = rows.filter(is_public=True)
    return [_event_out(user, e) for e in rows[:100]]


@router.post("/units/{unit_id}/events", response={201: CampaignEventOut, **ERRORS})
def create_event(request: HttpRequest, unit_id: PathId, payload: CampaignEventIn) -> Any:
    """Put on an event of a unit (its officers)."""
    user = request_user(request)
    unit = _unit(user, unit_id)
    campaign = None
    if payload.campaign_id is not None:
        campaign = Campaign.objects.filter(pk=payload.campaign_id).first()
        if campaign is None or not can_see(user, campaign):
            raise DomainError("campaign_id: no such campaign.")
    action = None
    if payload.action_id is not None:
        action = Action.objects.select_related("unit").filter(pk=payload.action_id).first()
        if action is None:
            raise DomainError("action_id: no such action.")
    event = services.create_event(
        actor=user,
        unit=unit,
        **payload.dict(exclude={"campaign_id", "action_id"}),
        campaign=campaign,
        action=action,
    )
    return Status(201, _event_out(user, event))


@router.get("/events/{event_id}", response={200: CampaignEventOut, **ERRORS})
def get_event(request: HttpRequest, event_id: PathId) -> Any:
    user = request_user(request)
    return _event_out(user, load_event(user, event_id))


class EventChangeIn(Input):
    kind: Kind
    title: str = Field(max_length=160)
    place: str = Field(max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = Field("", max_length=20_000)
    capacity: int | None = Field(None, ge=1, le=services.MAX_CAPACITY)
    is_public: bool = False


@router.put("/events/{event_id}", response={200: CampaignEventOut, **ERRORS})
def change_event(request: HttpRequest, event_id: PathId, payload: EventChangeIn) -> Any:
    """Change an event (organisers); a new time or place is told to everyone coming."""
    user = request_user(request)
    event = services.change_event(
        actor=user, event=load_organised(user, event_id), **payload.dict()
    )
    return _event_out(user, event)


@router.post("/events/{event_id}/cancel", response={200: CampaignEventOut, **ERRORS})
def cancel_event(request: HttpRequest, event_id: PathId, payload: CancelIn) -> Any:
    """Call it off; everyone coming or waiting is told (organisers)."""
    user = request_user(request)
    event = services.cancel_event(
        actor=user, event=load_organised(user, event_id), reason=payload.reason
    )
    return _event_out(user, event)


@router.put("/events/{event_id}/rsvp", response={200: RsvpOut, **ERRORS})
def rsvp(request: HttpRequest, event_id: PathId) -> Any:
    """Say you are coming (members); when it is full you join the waiting list."""
    user = request_user(request)
    return services.rsvp_member(actor=user, event=load_event(user, event_id))


@router.delete("/events/{event_id}/rsvp", response={200: RsvpOut, **ERRORS})
def withdraw(request: HttpRequest, event_id: PathId) -> Any:
    """Not coming after all: your place goes to the first on the waiting list."""
    user = request_user(request)
    event = load_event(user, event_id)
    mine = Rsvp.objects.filter(event=event, user=user).first()
    if mine is None:
        raise NotFound("You had not said you were coming.")
    return services.withdraw(rsvp=mine, actor=user)


@router.get("/events/{event_id}/rsvps", response={200: list[RsvpOut], **ERRORS})
def list_rsvps(request: HttpRequest, event_id: PathId) -> Any:
    """Who is coming, waiting, checked in (organisers), 1 000 at most."""
    user = request_user(request)
    event = load_organised(user, event_id)
    return list(event.rsvps.order_by("queued_at", "pk")[:1000])


@router.post("/events/{event_id}/check-ins", response={200: RsvpOut, **ERRORS})
def check_in(request: HttpRequest, event_id: PathId, payload: CheckInIn) -> Any:
    """Check someone in by their RSVP's id or their door code (organisers); twice is a 400."""
    user = request_user(request)
    event = load_organised(user, event_id)
    if (payload.rsvp_id is None) == (payload.code is None):
        raise DomainError("Give rsvp_id or code (one of them).")
    rows = event.rsvps.select_related("event__unit")
    found = (
        rows.filter(pk=payload.rsvp_id).first()
        if payload.rsvp_id is not None
        else rows.filter(door_code=payload.code).first()
    )
    if found is None:
        raise NotFound("No such name on this event's list.")
    return ground.check_in(actor=user, rsvp=found)


@router.post("/events/{event_id}/walk-ins", response={201: RsvpOut, **ERRORS})
def walk_in(request: HttpRequest, event_id: PathId, payload: WalkInIn) -> Any:
    """Someone without an RSVP, checked in at once (organisers)."""
    user = request_user(request)
    event = load_organised(user, event_id)
    return Status(201, ground.add_walk_in(actor=user, event=event, **payload.dict()))


@router.put("/events/{event_id}/report", response={200: EventReportOut, **ERRORS})
def report(request: HttpRequest, event_id: PathId, payload: EventReportIn) -> Any:
    """The report from the ground (organisers, once it has started); again, it corrects it."""
    user = request_user(request)
    event = load_organised(user, event_id)
    made: EventReport = ground.report_event(actor=user, event=event, **payload.dict())
    return made


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request: HttpRequest) -> Any:
    user = request_user(request)
    rows = Campaign.objects.order_by("-created_at")
    if not (is_active_member(user) or user.is_superuser):
        rows = rows.filter(is_public=True)
    return [_campaign_out(c) for c in rows[:100]]


@router.post("/units/{unit_id}/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request: HttpRequest, unit_id: PathId, payload: CampaignIn) -> Any:
    """Start a campaign of a unit (its officers), grouping decisions' actions."""
    user = request_user(request)
    unit = _unit(user, unit_id)
    actions = list(Action.objects.filter(pk__in=payload.action_ids))
    if len(actions) != len(set(payload.action_ids)):
        raise DomainError("action_ids: no such action.")
    campaign = services.create_campaign(
        actor=user,
        unit=unit,
        name=payload.name,
        summary=payload.summary,
        is_public=payload.is_public,
        actions=actions,
    )
    return Status(201, _campaign_out(campaign))


class ShiftIn(Input):
    title: str = Field(max_length=120)
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int = Field(ge=1, le=1000)


class ShiftOut(Schema):
    id: int
    event_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int
    taken: int
    mine: bool
    names: list[str] = Field(description="Who is on it (members and organisers see them).")


def _shift_out(user: Any, row: dict[str, Any]) -> dict[str, Any]:
    shift = row["shift"]
    return {
        "id": shift.pk,
        "event_id": shift.event_id,
        "title": shift.title,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "needed": shift.needed,
        "taken": len(row["people"]),
        "mine": user.pk in row["ids"],
        "names": [p.full_name for p in row["people"]],
    }


def _member_or_organiser(user: Any, event: Event) -> None:
    if not (is_active_member(user) or can_organise(user, event.unit)):
        raise NotFound("No such event's shifts among yours.")


@router.get("/events/{event_id}/shifts", response={200: list[ShiftOut], **ERRORS})
def list_shifts(request: HttpRequest, event_id: PathId) -> Any:
    """The event's roles and shifts and who is on them (members and organisers)."""
    user = request_user(request)
    event = load_event(user, event_id)
    _member_or_organiser(user, event)
    return [_shift_out(user, row) for row in shifts.rota(event)]


@router.post("/events/{event_id}/shifts", response={201: ShiftOut, **ERRORS})
def add_shift(request: HttpRequest, event_id: PathId, payload: ShiftIn) -> Any:
    """Add a role or a shift (organisers)."""
    user = request_user(request)
    made = shifts.add_shift(actor=user, event=load_organised(user, event_id), **payload.dict())
    row = next(r for r in shifts.rota(made.event) if r["shift"].pk == made.pk)
    return Status(201, _shift_out(user, row))


def _load_shift(user: Any, shift_id: int) -> Shift:
    found = Shift.objects.select_related("event__unit").filter(pk=shift_id).first()
    if found is None or not can_see(user, found.event):
        raise NotFound("No such shift.")
    return found


@router.put("/shifts/{shift_id}/signup", response={200: ShiftOut, **ERRORS})
def sign_up(request: HttpRequest, shift_id: PathId) -> Any:
    """Take a place on a shift (members); it also puts you on the event's list."""
    user = request_user(request)
    shift = _load_shift(user, shift_id)
    shifts.sign_up(actor=user, shift=shift)
    row = next(r for r in shifts.rota(shift.event) if r["shift"].pk == shift.pk)
    return _shift_out(user, row)


@router.delete("/shifts/{shift_id}/signup", response={204: None, **ERRORS})
def leave_shift(request: HttpRequest, shift_id: PathId) -> Any:
    user = request_user(request)
    shifts.leave(actor=user, shift=_load_shift(user, shift_id))
    return Status(204, None)
