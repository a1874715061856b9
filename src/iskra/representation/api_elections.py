"""Recording a seat's election through the API: the holder elected by a ballot of the seat's
constituency or at a meeting of it (``iskra.representation.elections``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.ballots.models import Ballot
from iskra.core.errors import DomainError, NotFound
from iskra.meetings.models import Meeting
from iskra.organisation.models import SeatHolding
from iskra.organisation.permissions import load_seat
from iskra.representation import byelections, elections
from iskra.representation.models import Election, Nomination, Substitute
from iskra.representation.permissions import load_by_election, load_holding, load_nomination

router = Router(tags=["delegates"])


class ElectionIn(Input):
    holder_id: int = Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="The member elected: a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )
    ballot_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The counted ballot that elected them; or:"
    )
    meeting_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The meeting at which they were elected."
    )
    started_on: dt.date | None = Field(None, description="The term's first day (default today).")
    substitute_id: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The substitute elected with them: takes the seat if it falls vacant.",
    )


class ElectionOut(Schema):
    holding_id: int
    seat_id: int
    holder_id: int
    started_on: dt.date
    ballot_id: int | None
    meeting_id: int | None
    recorded_by_id: int
    recorded_at: dt.datetime
    substitute_id: int | None = Field(None, description="The seat's current substitute.")


def _out(holding: SeatHolding, election: Election) -> dict[str, Any]:
    return {
        "holding_id": holding.pk,
        "seat_id": holding.seat_id,
        "holder_id": holding.holder_id,
        "started_on": holding.started_on,
        "ballot_id": election.ballot_id,
        "meeting_id": election.meeting_id,
        "recorded_by_id": election.recorded_by_id,
        "recorded_at": election.recorded_at,
        "substitute_id": Substitute.objects.filter(seat_id=holding.seat_id, ended_at__isnull=True)
        .values_list("member_id", flat=True)
        .first(),
    }


@router.post("/seats/{seat_id}/election", response={201: ElectionOut, **ERRORS})
def record_election(request: HttpRequest, seat_id: PathId, payload: ElectionIn) -> Any:
    """Record who the seat's constituency elected, with the ballot or the meeting (one of them):
    the officers of the seat's body, or of the unit a delegate's seat represents."""
    from iskra.accounts.models import User

    user = request_user(request)
    seat = load_seat(user, seat_id)
    holder = User.objects.filter(pk=payload.holder_id).first()
    if holder is None:
        raise DomainError("The person named is not a member in good standing of the constituency.")
    ballot = meeting = None
    if payload.ballot_id is not None:
        ballot = Ballot.objects.filter(pk=payload.ballot_id).first()
        if ballot is None:
            raise DomainError("No such ballot.")
    if payload.meeting_id is not None:
        meeting = Meeting.objects.select_related("body").filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise DomainError("No such meeting.")
    substitute = None
    if payload.substitute_id is not None:
        substitute = User.objects.filter(pk=payload.substitute_id).first()
        if substitute is None:
            raise DomainError("The substitute named is not a member of the constituency.")
    holding = elections.record_election(
        actor=user,
        seat=seat,
        holder=holder,
        ballot=ballot,
        meeting=meeting,
        started_on=payload.started_on,
        substitute=substitute,
    )
    return Status(201, _out(holding, Election.objects.get(holding=holding)))


@router.get("/holdings/{holding_id}/election", response={200: ElectionOut, **ERRORS})
def get_election(request: HttpRequest, holding_id: PathId) -> Any:
    """How the holder was elected (404 where the term was recorded without it)."""
    holding = load_holding(request_user(request), holding_id)
    election = Election.objects.filter(holding=holding).first()
    if election is None:
        raise NotFound("No election is recorded with this term.")
    return _out(holding, election)


class NominationOut(Schema):
    id: int
    by_election_id: int
    nominee_id: int
    nominee_name: str
    nominated_by_id: int
    accepted: bool
    withdrawn: bool


class ByElectionOut(Schema):
    id: int
    seat_id: int
    seat_title: str
    why: str
    state: str = Field(description="nominating, or ballot (nominations closed).")
    nominations_close_on: dt.date = Field(description="The last day nominations are taken.")
    ballot_id: int
    candidates: list[NominationOut] = Field(description="Accepted nominations that stand.")
    yours: list[NominationOut] = Field(description="Nominations of you, or by you.")


class NominateIn(Input):
    nominee_id: int = Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="The member nominated (you: you stand): a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )


def _nomination_out(n: Nomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "by_election_id": n.by_election_id,
        "nominee_id": n.nominee_id,
        "nominee_name": n.nominee.full_name,
        "nominated_by_id": n.nominated_by_id,
        "accepted": n.accepted_at is not None,
        "withdrawn": n.withdrawn_at is not None,
    }


@router.get("/by-elections/{by_election_id}", response={200: ByElectionOut, **ERRORS})
def get_by_election(request: HttpRequest, by_election_id: PathId) -> Any:
    """A by-election: its nominations until they close, then its ballot (the constituency and
    the unit's officers)."""
    from django.db.models import Q

    user = request_user(request)
    found = load_by_election(user, by_election_id)
    yours = (
        found.nominations.filter(Q(nominee=user) | Q(nominated_by=user))
        .select_related("nominee")
        .order_by("pk")
    )
    return {
        "id": found.pk,
        "seat_id": found.seat_id,
        "seat_title": found.seat.title,
        "why": found.why,
        "state": found.state,
        "nominations_close_on": found.nominations_close_on,
        "ballot_id": found.ballot_id,
        "candidates": [_nomination_out(n) for n in byelections.standing(found)],
        "yours": [_nomination_out(n) for n in yours],
    }


@router.post("/by-elections/{by_election_id}/nominations", response={201: NominationOut, **ERRORS})
def nominate(request: HttpRequest, by_election_id: PathId, payload: NominateIn) -> Any:
    """Nominate a member of the constituency (yourself: you stand at once; another member is
    asked to accept)."""
    from iskra.accounts.models import User

    user = request_user(request)
    found = load_by_election(user, by_election_id)
    nominee = User.objects.filter(pk=payload.nominee_id).first()
    if nominee is None:
        raise DomainError("The person named is not a member in good standing of the constituency.")
    return Status(
        201, _nomination_out(byelections.nominate(actor=user, by_election=found, nominee=nominee))
    )


@router.post("/nominations/{nomination_id}/accept", response={200: NominationOut, **ERRORS})
def accept_nomination(request: HttpRequest, nomination_id: PathId) -> Any:
    user = request_user(request)
    nomination = load_nomination(user, nomination_id)
    return _nomination_out(byelections.accept_nomination(actor=user, nomination=nomination))


@router.delete("/nominations/{nomination_id}", response={200: NominationOut, **ERRORS})
def withdraw_nomination(request: HttpRequest, nomination_id: PathId) -> Any:
    """The nominee declines or withdraws; who nominated them may withdraw it until accepted."""
    user = request_user(request)
    nomination = load_nomination(user, nomination_id)
    return _nomination_out(byelections.withdraw_nomination(actor=user, nomination=nomination))
