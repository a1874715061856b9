"""The organisation API's schemas: units, bodies, seats and who holds them."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from iskra.apikit.inputs import TEXT, Id, Input


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    path: str
    depth: int

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        # Accepts a Unit (querysets paginate lazily) or an already-shaped dict.
        return str(obj["kind"]) if isinstance(obj, dict) else str(obj.kind.name)


class UnitIn(Input):
    name: str = Field(max_length=200)
    kind_id: int = Id()
    parent_id: int = Id()
    description: str = Field("", max_length=TEXT)


class UnitMoveIn(Input):
    new_parent_id: int = Id()
    reason: str = Field("", max_length=TEXT)


class BodyOut(Schema):
    id: int
    unit_id: int
    kind: str
    name: str


class BodyIn(Input):
    unit_id: int = Id()
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=TEXT)


class HolderOut(Schema):
    id: int
    holder_id: int
    holder_name: str
    started_on: date
    ended_on: date | None
    end_reason: str


class SeatOut(Schema):
    id: int
    body_id: int
    role: str
    title: str
    grants_officer_rights: bool
    constituency_unit_id: int | None
    represents_unit_id: int | None
    holders: list[HolderOut]

    @staticmethod
    def resolve_holders(obj: Any) -> list[dict[str, Any]]:
        if isinstance(obj, dict):
            return list(obj["holders"])
        return [
            {
                "id": h.pk,
                "holder_id": h.holder_id,
                "holder_name": h.holder.full_name,
                "started_on": h.started_on,
                "ended_on": h.ended_on,
                "end_reason": h.end_reason,
            }
            for h in obj.holdings.all()
        ]


class SeatIn(Input):
    body_id: int = Id()
    role: str = Field(max_length=20)
    title: str = Field(max_length=200)
    grants_officer_rights: bool = False
    term_months: int | None = Field(None, ge=1, le=1200)


class AppointIn(Input):
    holder_id: int = Id()
    started_on: date | None = None


class EndTermIn(Input):
    reason: str = Field(max_length=200)
    ended_on: date | None = None


class StandingOrdersOut(Schema):
    """A body's standing orders (``services.STANDING_ORDERS``); ``quorum_percent`` null means
    the organisation's default."""

    body_id: int
    min_notice_days: int
    quorum_percent: int | None
    majority_numerator: int
    majority_denominator: int
    majority_strict: bool
    abstentions_count: bool
    votes_are_secret: bool
    members_may_propose: bool
    supporters_required: int
    units_may_propose: bool
    discussion_days: int
    dissent_days: int
    recall_threshold_percent: int
    recall_spread_units: int
    recall_period_days: int
    recall_ballot_days: int
    recall_by: str = Field(description="At the threshold: 'ballot' or 'meeting'.")
    nomination_days: int
    requisition_threshold_percent: int
    requisition_spread_units: int
    requisition_period_days: int
    requisition_call_days: int
    requisition_hold_days: int
    requisition_units: int = Field(
        description="Units whose own decision also makes a requisition valid (0: not by units)."
    )
    proxies_allowed: bool
    proxy_deadline_hours: int
    proxy_cap: int
    proxy_same_unit: bool
    entitlement_rule: str = Field(
        description="How delegates are counted: '' (not), 'steps' or 'proportional'."
    )
    entitlement_first: int
    entitlement_step: int
    entitlement_max: int


class StandingOrdersIn(Input):
    """The standing orders to change; those left out keep their value. ``quorum_percent``: null
    for the organisation's default."""

    min_notice_days: int | None = Field(None, ge=0, le=365)
    quorum_percent: int | None = Field(None, ge=1, le=100)
    majority_numerator: int | None = Field(None, ge=1, le=100)
    majority_denominator: int | None = Field(None, ge=1, le=100)
    majority_strict: bool | None = Field(None)
    abstentions_count: bool | None = Field(None)
    votes_are_secret: bool | None = Field(None)
    members_may_propose: bool | None = Field(None)
    supporters_required: int | None = Field(None, ge=0, le=10_000)
    units_may_propose: bool | None = Field(None)
    discussion_days: int | None = Field(None, ge=1, le=365)
    dissent_days: int | None = Field(None, ge=0, le=365)
    recall_threshold_percent: int | None = Field(None, ge=1, le=100)
    recall_spread_units: int | None = Field(None, ge=0, le=1000)
    recall_period_days: int | None = Field(None, ge=1, le=365)
    recall_ballot_days: int | None = Field(None, ge=1, le=90)
    recall_by: Literal["ballot", "meeting"] | None = Field(None)
    nomination_days: int | None = Field(None, ge=1, le=90)
    requisition_threshold_percent: int | None = Field(None, ge=1, le=100)
    requisition_spread_units: int | None = Field(None, ge=0, le=1000)
    requisition_period_days: int | None = Field(None, ge=1, le=365)
    requisition_call_days: int | None = Field(None, ge=1, le=365)
    requisition_hold_days: int | None = Field(None, ge=1, le=365)
    requisition_units: int | None = Field(None, ge=0, le=1000)
    proxies_allowed: bool | None = Field(None)
    proxy_deadline_hours: int | None = Field(None, ge=0, le=720)
    proxy_cap: int | None = Field(None, ge=1, le=100)
    proxy_same_unit: bool | None = Field(None)
    entitlement_rule: Literal["", "steps", "proportional"] | None = Field(None)
    entitlement_first: int | None = Field(None, ge=1, le=1_000_000)
    entitlement_step: int | None = Field(None, ge=1, le=1_000_000)
    entitlement_max: int | None = Field(None, ge=1, le=1000)
