"""The data rights through the API: download one's data; erase a former member's."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.members.permissions import load_membership
from iskra.privacy.selectors import personal_data
from iskra.privacy.services import erase_former_member

router = Router(tags=["data rights"])


class ExportOut(Schema):
    format: str
    exported_at: str
    account: dict[str, Any]
    membership: dict[str, Any] | None
    records: dict[str, list[dict[str, Any]]]
    audit_log: list[dict[str, Any]]


class EraseIn(Input):
    request: str = Field(
        max_length=200, description="The request this answers, e.g. 'email of 2 December'."
    )


class ErasedOut(Schema):
    membership_id: int
    pseudonym: str


@router.get("/me/export", response={200: ExportOut, **ERRORS})
def export_me(request: HttpRequest, response: HttpResponse) -> Any:
    """Everything held about you (GDPR Art. 15 and 20), as the profile page's download."""
    response["Cache-Control"] = "no-store"
    return personal_data(request_user(request))


@router.post("/members/{membership_id}/erase", response={200: ErasedOut, **ERRORS})
def erase(request: HttpRequest, membership_id: PathId, payload: EraseIn) -> Any:
    """Erase a former member's personal data on their request; they become a pseudonym."""
    user = request_user(request)
    membership = load_membership(user, membership_id)
    pseudonym = erase_former_member(actor=user, user=membership.user, reason=payload.request)
    return Status(200, {"membership_id": membership.pk, "pseudonym": pseudonym})
