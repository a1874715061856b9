"""The API of reserved places among delegates: the rules and each delegation's state, adding and
removing a rule (the body's officers), and a member's own statement that they count for one.
The same services as the pages (``iskra.representation.reserved``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.core.errors import NotFound
from iskra.organisation.permissions import load_body
from iskra.representation import reserved
from iskra.representation.models import ReservedPlace, ReservedPlaceClaim

router = Router(tags=["delegates"])


class DelegationOut(Schema):
    unit_id: int
    unit_name: str
    seats: int
    counting: int = Field(description="Delegates in its seats now who count for the place.")
    vacant: int
    required: int
    met: bool
    short: bool = Field(description="Too few count, with no vacant seat left to make it up.")


class ReservedPlaceOut(Schema):
    id: int
    body_id: int
    label: str
    at_least: int
    from_delegates: int = Field(description="Applies to delegations of at least this many.")
    you_count: bool = Field(description="Whether you have said you count for it.")
    delegations: list[DelegationOut]


class ReservedPlaceIn(Input):
    label: str = Field(max_length=60)
    at_least: int = Field(ge=1, le=1000)
    from_delegates: int = Field(ge=1, le=1000)


class ClaimIn(Input):
    counts: bool = Field(description="true: you count for the reserved place; false: not.")


class ClaimOut(Schema):
    place_id: int
    counts: bool


def _out(user: Any, places: list[ReservedPlace], rows: list[reserved.DelegationPlaces]) -> Any:
    mine = set(
        ReservedPlaceClaim.objects.filter(member_id=user.pk, place__in=places).values_list(
            "place_id", flat=True
        )
    )
    return [
        {
            "id": p.pk,
            "body_id": p.body_id,
            "label": p.label,
            "at_least": p.at_least,
            "from_delegates": p.from_delegates,
            "you_count": p.pk in mine,
            "delegations": [
                {
                    "unit_id": r.unit_id,
                    "unit_name": r.unit_name,
                    "seats": r.seats,
                    "counting": r.counting,
                    "vacant": r.vacant,
                    "required": r.required,
                    "met": r.met,
                    "short": r.short,
                }
                for r in rows
                if r.place.pk == p.pk
            ],
        }
        for p in places
    ]


@router.get("/bodies/{body_id}/reserved-places", response={200: list[ReservedPlaceOut], **ERRORS})
def list_places(request: HttpRequest, body_id: PathId) -> Any:
    """The body's reserved places and how each delegation stands (public to members)."""
    user = request_user(request)
    body = load_body(user, body_id)
    return _out(user, list(ReservedPlace.objects.filter(body=body)), reserved.delegations(body))


@router.post("/bodies/{body_id}/reserved-places", response={201: ReservedPlaceOut, **ERRORS})
def add_place(request: HttpRequest, body_id: PathId, payload: ReservedPlaceIn) -> Any:
    """Reserve places among each delegation (the body's officers)."""
    user = request_user(request)
    body = load_body(user, body_id)
    place = reserved.add_reserved_place(
        actor=user,
        body=body,
        label=payload.label,
        at_least=payload.at_least,
        from_delegates=payload.from_delegates,
    )
    rows = [r for r in reserved.delegations(body) if r.place.pk == place.pk]
    return Status(201, _out(user, [place], rows)[0])


def _place(user: Any, place_id: int) -> ReservedPlace:
    place = ReservedPlace.objects.select_related("body__unit").filter(pk=place_id).first()
    if place is None:
        raise NotFound("No such reserved place.")
    load_body(user, place.body_id)
    return place


@router.delete("/reserved-places/{place_id}", response={204: None, **ERRORS})
def remove_place(request: HttpRequest, place_id: PathId) -> Any:
    user = request_user(request)
    reserved.remove_reserved_place(actor=user, place=_place(user, place_id))
    return Status(204, None)


@router.put("/reserved-places/{place_id}/claim", response={200: ClaimOut, **ERRORS})
def set_claim(request: HttpRequest, place_id: PathId, payload: ClaimIn) -> Any:
    """Say whether you count for the reserved place (your own statement; the officers see only
    whether an elected delegate counts)."""
    user = request_user(request)
    place = _place(user, place_id)
    return {
        "place_id": place.pk,
        "counts": reserved.set_claim(actor=user, place=place, counts=payload.counts),
    }
