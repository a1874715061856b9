"""The recall API: the petitions a person can see, starting one against a seat's holder,
signing and withdrawing, the holder's reply. The same services as the pages."""

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
from iskra.representation import services
from iskra.representation.models import RecallPetition
from iskra.representation.permissions import (
    is_eligible,
    load_holding,
    load_petition,
    visible_petitions,
    with_your_part,
)

router = Router(tags=["recall"])


class PetitionOut(Schema):
    id: int
    holding_id: int
    seat_id: int
    seat_title: str
    body_id: int
    holder_id: int
    holder_name: str
    state: str = Field(
        description="open (gathering signatures), ballot (threshold reached: the recall "
        "ballot decides), meeting (threshold reached: the next meeting decides, where the "
        "body's rules say so), recalled, not_recalled, lapsed, ended (the holder left the seat)."
    )
    reason: str
    reply: str
    replied_at: dt.datetime | None
    started_at: dt.datetime
    started_by_id: int
    closes_on: dt.date = Field(description="The last day on which it can be signed.")
    eligible: int = Field(description="Members of the constituency when it started.")
    required: int = Field(description="Signatures that open the recall ballot.")
    spread_units: int = Field(description="Units the signatures must come from (0: any).")
    signatures: int
    ballot_id: int | None = Field(description="The recall ballot, once the threshold is met.")
    motion_id: int | None = Field(
        None, description="Or the recall motion put to the next meeting (the body's rules)."
    )
    by_election_id: int | None = Field(description="The by-election's draft, after a recall.")
    you_may_sign: bool = Field(description="Whether you can sign it now.")
    you_signed: bool = Field(description="Whether your signature counts.")


class StartIn(Input):
    reason: str = Field(max_length=services.MAX_REASON)


class ReplyIn(Input):
    text: str = Field(max_length=services.MAX_REPLY)


def _out(user: Any, p: RecallPetition) -> dict[str, Any]:
    h = p.holding
    # From the list's annotations (``with_your_part``), or asked of this one petition.
    signed = getattr(p, "you_signed", None)
    if signed is None:
        signed = services.has_signed(user, p)
    eligible = getattr(p, "you_eligible", None)
    if eligible is None:
        eligible = is_eligible(user, p)
    return {
        "id": p.pk,
        "holding_id": h.pk,
        "seat_id": h.seat_id,
        "seat_title": h.seat.title,
        "body_id": h.seat.body_id,
        "holder_id": h.holder_id,
        "holder_name": h.holder.full_name,
        "state": p.state,
        "reason": p.reason,
        "reply": p.reply,
        "replied_at": p.replied_at,
        "started_at": p.started_at,
        "started_by_id": p.started_by_id,
        "closes_on": p.closes_on,
        "eligible": p.eligible,
        "required": p.required,
        "spread_units": p.spread_units,
        "signatures": p.signatures,
        "ballot_id": p.ballot_id,
        "motion_id": p.motion_id,
        "by_election_id": p.by_election_id,
        "you_may_sign": p.state == RecallPetition.State.OPEN
        and not signed
        and user.pk != h.holder_id
        and eligible,
        "you_signed": signed,
    }


@router.get("/recall-petitions", response={200: list[PetitionOut], **ERRORS})
@paginate(Pages)
def list_petitions(request: HttpRequest, **kwargs: Any) -> Any:
    """The petitions of the constituencies you belong to, against you, or in units you are an
    officer of; newest first."""
    user = request_user(request)
    rows = with_your_part(visible_petitions(user), user).order_by("-started_at", "-pk")
    return Paged(rows, lambda p: _out(user, p))


@router.get("/recall-petitions/{petition_id}", response={200: PetitionOut, **ERRORS})
def get_petition(request: HttpRequest, petition_id: PathId) -> Any:
    user = request_user(request)
    return _out(user, load_petition(user, petition_id, whole=True))


