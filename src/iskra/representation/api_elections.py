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
from iskra.representation import elections
from iskra.representation.models import Election
from iskra.representation.permissions import load_holding

router = Router(tags=["delegates"])


class ElectionIn(Input):
    holder_id: int = Field(ge=1, le=2**31 - 1, description="The member elected.")
    ballot_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The counted ballot that elected them; or:"
    )
    meeting_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The meeting at which they were elected."
    )
    started_on: dt.date | None = Field(None, description="The term's first day (default today).")


class ElectionOut(Schema):
    holding_id: int
    seat_id: int
    holder_id: int
    started_on: dt.date
    ballot_id: int | None
    meeting_id: int | None
    recorded_by_id: int
    recorded_at: dt.datetime


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
        raise DomainError("No member has that id.")
    ballot = meeting = None
    if payload.ballot_id is not None:
        ballot = Ballot.objects.filter(pk=payload.ballot_id).first()
        if ballot is None:
            raise DomainError("No such ballot.")
    if payload.meeting_id is not None:
        meeting = Meeting.objects.select_related("body").filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise DomainError("No such meeting.")
    holding = elections.record_election(
        actor=user,
        seat=seat,
        holder=holder,
        ballot=ballot,
        meeting=meeting,
        started_on=payload.started_on,
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
