"""The members API's schemas: members, their events and applications, and the signed-in
person's own record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from iskra.apikit.inputs import TEXT, Id, Input


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


class StatusIn(Input):
    to_status: str = Field(max_length=20)
    reason: str = Field(max_length=TEXT)


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


class ApplicationIn(Input):
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    unit_id: int = Id()
    agreed_to_aims: bool
    message: str = Field("", max_length=TEXT)


class DecisionIn(Input):
    admit: bool
    reason: str = Field("", max_length=TEXT)


class ProfileIn(Input):
    full_name: str | None = Field(None, max_length=200)
    pronouns: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=1000)
    postcode: str | None = Field(None, max_length=16)
    workplace: str | None = Field(None, max_length=200)
    employer: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    union: str | None = Field(None, max_length=200)
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