@router.post("/holdings/{holding_id}/recall-petitions", response={201: PetitionOut, **ERRORS})
def start_petition(request: HttpRequest, holding_id: PathId, payload: StartIn) -> Any:
    """Start a petition to recall the holder of this term (you sign it by starting it). Only
    members of the seat's constituency; one petition at a time."""
    user = request_user(request)
    petition = services.start_petition(
        actor=user, holding=load_holding(user, holding_id), reason=payload.reason
    )
    return Status(201, _out(user, load_petition(user, petition.pk)))


@router.post("/recall-petitions/{petition_id}/signature", response={200: PetitionOut, **ERRORS})
def sign(request: HttpRequest, petition_id: PathId) -> Any:
    """Sign (again, after withdrawing). At the threshold the recall ballot opens."""
    user = request_user(request)
    services.sign(actor=user, petition=load_petition(user, petition_id))
    return _out(user, load_petition(user, petition_id))


@router.delete("/recall-petitions/{petition_id}/signature", response={200: PetitionOut, **ERRORS})
def withdraw(request: HttpRequest, petition_id: PathId) -> Any:
    """Withdraw your signature, while the petition gathers signatures."""
    user = request_user(request)
    services.withdraw(actor=user, petition=load_petition(user, petition_id))
    return _out(user, load_petition(user, petition_id))


@router.put("/recall-petitions/{petition_id}/reply", response={200: PetitionOut, **ERRORS})
def reply(request: HttpRequest, petition_id: PathId, payload: ReplyIn) -> Any:
    """The holder's reply, shown beside the reason."""
    user = request_user(request)
    services.reply(actor=user, petition=load_petition(user, petition_id), text=payload.text)
    return _out(user, load_petition(user, petition_id))


class UnitEntitlementOut(Schema):
    unit_id: int
    unit_name: str
    members: int = Field(description="Members in good standing on the date.")
    delegates: int = Field(description="The delegates the rule entitles the unit to.")
    seats: int = Field(description="The body's delegate seats for the unit now.")


class EntitlementOut(Schema):
    body_id: int
    on: dt.date
    rule: str = Field(description="'' (none), 'steps' or 'proportional'.")
    first: int
    step: int
    max: int
    members: int
    delegates: int
    units: list[UnitEntitlementOut]


class DelegateSeatsIn(Input):
    on: dt.date | None = Field(None, description="The register's date; today if left out.")


class DelegateSeatsOut(Schema):
    created: int
    surplus: list[str] = Field(description="Units with more seats than entitled.")


def _on(on: dt.date | None) -> dt.date:
    from django.utils import timezone

    from iskra.representation.entitlement import check_register_date

    today = timezone.localdate()
    if on is not None:
        check_register_date(on)
    return on or today


@router.get("/bodies/{body_id}/entitlement", response={200: EntitlementOut, **ERRORS})
def get_entitlement(request: HttpRequest, body_id: PathId, on: dt.date | None = None) -> Any:
    """Each unit's members in good standing on the date and the delegates the body's rule
    entitles it to (public to members)."""
    from iskra.organisation.permissions import load_body
    from iskra.representation.entitlement import entitlement

    body = load_body(request_user(request), body_id)
    day = _on(on)
    rows = entitlement(body, on=day) if body.entitlement_rule else []
    return {
        "body_id": body.pk,
        "on": day,
        "rule": body.entitlement_rule,
        "first": body.entitlement_first,
        "step": body.entitlement_step,
        "max": body.entitlement_max,
        "members": sum(r.members for r in rows),
        "delegates": sum(r.delegates for r in rows),
        "units": [r.as_dict() for r in rows],
    }


@router.post("/bodies/{body_id}/delegate-seats", response={200: DelegateSeatsOut, **ERRORS})
def make_delegate_seats(request: HttpRequest, body_id: PathId, payload: DelegateSeatsIn) -> Any:
    """Create the delegate seats the entitlement says are missing (officers of the body's
    unit). Seats beyond a unit's entitlement are reported, not removed."""
    from iskra.organisation.permissions import load_body
    from iskra.representation import entitlement

    user = request_user(request)
    made = entitlement.make_delegate_seats(
        actor=user, body=load_body(user, body_id), on=_on(payload.on)
    )
    return {"created": made.created, "surplus": [f"{n} ({k})" for n, k in made.surplus]}


