from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_FILTER, PathId
from iskra.apikit.pagination import Pages
from iskra.core.errors import DomainError, NotFound
from iskra.organisation import services
from iskra.organisation.models import Body, Seat, SeatHolding, Unit, UnitKind
from iskra.organisation.permissions import (
    can_view_organisation,
    load_body,
    load_seat,
    load_unit,
    require,
)
from iskra.organisation.schemas import (
    AppointIn,
    BodyIn,
    BodyOut,
    EndTermIn,
    HolderOut,
    SeatIn,
    SeatOut,
    StandingOrdersIn,
    StandingOrdersOut,
    UnitIn,
    UnitMoveIn,
    UnitOut,
)

router = Router(tags=["organisation"])


def _unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind.name,
        "parent_id": unit.parent_id,
        "path": unit.path,
        "depth": unit.depth,
    }


def _holder_out(h: SeatHolding) -> dict[str, Any]:
    return {
        "id": h.pk,
        "holder_id": h.holder_id,
        "holder_name": h.holder.full_name,
        "started_on": h.started_on,
        "ended_on": h.ended_on,
        "end_reason": h.end_reason,
    }


def _seat_out(seat: Seat) -> dict[str, Any]:
    return {
        "id": seat.pk,
        "body_id": seat.body_id,
        "role": seat.role,
        "title": seat.title,
        "grants_officer_rights": seat.grants_officer_rights,
        "constituency_unit_id": seat.constituency_unit_id,
        "represents_unit_id": seat.represents_unit_id,
        "holders": [_holder_out(h) for h in seat.holdings.all()],
    }


@router.get("/units", response={200: list[UnitOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_units(request: HttpRequest, parent_id: int | None = ID_FILTER) -> Any:
    require(can_view_organisation(request.user))
    units = Unit.objects.select_related("kind").order_by("path")
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    # A queryset: the paginator slices it in SQL, so a large organisation is never loaded whole.
    return units


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, unit_id: PathId) -> Any:
    return _unit_out(load_unit(request.user, unit_id))


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    parent = load_unit(request.user, payload.parent_id)
    kind = UnitKind.objects.filter(pk=payload.kind_id).first()
    if kind is None:
        raise NotFound("No such unit kind.")
    unit = services.create_unit(
        actor=request.user,
        name=payload.name,
        kind=kind,
        parent=parent,
        description=payload.description,
    )
    return Status(201, _unit_out(unit))


@router.post("/units/{unit_id}/move", response={200: UnitOut, **ERRORS})
def move_unit(request: HttpRequest, unit_id: PathId, payload: UnitMoveIn) -> Any:
    unit = load_unit(request.user, unit_id)
    new_parent = load_unit(request.user, payload.new_parent_id)
    return _unit_out(
        services.move_unit(
            actor=request.user, unit=unit, new_parent=new_parent, reason=payload.reason
        )
    )


@router.get("/bodies", response={200: list[BodyOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_bodies(request: HttpRequest, unit_id: int | None = ID_FILTER) -> Any:
    require(can_view_organisation(request.user))
    bodies = Body.objects.order_by("unit__path", "name")
    if unit_id is not None:
        bodies = bodies.filter(unit_id=unit_id)
    return bodies


@router.get("/bodies/{body_id}", response={200: BodyOut, **ERRORS})
def get_body(request: HttpRequest, body_id: PathId) -> Any:
    return load_body(request.user, body_id)


def _standing_orders_out(body: Body) -> dict[str, Any]:
    return {"body_id": body.pk, **{f: getattr(body, f) for f in services.STANDING_ORDERS}}


@router.get("/bodies/{body_id}/standing-orders", response={200: StandingOrdersOut, **ERRORS})
def get_standing_orders(request: HttpRequest, body_id: PathId) -> Any:
    return _standing_orders_out(load_body(request.user, body_id))


@router.patch("/bodies/{body_id}/standing-orders", response={200: StandingOrdersOut, **ERRORS})
def change_standing_orders(request: HttpRequest, body_id: PathId, payload: StandingOrdersIn) -> Any:
    """The body's unit's officers change some of its standing orders; those left out keep their
    value. Every change is in the audit log with the old value."""
    body = load_body(request.user, body_id)
    changes = payload.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "quorum_percent":
            raise DomainError(f"{field} cannot be null.")
    body = services.update_standing_orders(actor=request.user, body=body, changes=changes)
    return _standing_orders_out(body)


@router.post("/bodies", response={201: BodyOut, **ERRORS})
def create_body(request: HttpRequest, payload: BodyIn) -> Any:
    unit = load_unit(request.user, payload.unit_id)
    body = services.create_body(
        actor=request.user,
        unit=unit,
        kind=payload.kind,
        name=payload.name,
        description=payload.description,
    )
    return Status(201, body)


@router.get("/seats", response={200: list[SeatOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_seats(request: HttpRequest, body_id: int | None = ID_FILTER) -> Any:
    require(can_view_organisation(request.user))
    seats = Seat.objects.order_by("body_id", "pk").prefetch_related(
        Prefetch(
            "holdings",
            queryset=SeatHolding.objects.select_related("holder").order_by("-started_on"),
        )
    )
    if body_id is not None:
        seats = seats.filter(body_id=body_id)
    return seats


@router.post("/seats", response={201: SeatOut, **ERRORS})
def create_seat(request: HttpRequest, payload: SeatIn) -> Any:
    body = load_body(request.user, payload.body_id)
    seat = services.create_seat(
        actor=request.user,
        body=body,
        role=payload.role,
        title=payload.title,
        grants_officer_rights=payload.grants_officer_rights,
        term_months=payload.term_months,
    )
    return Status(201, _seat_out(seat))


@router.post("/seats/{seat_id}/holders", response={201: HolderOut, **ERRORS})
def appoint(request: HttpRequest, seat_id: PathId, payload: AppointIn) -> Any:
    seat = load_seat(request.user, seat_id)
    # Holders are people of the accounts app, which stands on organisation: the user model
    # is reached through its setting, not imported.
    holder = get_user_model().objects.filter(pk=payload.holder_id).first()
    if holder is None:
        raise NotFound("No such person.")
    holding = services.appoint_to_seat(
        actor=request.user, seat=seat, holder=holder, started_on=payload.started_on
    )
    return Status(201, _holder_out(holding))


@router.post("/terms/{holding_id}/end", response={200: HolderOut, **ERRORS})
def end_term(request: HttpRequest, holding_id: PathId, payload: EndTermIn) -> Any:
    holding = (
        SeatHolding.objects.select_related("seat__body__unit", "holder")
        .filter(pk=holding_id)
        .first()
    )
    if holding is None or not can_view_organisation(request.user):
        raise NotFound("No such term.")
    holding = services.end_holding(
        actor=request.user, holding=holding, ended_on=payload.ended_on, reason=payload.reason
    )
    return _holder_out(holding)
