"""What the representation app does when something below it happens."""

from __future__ import annotations

from typing import Any


def settle_recall_ballot(
    sender: Any, *, ballot: Any, result: dict[str, Any], **kwargs: Any
) -> None:
    """A counted ballot that a recall petition opened decides the holding (in the closing
    transaction)."""
    from iskra.representation.services import settle

    settle(ballot, result)


def settle_no_confidence(sender: Any, *, motion: Any, actor: Any, **kwargs: Any) -> None:
    """A carried motion of no confidence ends the terms it names (in the vote's transaction);
    a carried recall motion recalls the holder."""
    from iskra.representation.no_confidence import settle
    from iskra.representation.recall_meeting import settle_recall_motion

    settle(motion, actor)
    settle_recall_motion(motion, carried=True)


def check_mandates(sender: Any, *, vote: Any, **kwargs: Any) -> None:
    """A counted vote: delegates' recorded votes against their units' mandates."""
    from iskra.representation.mandates import check_vote
    from iskra.representation.recall_meeting import settle_recall_motion

    check_vote(vote)
    # A recall motion lost at the meeting: the holder stays.
    if vote.amendment_id is None and vote.carried is False:
        settle_recall_motion(vote.motion, carried=False)


def place_report_backs(sender: Any, *, meeting: Any, **kwargs: Any) -> None:
    """A meeting called: report-backs waiting for the unit's next meeting go on it."""
    from iskra.representation.mandates import place_waiting_report_backs
    from iskra.representation.recall_meeting import place_waiting_recalls

    place_waiting_report_backs(meeting)
    place_waiting_recalls(meeting)


def check_reserved_places(
    sender: Any, *, seat: Any, holder: Any, ending: Any, **kwargs: Any
) -> None:
    """A delegate elected to a seat: the delegation's reserved places can still be filled."""
    from iskra.representation.reserved import check_appointment

    check_appointment(seat=seat, holder=holder, ending=ending)
