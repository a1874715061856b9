"""The API of proxies in a ballot that allows them (``iskra.ballots.services.proxies``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.accounts.models import User
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.ballots import services
from iskra.ballots.api import VOTE_ERRORS, VOTED_MESSAGE
from iskra.ballots.api_out import no_store
from iskra.ballots.models import BallotProxy
from iskra.ballots.permissions import load_ballot
from iskra.ballots.schemas import TrackerOut, VoteIn
from iskra.ballots.services import proxies
from iskra.core.errors import DomainError, PermissionDenied

router = Router(tags=["ballots"])


class BallotProxyOut(Schema):
    member_id: int
    member_name: str
    holder_id: int
    holder_name: str
    state: str = Field(description="appointed, withdrawn, declined or used.")
    appointed_at: dt.datetime


class BallotProxiesOut(Schema):
    allowed: bool
    why_not: str = Field(description="Why the ballot takes no proxies ('' when it does).")
    deadline: dt.datetime = Field(description="Proxies are named by then.")
    yours: BallotProxyOut | None = Field(description="Your proxy standing, if any.")
    held: list[BallotProxyOut] = Field(description="The proxies you hold, still to vote.")


class BallotProxyIn(Input):
    holder_id: int = Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="The member named as proxy: a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )


class ProxyVoteIn(VoteIn):
    member_id: int = Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="The member whose proxy you hold: a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )


def _out(p: BallotProxy) -> dict[str, Any]:
    return {
        "member_id": p.member_id,
        "member_name": p.member.full_name,
        "holder_id": p.holder_id,
        "holder_name": p.holder.full_name,
        "state": p.state,
        "appointed_at": p.appointed_at,
    }


@router.get("/ballots/{ballot_id}/proxies", response={200: BallotProxiesOut, **ERRORS})
def get_proxies(request: HttpRequest, ballot_id: PathId) -> Any:
    """Whether the ballot takes proxies; your proxy; the proxies you hold."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    why = proxies.why_no_proxies(ballot)
    mine = proxies.proxy_of(ballot, user)
    return {
        "allowed": not why,
        "why_not": why,
        "deadline": proxies.deadline(ballot),
        "yours": _out(mine) if mine else None,
        "held": [_out(p) for p in proxies.held_by(ballot, user)],
    }


@router.post("/ballots/{ballot_id}/proxy", response={201: BallotProxyOut, **ERRORS})
def appoint(request: HttpRequest, ballot_id: PathId, payload: BallotProxyIn) -> Any:
    """Name your proxy in the ballot (where it takes proxies, by the deadline)."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    holder = User.objects.filter(pk=payload.holder_id).first()
    if holder is None:
        raise DomainError("The person named is not entitled to vote in this ballot.")
    proxy = services.appoint_ballot_proxy(actor=user, ballot=ballot, holder=holder)
    return Status(201, _out(proxy))


@router.delete("/ballots/{ballot_id}/proxy", response={200: BallotProxyOut, **ERRORS})
def withdraw(request: HttpRequest, ballot_id: PathId) -> Any:
    user = request_user(request)
    proxy = services.withdraw_ballot_proxy(actor=user, ballot=load_ballot(user, ballot_id))
    return _out(proxy)


@router.post(
    "/ballots/{ballot_id}/proxies/{member_id}/decline", response={200: BallotProxyOut, **ERRORS}
)
def decline(request: HttpRequest, ballot_id: PathId, member_id: PathId) -> Any:
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        raise DomainError("You do not hold that proxy.")
    return _out(services.decline_ballot_proxy(actor=user, ballot=ballot, member=member))


@router.post("/ballots/{ballot_id}/proxy-votes", response={201: TrackerOut, **VOTE_ERRORS})
def vote_as_proxy(
    request: HttpRequest, ballot_id: PathId, payload: ProxyVoteIn, response: HttpResponse
) -> Any:
    """Cast the vote of a member whose proxy you hold, with their place on the roll. The
    tracker is returned and emailed to the member."""
    no_store(response)
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    member = User.objects.filter(pk=payload.member_id).first()
    if member is None:
        # As for anyone's id whose proxy you do not hold: an id's existence is not told.
        raise PermissionDenied("You do not hold that member's proxy in this ballot.")
    tracker = services.cast_by_proxy(
        actor=user, ballot=ballot, member=member, answers=payload.answers
    )
    services.email_tracker(ballot=ballot, voter=member, tracker=tracker)
    return Status(201, {"tracker": tracker, "message": VOTED_MESSAGE})
