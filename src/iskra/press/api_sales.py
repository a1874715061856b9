"""The API of distribution and sales: sales (members their own, officers anyone's), the league
table, bundle orders, targets, contacts met while selling, readers' subscriptions. The same
services as the branch's page (``iskra.press.sales``). Money is a decimal string in
``settings.CURRENCY``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from iskra.accounts.api_auth import person, request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, OptionalId, PathId
from iskra.core.errors import DomainError, NotFound
from iskra.decisions.models import Action
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of
from iskra.press import sales
from iskra.press.api import _publication
from iskra.press.models import Contact, Edition, Sale

router = Router(tags=["press"])

# Money in a body: a decimal string such as "12.50", never negative (a pattern of digits).
MONEY_PATTERN = r"^[0-9]{1,6}(\.[0-9]{1,2})?$"


def Money() -> Any:  # noqa: N802 - reads as a type in a schema
    return Field("0", max_length=9, pattern=MONEY_PATTERN, description='e.g. "12.50"')


class SaleIn(Input):
    unit_id: int = Field(ge=1, le=2**63 - 1)
    pitch: str = Field(max_length=120)
    sold_on: dt.date
    copies: int = Field(0, ge=0, le=sales.MAX_COPIES)
    money: str = Money()
    fighting_fund: str = Money()
    seller_id: int | None = OptionalId(description="Officers: the member who sold; default you.")
    edition_id: int | None = OptionalId()
    action_id: int | None = OptionalId(description="A decision's action to report the copies on.")


class SaleOut(Schema):
    id: int
    unit_id: int
    seller_id: int
    edition_id: int | None
    pitch: str
    sold_on: dt.date
    copies: int
    money: Decimal
    fighting_fund: Decimal
    currency: str
    action_id: int | None
    report_id: int | None

    @staticmethod
    def resolve_currency(obj: Sale) -> str:
        return str(settings.CURRENCY)


class SalesFilter(Schema):
    unit_id: int = Field(ge=1, le=2**63 - 1)
    page: int = Field(1, ge=1, le=100_000)


class LeagueOut(Schema):
    unit_id: int
    unit_name: str
    copies: int
    target: int | None
    percent: int | None
    money: Decimal
    fighting_fund: Decimal


class LeagueFilter(Schema):
    edition_id: int | None = OptionalId(description="Without it: the last 28 days.")


class BundleIn(Input):
    copies_wanted: int = Field(ge=0, le=100_000)
    copies_delivered: int | None = Field(None, ge=0, le=100_000)


class BundleOut(Schema):
    edition_id: int
    unit_id: int
    copies_wanted: int
    copies_delivered: int | None


class TargetIn(Input):
    copies_per_edition: int = Field(ge=1, le=100_000)


class ContactIn(Input):
    name: str = Field(max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    note: str = Field("", max_length=300)
    consent: bool = Field(description="They agreed to be contacted: required.")


class ContactOut(Schema):
    id: int
    unit_id: int
    name: str
    email: str
    phone: str
    note: str
    invited_at: dt.datetime | None
    followed_up_at: dt.datetime | None


class SubscriptionIn(Input):
    unit_id: int = Field(ge=1, le=2**63 - 1)
    kind: Literal["print", "digital"]
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    address: str = Field("", max_length=1000)
    months: int = Field(12, ge=1, le=36)


class SubscriptionOut(Schema):
    id: int
    unit_id: int
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


def _unit(user: Any, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not sales.can_sell_for(user, unit):
        raise NotFound("No such unit among yours.")
    return unit


@router.post("/publications/{publication_id}/sales", response={201: SaleOut, **ERRORS})
def record_sale(request: HttpRequest, publication_id: PathId, payload: SaleIn) -> Any:
    """Record papers sold at a pitch (members their own; the unit's officers anyone's)."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    unit = _unit(user, payload.unit_id)
    edition = None
    if payload.edition_id is not None:
        edition = Edition.objects.filter(pk=payload.edition_id, publication=publication).first()
        if edition is None:
            raise DomainError("edition_id: no such edition of this publication.")
    action = None
    if payload.action_id is not None:
        action = Action.objects.filter(pk=payload.action_id).first()
        if action is None:
            raise DomainError("action_id: no such action.")
    sale = sales.record_sale(
        actor=user,
        publication=publication,
        unit=unit,
        seller=person(payload.seller_id) if payload.seller_id else user,
        pitch=payload.pitch,
        sold_on=payload.sold_on,
        copies=payload.copies,
        money=payload.money,
        fighting_fund=payload.fighting_fund,
        edition=edition,
        action=action,
    )
    return Status(201, sale)


