"""The requisitions API: requisitioning a special meeting of a body, signing and withdrawing,
and the officers calling the meeting. The same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.organisation.permissions import load_body
from iskra.representation import requisitions as services
from iskra.representation.models import Requisition
from iskra.representation.permissions import (
    load_requisition,
    may_sign_requisition,
    visible_requisitions,
    with_your_signature,
)

router = Router(tags=["requisitions"])


class RequisitionOut(Schema):
    id: int
    body_id: int
    body_name: str
    state: str = Field(
        description="open (gathering signatures), valid (the officers must call the meeting), "
        "called (by the officers), convened (by Iskra in the requisitioners' name, the "
        "officers having let the days to call it pass), lapsed."
    )
    agenda: list[str] = Field(description="The business stated, item by item.")
    reason: str
    place: str
    started_at: dt.datetime
    started_by_id: int
    closes_on: dt.date = Field(description="The last day on which it can be signed.")
    eligible: int = Field(description="Members under the body's unit when it started.")
    required: int = Field(description="Signatures that make it valid.")
    spread_units: int = Field(description="Units the signatures must come from (0: any).")
    signatures: int
    valid_at: dt.datetime | None
    call_by: dt.date | None = Field(description="The last day the officers may call it.")
    hold_by: dt.date | None = Field(description="The last day it may be held on.")
    meeting_id: int | None
    you_may_sign: bool
    you_signed: bool
    units_required: int = Field(
        0, description="Units whose own decision also makes it valid (0: not by units)."
    )
    units: list[str] = Field(
        default_factory=list, description="The units that support it by their own decision."
    )


class StartRequisitionIn(Input):
    agenda: str = Field(
        max_length=services.MAX_AGENDA, description="The business: one item per line."
    )
    reason: str = Field(max_length=services.MAX_REASON)
    place: str = Field("", max_length=services.MAX_PLACE)


class CallMeetingIn(Input):
    starts_at: dt.datetime
    location: str = Field("", max_length=services.MAX_PLACE)


def _out(user: Any, r: Requisition) -> dict[str, Any]:
    signed = getattr(r, "you_signed", None)
    if signed is None:
        signed = services.has_signed(user, r)
    eligible = getattr(r, "you_eligible", None)
    if eligible is None:
        eligible = may_sign_requisition(user, r)
    return {
        "id": r.pk,
        "body_id": r.body_id,
        "body_name": r.body.name,
        "state": r.state,
        "agenda": r.agenda_items(),
        "reason": r.reason,
        "place": r.place,
        "started_at": r.started_at,
        "started_by_id": r.started_by_id,
        "closes_on": r.closes_on,
        "eligible": r.eligible,
        "required": r.required,
        "spread_units": r.spread_units,
        "signatures": r.signatures,
        "valid_at": r.valid_at,
        "call_by": r.call_by,
        "hold_by": r.hold_by,
        "meeting_id": r.meeting_id,
        "you_may_sign": r.state == Requisition.State.OPEN and not signed and eligible,
        "you_signed": signed,
        "units_required": r.units_required,
        "units": [s.unit.name for s in r.unit_supports.select_related("unit")]
        if r.units_required
        else [],
    }


@router.get("/requisitions", response={200: list[RequisitionOut], **ERRORS})
@paginate(Pages)
def list_requisitions(request: HttpRequest, **kwargs: Any) -> Any:
    """The requisitions you could sign, or that your officer rights cover; newest first."""
    user = request_user(request)
    rows = with_your_signature(visible_requisitions(user), user).order_by("-started_at", "-pk")
    return Paged(rows, lambda r: _out(user, r))


@router.get("/requisitions/{requisition_id}", response={200: RequisitionOut, **ERRORS})
def get_requisition(request: HttpRequest, requisition_id: PathId) -> Any:
    user = request_user(request)
    return _out(user, load_requisition(user, requisition_id))


@router.post("/bodies/{body_id}/requisitions", response={201: RequisitionOut, **ERRORS})
def start_requisition(request: HttpRequest, body_id: PathId, payload: StartRequisitionIn) -> Any:
    """Requisition a special meeting of this body with the business stated (you sign it by
    starting it). Members in good standing under the body's unit."""
    user = request_user(request)
    requisition = services.start_requisition(
        actor=user,
        body=load_body(user, body_id),
        agenda=payload.agenda,
        reason=payload.reason,
        place=payload.place,
    )
    return Status(201, _out(user, load_requisition(user, requisition.pk)))


@router.post("/requisitions/{requisition_id}/signature", response={200: RequisitionOut, **ERRORS})
def sign(request: HttpRequest, requisition_id: PathId) -> Any:
    """Sign (again, after withdrawing). At the threshold it is valid and the clock starts."""
    user = request_user(request)
    services.sign(actor=user, requisition=load_requisition(user, requisition_id))
    return _out(user, load_requisition(user, requisition_id))


@router.delete("/requisitions/{requisition_id}/signature", response={200: RequisitionOut, **ERRORS})
def withdraw(request: HttpRequest, requisition_id: PathId) -> Any:
    """Withdraw your signature, while it gathers signatures."""
    user = request_user(request)
    services.withdraw(actor=user, requisition=load_requisition(user, requisition_id))
    return _out(user, load_requisition(user, requisition_id))


@router.post("/requisitions/{requisition_id}/meeting", response={201: RequisitionOut, **ERRORS})
def call_meeting(request: HttpRequest, requisition_id: PathId, payload: CallMeetingIn) -> Any:
    """The body's officers call the requisitioned meeting (the agenda is the business stated),
    for a date by ``hold_by`` (or the first day the least notice allows)."""
    user = request_user(request)
    services.call_meeting(
        actor=user,
        requisition=load_requisition(user, requisition_id),
        starts_at=payload.starts_at,
        location=payload.location,
    )
    return Status(201, _out(user, load_requisition(user, requisition_id)))


class UnitSupportIn(Input):
    unit_id: int = Field(ge=1, le=2**31 - 1, strict=True)
    authority: str = Field(
        max_length=200, description="Which decision of the unit: e.g. 'branch meeting, 3 March'."
    )


@router.post("/requisitions/{requisition_id}/units", response={201: RequisitionOut, **ERRORS})
def support_as_unit(request: HttpRequest, requisition_id: PathId, payload: UnitSupportIn) -> Any:
    """An officer records that their unit supports the requisition by its own decision (where
    the body's standing orders count units: ``requisition_units``)."""
    from iskra.organisation.permissions import load_unit

    user = request_user(request)
    requisition = load_requisition(user, requisition_id)
    services.support_as_unit(
        actor=user,
        requisition=requisition,
        unit=load_unit(user, payload.unit_id),
        authority=payload.authority,
    )
    return Status(201, _out(user, load_requisition(user, requisition_id)))
