"""What the ballots API answers: the ballot, its challenges, its result and the scrutineer's
report as the schemas' dicts (ballots/api.py's endpoints build their answers here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, Challenge
from iskra.ballots.permissions import (
    can_manage,
    is_scrutineer,
    load_ballot,
)
from iskra.core.errors import NotFound

NOT_YET_COUNTED = services.NOT_YET_COUNTED


def aware_time(moment: datetime) -> datetime:
    """Times without an offset are read in the organisation's time zone."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def status_word(voted: bool | None) -> str:
    return "not on roll" if voted is None else "voted" if voted else "not voted"


def no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"


def refuse_until_closed(ballot: Ballot, message: str = NOT_YET_COUNTED) -> None:
    if ballot.state != Ballot.State.CLOSED:
        raise NotFound(message)


def extensions_out(ballot: Ballot) -> list[dict[str, Any]]:
    return [
        {
            "old_closes_at": e.old_closes_at,
            "new_closes_at": e.new_closes_at,
            "reason": e.reason,
            "by": e.by.full_name,
            "at": e.at,
        }
        for e in ballot.extensions.select_related("by")
    ]


def ballot_out(user: User, ballot_id: int) -> dict[str, Any]:
    ballot = load_ballot(user, ballot_id)
    return {
        "id": ballot.pk,
        "title": ballot.title,
        "preset": ballot.preset,
        "description": ballot.description,
        "paper_text": ballot.paper_text,
        "state": ballot.state,
        "sealed": ballot.sealed,
        "unit_id": ballot.unit_id,
        "unit_name": ballot.unit.name,
        "constituency_body_id": ballot.constituency_body_id,
        "filter_workplace": ballot.filter_workplace,
        "filter_employer": ballot.filter_employer,
        "filter_job_title": ballot.filter_job_title,
        "important_public_service": ballot.important_public_service,
        "turnout_rule_repealed": ballot.turnout_rule_repealed,
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "opened_at": ballot.opened_at,
        "closed_at": ballot.closed_at,
        "scrutineer_id": ballot.scrutineer_id,
        "scrutineer_name": ballot.scrutineer.full_name if ballot.scrutineer else None,
        "roll_size": ballot.roll_size,
        "min_published_ballots": ballot.min_published_ballots,
        "my_status": status_word(services.voted(ballot, user)),
        "can_manage": can_manage(user, ballot),
        "is_scrutineer": is_scrutineer(user, ballot),
        "questions": services.questions_data(ballot),
        "extensions": extensions_out(ballot),
        "board_public": services.board_is_public(ballot),
        # The final hash exists only once the board is published, at the close.
        "board_hash": ballot.board_hash,
        "report_signed_at": ballot.report_signed_at,
    }


def sees_challengers(user: User, ballot: Ballot) -> bool:
    return is_scrutineer(user, ballot) or can_manage(user, ballot)


def challenge_out(c: Challenge, *, named: bool) -> dict[str, Any]:
    return {
        "id": c.pk,
        "ballot_id": c.ballot_id,
        "name": c.user.full_name if named else None,
        "reason": c.reason if named else None,
        "state": c.state,
        "created_at": c.created_at,
        "decided_at": c.decided_at,
        "decision_reason": c.decision_reason,
    }


def result_out(ballot: Ballot) -> dict[str, Any]:
    result = services.public_result(ballot)
    shown = services.publication(ballot)
    return {
        "ballot_id": ballot.pk,
        "title": ballot.title,
        "closed_at": ballot.closed_at,
        "entitled": result.get("entitled", ballot.roll_size),
        "cast": result.get("cast", 0),
        "turnout": result.get("turnout", ""),
        "turnout_arithmetic": result.get("turnout_arithmetic", ""),
        "rule": result.get("rule", ""),
        "questions": result.get("questions", []),
        "board_hash": ballot.board_hash,
        "board_public": shown.breakdown,
        "withheld_reason": shown.reason or None,
    }


def report_out(user: User, ballot: Ballot) -> dict[str, Any]:
    named = sees_challengers(user, ballot)
    return {
        "ballot_id": ballot.pk,
        "title": ballot.title,
        "preset": ballot.preset,
        "scrutineer_name": ballot.scrutineer.full_name if ballot.scrutineer else None,
        "opened_at": ballot.opened_at,
        "closes_at": ballot.closes_at,
        "closed_at": ballot.closed_at,
        "roll_size": ballot.roll_size,
        "cast": ballot.result.get("cast", 0),
        "turnout": ballot.result.get("turnout", ""),
        "refused_second_attempts": ballot.refused_second_attempts,
        "failed_deliveries": ballot.delivery_failures.count(),
        "board_hash": ballot.board_hash,
        "challenges": [
            challenge_out(c, named=named) for c in ballot.challenges.select_related("user")
        ],
        "extensions": extensions_out(ballot),
        "result": services.public_result(ballot),
        "signed_at": ballot.report_signed_at,
        "signed_by": ballot.report_signed_by.full_name if ballot.report_signed_by else None,
    }