@router.get("/publications/{publication_id}/sales", response={200: list[SaleOut], **ERRORS})
def list_sales(request: HttpRequest, publication_id: PathId, filters: Query[SalesFilter]) -> Any:
    """A unit's sales, 50 a page (its officers see all; members their own)."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    unit = _unit(user, filters.unit_id)
    rows = Sale.objects.filter(publication=publication, unit=unit)
    if not is_officer_of(user, unit):
        rows = rows.filter(seller=user)
    start = (filters.page - 1) * 50
    return list(rows[start : start + 50])


@router.get("/publications/{publication_id}/league", response={200: list[LeagueOut], **ERRORS})
def league(request: HttpRequest, publication_id: PathId, filters: Query[LeagueFilter]) -> Any:
    """Each unit's sales against its target: of an edition, or of the last 28 days."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    edition = None
    if filters.edition_id is not None:
        edition = Edition.objects.filter(pk=filters.edition_id, publication=publication).first()
        if edition is None:
            raise NotFound("No such edition.")
    return [
        {
            "unit_id": r.unit.pk,
            "unit_name": r.unit.name,
            "copies": r.copies,
            "target": r.target,
            "percent": r.percent,
            "money": r.money,
            "fighting_fund": r.fighting_fund,
        }
        for r in sales.league(publication, edition)
    ]


@router.put("/editions/{edition_id}/bundles/{unit_id}", response={200: BundleOut, **ERRORS})
def set_bundle(request: HttpRequest, edition_id: PathId, unit_id: PathId, payload: BundleIn) -> Any:
    """A unit's bundle of an edition: copies wanted and delivered (its officers)."""
    user = request_user(request)
    edition = Edition.objects.select_related("publication").filter(pk=edition_id).first()
    if edition is None:
        raise NotFound("No such edition.")
    _publication(user, edition.publication_id)
    return sales.set_bundle(
        actor=user,
        edition=edition,
        unit=_unit(user, unit_id),
        wanted=payload.copies_wanted,
        delivered=payload.copies_delivered,
    )


@router.put("/publications/{publication_id}/targets/{unit_id}", response={200: LeagueOut, **ERRORS})
def set_target(
    request: HttpRequest, publication_id: PathId, unit_id: PathId, payload: TargetIn
) -> Any:
    """A unit's target of copies per edition (the publication's editors)."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("No such unit.")
    sales.set_target(
        actor=user, publication=publication, unit=unit, copies=payload.copies_per_edition
    )
    row = next(r for r in sales.league(publication, None) if r.unit.pk == unit.pk)
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "copies": row.copies,
        "target": row.target,
        "percent": row.percent,
        "money": row.money,
        "fighting_fund": row.fighting_fund,
    }


@router.post("/units/{unit_id}/contacts", response={201: ContactOut, **ERRORS})
def add_contact(request: HttpRequest, unit_id: PathId, payload: ContactIn) -> Any:
    """Someone met while selling, who agreed to be contacted (members and officers)."""
    user = request_user(request)
    return Status(201, sales.add_contact(actor=user, unit=_unit(user, unit_id), **payload.dict()))


@router.get("/units/{unit_id}/contacts", response={200: list[ContactOut], **ERRORS})
def list_contacts(request: HttpRequest, unit_id: PathId) -> Any:
    """The unit's follow-up list (its officers)."""
    user = request_user(request)
    unit = _unit(user, unit_id)
    if not is_officer_of(user, unit):
        raise NotFound("No such unit among yours.")
    return list(Contact.objects.filter(unit=unit)[:500])


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS})
def remove_contact(request: HttpRequest, contact_id: PathId) -> Any:
    """Take someone off the unit's follow-up list (its officers)."""
    user = request_user(request)
    contact = Contact.objects.select_related("unit").filter(pk=contact_id).first()
    if contact is None or not is_officer_of(user, contact.unit):
        raise NotFound("No such contact.")
    sales.remove_contact(actor=user, contact=contact)
    return Status(204, None)


@router.post(
    "/publications/{publication_id}/subscriptions", response={201: SubscriptionOut, **ERRORS}
)
def add_subscription(request: HttpRequest, publication_id: PathId, payload: SubscriptionIn) -> Any:
    """A reader's print or digital subscription, sold by a unit (its officers)."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    data = payload.dict()
    unit = _unit(user, data.pop("unit_id"))
    return Status(
        201, sales.add_subscription(actor=user, publication=publication, unit=unit, **data)
    )
