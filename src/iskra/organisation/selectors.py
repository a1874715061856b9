"""Reads of the organisation's structure, shaped for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import StrIndex, Substr

from iskra.core.errors import NotFound
from iskra.organisation.models import Body, Seat, SeatHolding, Unit


def unit_below(unit: Unit, path_field: str, *, otherwise: Combinable | None = None) -> Case:
    """SQL for the id (as text) of the unit directly below ``unit`` whose subtree holds the
    materialised path in ``path_field`` -- for adding up figures per unit below in the
    database. A path that is ``unit``'s own, lies outside it or is empty gives ``otherwise``
    (by default the empty string)."""
    rest = Substr(path_field, len(unit.path) + 1)
    return Case(
        When(
            Q(**{f"{path_field}__startswith": unit.path}) & ~Q(**{path_field: unit.path}),
            then=Substr(rest, 1, StrIndex(rest, Value("/")) - 1),
        ),
        default=otherwise if otherwise is not None else Value(""),
        output_field=CharField(),
    )


def unit_officer_holdings(unit: Unit) -> QuerySet[SeatHolding]:
    """The current holders of seats with officer rights on the unit's own bodies (its
    secretary and the like): the people to tell about the unit's business."""
    return SeatHolding.objects.current().filter(
        seat__grants_officer_rights=True, seat__body__unit=unit
    )


def current_holdings() -> QuerySet[SeatHolding]:
    return SeatHolding.objects.current().select_related("holder")


def bodies_with_seats(unit: Unit) -> QuerySet[Body]:
    """A unit's bodies with their seats and current holders, in a fixed number of queries."""
    return Body.objects.filter(unit=unit).prefetch_related(
        Prefetch(
            "seats",
            queryset=Seat.objects.select_related("represents_unit").prefetch_related(
                Prefetch("holdings", queryset=current_holdings(), to_attr="current_holdings")
            ),
        )
    )


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return unit.children.select_related("kind").order_by("name")


def unit_officers(unit: Unit) -> QuerySet[SeatHolding]:
    return (
        SeatHolding.objects.current()
        .filter(seat__body__unit=unit)
        .filter(
            Q(seat__grants_officer_rights=True)
            | Q(seat__role__in=["secretary", "treasurer", "chair"])
        )
        .select_related("holder", "seat")
        .order_by("seat__role", "seat__title")
    )


def breadcrumbs(unit: Unit) -> list[Unit]:
    ids = unit.ancestor_ids[:-1]
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def seat_history(seat: Seat) -> QuerySet[SeatHolding]:
    return seat.holdings.select_related("holder").order_by("-started_on")


def body_detail(body: Body) -> dict[str, Any]:
    seats = list(
        body.seats.select_related(
            "represents_unit", "constituency_unit", "constituency_body"
        ).prefetch_related(
            Prefetch(
                "holdings",
                queryset=SeatHolding.objects.select_related("holder").order_by("-started_on"),
            )
        )
    )
    return {"seats": seats}


def unit_or_none(unit_id: int | None) -> Unit | None:
    """The unit a payload names, if it names one; a unit that does not exist is not found."""
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("No such unit.")
    return unit
