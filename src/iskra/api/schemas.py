from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema


class Error(Schema):
    detail: str


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


class UnitIn(Schema):
    name: str
    kind_id: int
    parent_id: int
    description: str = ""


class UnitMoveIn(Schema):
    new_parent_id: int
    reason: str = ""


class BodyOut(Schema):
    id: int
    unit_id: int
    kind: str
    name: str


class BodyIn(Schema):
    unit_id: int
    kind: str
    name: str
    description: str = ""


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


class SeatIn(Schema):
    body_id: int
    role: str
    title: str
    grants_officer_rights: bool = False
    term_months: int | None = None


class AppointIn(Schema):
    holder_id: int
    started_on: date | None = None


class EndTermIn(Schema):
    reason: str
    ended_on: date | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    number: str | None
    name: str
    email: str
    unit_id: int
    unit_name: str
    status: str
    admitted_on: date | None
    probation_ends_on: date | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj["name"]) if isinstance(obj, dict) else str(obj.user.full_name)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj["email"]) if isinstance(obj, dict) else str(obj.user.email)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj["unit_name"]) if isinstance(obj, dict) else str(obj.unit.name)


class MemberPublicOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str


class EventOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    decided_by_id: int | None
    body_id: int | None
    reason: str


class StatusIn(Schema):
    to_status: str
    reason: str


class ApplicationOut(Schema):
    id: int
    membership_id: int
    name: str
    email: str
    unit_id: int
    message: str
    submitted_at: datetime
    decision: str
    reason: str


class ApplicationIn(Schema):
    email: str
    full_name: str
    password: str
    unit_id: int
    agreed_to_aims: bool
    message: str = ""


class DecisionIn(Schema):
    admit: bool
    reason: str = ""


class ProfileIn(Schema):
    full_name: str | None = None
    pronouns: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    workplace: str | None = None
    employer: str | None = None
    job_title: str | None = None
    union: str | None = None
    consent_email: bool | None = None
    consent_phone: bool | None = None
    consent_sms: bool | None = None
    consent_post: bool | None = None
    email_preference: Literal["immediate", "daily", "none"] | None = None


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    membership: MemberOut | None
