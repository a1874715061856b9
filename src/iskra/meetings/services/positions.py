"""A unit's position on a motion circulated to it, recorded from its meeting's votes.

Meetings stand on motions: the position is written by ``motions.services.record_position``,
with the meeting, its vote on the motion and its vote on each amendment."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from iskra.core.errors import DomainError
from iskra.meetings.models import Meeting
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.selectors import position_votes, stances_allowed
from iskra.meetings.services.common import _lock, is_circulated_to
from iskra.motions.models import Motion, Position
from iskra.motions.services import record_position
from iskra.organisation.permissions import require


@transaction.atomic
def record_position_from_meeting(
    *,
    actor: Any,
    meeting: Meeting,
    motion: Motion,
    mandate: str,
    mandate_note: str = "",
    stance: str = "",
) -> Position:
    """Record the unit's position as its meeting voted: the stance from the vote on the motion,
    a stance per amendment from the votes on them, and the mandate for its delegates."""
    meeting = _lock(meeting)
    require(
        can_run_meeting(actor, meeting.body),
        "Only the body's secretary, chair or officers record the position its meeting took.",
    )
    if not is_circulated_to(meeting.body, motion):
        raise DomainError(
            f"This motion was not circulated to {meeting.body.unit.name} for discussion."
        )
    vote, on_amendments = position_votes(meeting, motion)
    if vote is None:
        raise DomainError("Vote on the motion first: the position is what the meeting voted.")
    allowed = stances_allowed(vote)
    stance = stance or allowed[0]
    if stance not in allowed:
        raise DomainError(
            "The meeting voted for the motion: record support, or support if amended."
            if vote.carried
            else "The meeting voted against the motion: its position is to oppose it."
        )
    return record_position(
        actor=actor,
        motion=motion,
        unit=meeting.body.unit,
        stance=stance,
        votes_for=int(vote.votes_for),
        votes_against=int(vote.votes_against),
        abstentions=int(vote.abstentions),
        mandate=mandate,
        mandate_note=mandate_note,
        meeting=meeting,
        vote=vote,
        amendment_stances={
            pk: "support" if v.carried else "oppose" for pk, v in on_amendments.items()
        },
    )