class NoConfidenceIn(Input):
    reason: str = Field(max_length=5_000)


class NoConfidenceOut(Schema):
    motion_id: int = Field(description="The drafted motion: submit it as any motion.")
    body_id: int = Field(description="The body that decides: the one that elects them.")
    holding_ids: list[int] = Field(description="The terms it ends if carried.")
    committee_id: int | None
    carried_at: dt.datetime | None
    ended: int = Field(description="Terms ended when it carried.")


def _no_confidence_out(motion_id: int) -> dict[str, Any]:
    from iskra.representation.models import NoConfidence

    nc = NoConfidence.objects.select_related("motion").get(motion_id=motion_id)
    return {
        "motion_id": nc.motion_id,
        "body_id": nc.motion.body_id,
        "holding_ids": sorted(nc.holdings.values_list("pk", flat=True)),
        "committee_id": nc.committee_id,
        "carried_at": nc.carried_at,
        "ended": nc.ended,
    }


@router.post("/holdings/{holding_id}/no-confidence", response={201: NoConfidenceOut, **ERRORS})
def no_confidence_in_holder(
    request: HttpRequest, holding_id: PathId, payload: NoConfidenceIn
) -> Any:
    """Draft a motion of no confidence in this holder, to the body that elects them."""
    from iskra.representation import no_confidence

    user = request_user(request)
    motion = no_confidence.move(
        actor=user, holding=load_holding(user, holding_id), reason=payload.reason
    )
    return Status(201, _no_confidence_out(motion.pk))


@router.post("/bodies/{body_id}/no-confidence", response={201: NoConfidenceOut, **ERRORS})
def no_confidence_in_committee(
    request: HttpRequest, body_id: PathId, payload: NoConfidenceIn
) -> Any:
    """Draft a motion of no confidence in a committee: every current holder of its seats."""
    from iskra.organisation.permissions import load_body
    from iskra.representation import no_confidence

    user = request_user(request)
    body = load_body(user, body_id)
    motion = no_confidence.move(actor=user, committee=body, reason=payload.reason)
    return Status(201, _no_confidence_out(motion.pk))


@router.get("/motions/{motion_id}/no-confidence", response={200: NoConfidenceOut, **ERRORS})
def get_no_confidence(request: HttpRequest, motion_id: PathId) -> Any:
    """Whom a motion of no confidence names, and what it ended if carried."""
    from iskra.core.errors import NotFound
    from iskra.motions.permissions import load_motion
    from iskra.representation.models import NoConfidence

    motion = load_motion(request_user(request), motion_id)
    if not NoConfidence.objects.filter(motion=motion).exists():
        raise NotFound("This motion is not a motion of no confidence.")
    return _no_confidence_out(motion.pk)


class DepartureOut(Schema):
    id: int
    vote_id: int
    meeting_id: int
    motion_id: int
    amendment_id: int | None
    unit_id: int = Field(description="The unit whose instructed mandate it departed from.")
    expected: str = Field(description="for or against, as mandated.")
    cast: str = Field(description="for, against or abstain, as recorded.")
    at: dt.datetime
    report_meeting_id: int | None = Field(
        description="The unit's meeting with the report-back item (null until one is called)."
    )


@router.get("/holdings/{holding_id}/departures", response={200: list[DepartureOut], **ERRORS})
def list_departures(request: HttpRequest, holding_id: PathId) -> Any:
    """The holder's recorded votes in this term that departed from their unit's instructed
    mandate (public to members, like the rest of the holder's record)."""
    from iskra.representation.mandates import departures_of

    holding = load_holding(request_user(request), holding_id)
    return [
        {
            "id": d.pk,
            "vote_id": d.vote_id,
            "meeting_id": d.vote.meeting_id,
            "motion_id": d.vote.motion_id,
            "amendment_id": d.vote.amendment_id,
            "unit_id": d.unit_id,
            "expected": d.expected,
            "cast": d.cast,
            "at": d.at,
            "report_meeting_id": d.report_item.meeting_id if d.report_item else None,
        }
        for d in departures_of(holding)[:500]
    ]
