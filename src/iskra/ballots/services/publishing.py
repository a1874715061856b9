"""What is published, and when: the result, the board, the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from iskra.ballots.models import (
    Ballot,
)
from iskra.ballots.services.common import questions_data
from iskra.core.errors import DomainError

# --- What is published ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """Whether the bulletin board and the figures for each answer are published, and if not,
    why — in words for the members who read it."""

    breakdown: bool
    reason: str


def publication(ballot: Ballot) -> Publication:
    """The board and every breakdown of the count (figures per answer, blank answers, count
    sheets, threshold arithmetic) are published only if at least ``min_published_ballots``
    ballots were cast: with fewer, anyone who knows who voted (the scrutineer sees the roll;
    members talk) could tell how they voted. Turnout and the outcome are always published.
    (Iskra keeps no unit with a ballot, so there is no per-unit subtotal to withhold.)"""
    if ballot.state != Ballot.State.CLOSED:
        return Publication(False, NOT_YET_COUNTED)
    cast = int(ballot.result.get("cast", 0))
    minimum = ballot.min_published_ballots
    if cast >= minimum:
        return Publication(True, "")
    counted = (
        "No ballot was cast"
        if cast == 0
        else f"Only {cast} ballot{'s' if cast != 1 else ''} {'were' if cast != 1 else 'was'} cast"
    )
    return Publication(
        False,
        f"{counted}, fewer than this ballot's publication minimum of {minimum}: the bulletin "
        "board and the figures for each answer are withheld, because with so few ballots they "
        "would show how people voted. Turnout and the outcome are published.",
    )


NOT_YET_COUNTED = (
    "Results are published when the ballot closes; nothing is counted or shown before."
)


def board_is_public(ballot: Ballot) -> bool:
    return publication(ballot).breakdown


# What a withheld result keeps: turnout, the rule, the board's final hash, and each question's
# outcome.
_RESULT_ALWAYS = ("entitled", "cast", "turnout", "turnout_arithmetic", "rule", "board_hash")
_QUESTION_ALWAYS = ("question", "kind", "cast", "passed", "elected", "method")


def public_result(ballot: Ballot) -> dict[str, Any]:
    """The result as it may be shown: whole, or without its breakdown below the minimum (then
    with ``withheld`` giving the reason). The stored result keeps everything."""
    result: dict[str, Any] = ballot.result
    shown = publication(ballot)
    if shown.breakdown:
        return result
    return {
        **{k: result[k] for k in _RESULT_ALWAYS if k in result},
        "withheld": shown.reason,
        "questions": [
            {**{k: q[k] for k in _QUESTION_ALWAYS if k in q}, "withheld": True}
            for q in result.get("questions", [])
        ],
    }


def export(ballot: Ballot) -> dict[str, Any]:
    """The published record: definition, board with its chain, result. Enough to recount —
    when at least the publication minimum of ballots was cast; below it, the board is empty
    and the result has no breakdown (``public_result``)."""
    if ballot.sealed and ballot.state == Ballot.State.CLOSED:
        from iskra.ballots.services.sealed_voting import sealed_export

        return sealed_export(ballot)
    if ballot.state != Ballot.State.CLOSED:
        raise DomainError("A ballot is exported after its count.")
    public = board_is_public(ballot)
    return {
        "format": "iskra-ballot-export/1",
        "ballot": {
            "ref": str(ballot.pk),
            "title": ballot.title,
            "preset": ballot.preset,
            "opened_on": timezone.localtime(ballot.opened_at or ballot.opens_at).date().isoformat(),
            "important_public_service": ballot.important_public_service,
            "turnout_rule_repealed": ballot.turnout_rule_repealed,
            "entitled": ballot.roll_size,
            "min_published_ballots": ballot.min_published_ballots,
        },
        "questions": questions_data(ballot),
        "board_public": public,
        "board": [
            {"tracker": e.tracker, "content": e.content, "hash": e.chain_hash}
            for e in ballot.board.all()
        ]
        if public
        else [],
        "board_hash": ballot.board_hash,
        "result": public_result(ballot),
    }
