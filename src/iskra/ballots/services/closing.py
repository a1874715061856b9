"""Closing and counting: the count, the board, the order of storage erased, the motion settled; the sweep that closes ballots due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.ballots import storage, tally
from iskra.ballots.models import (
    Ballot,
    BoardEntry,
    CastBallot,
    RollEntry,
)
from iskra.ballots.services.common import _lock_for_casting, questions_data
from iskra.core.notifications import notify

# --- Closing, counting, publishing --------------------------------------------------------------


def rule_for(ballot: Ballot) -> Any:
    opened = timezone.localtime(ballot.opened_at or ballot.opens_at).date()
    return tally.ballot_rule(
        ballot.preset,
        opened_on=opened,
        important_public_service=ballot.important_public_service,
        turnout_rule_repealed=ballot.turnout_rule_repealed,
    )


@transaction.atomic
def close_ballot(
    *, ballot_id: int, now: datetime | None = None, release_pages: bool = True
) -> bool:
    """Close a ballot whose time has come, count it and publish the board. Called by the worker;
    refuses to close early. Returns whether it closed.

    In the same transaction the marks and ballots are rewritten in a random order
    (``storage.rewrite_in_random_order``); after the commit the pages that held them in casting
    order are released (``compact_closed_ballots``; ``release_pages=False`` leaves that to the
    caller, which closes several at once)."""
    import random

    _lock_for_casting(ballot_id, exclusive=True)
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot_id)
    now = now or timezone.now()
    if ballot.state != Ballot.State.OPEN or ballot.closes_at > now:
        return False
    if ballot.sealed:
        from iskra.ballots.services.sealed_voting import close_sealed

        close_sealed(ballot, now)
        return True
    contents = list(CastBallot.objects.filter(ballot=ballot).values_list("tracker", "content"))
    # The board's order is random, so it says nothing about the order in which votes came.
    random.SystemRandom().shuffle(contents)
    hashes = tally.chain(str(ballot.pk), contents)
    BoardEntry.objects.bulk_create(
        [
            BoardEntry(ballot=ballot, position=i + 1, tracker=t, content=c, chain_hash=h)
            for i, ((t, c), h) in enumerate(zip(contents, hashes, strict=True))
        ],
        batch_size=5000,
    )
    result = tally.tally(
        questions=questions_data(ballot),
        contents=[c for _, c in contents],
        entitled=ballot.roll_size,
        rule=rule_for(ballot),
    )
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = now
    ballot.board_hash = hashes[-1] if hashes else tally.genesis(str(ballot.pk))
    result["board_hash"] = ballot.board_hash
    ballot.result = result
    ballot.save(update_fields=["state", "closed_at", "board_hash", "result"])
    record(
        actor=None,
        action="ballot.close",
        obj=ballot,
        unit=ballot.unit,
        data={
            "cast": result["cast"],
            "entitled": result["entitled"],
            "board_hash": ballot.board_hash,
        },
    )
    announce_result(ballot, result)
    storage.rewrite_in_random_order(ballot.pk)
    if release_pages:
        transaction.on_commit(compact_closed_ballots, robust=True)
    return True


def announce_result(ballot: Ballot, result: dict[str, Any]) -> None:
    """After any close (plain or sealed): settle the motion put to the ballot and tell everyone
    on the roll that the result is out."""
    from iskra.ballots.signals import ballot_counted

    if ballot.motion_id is not None:
        _settle_motion(ballot, result)
    ballot_counted.send(sender=Ballot, ballot=ballot, result=result)
    people = list(RollEntry.objects.filter(ballot=ballot).values_list("user_id", flat=True))
    notify(
        users=people,
        kind="ballot.result",
        title=f"Result: {ballot.title}",
        url=reverse("ballots:result", args=[ballot.pk]),
    )


def compact_closed_ballots() -> int:
    """Release the pages that still hold closed ballots' marks and ballots in the order they
    were cast (``storage.release_old_pages``), and record it on those ballots. Runs after the
    close commits, and on every sweep of the worker until it succeeds. Returns how many ballots
    it settled."""
    if connection.in_atomic_block:
        # A VACUUM cannot run inside a transaction; the next sweep will do it.
        return 0
    pending = list(
        Ballot.objects.filter(
            state=Ballot.State.CLOSED, storage_compacted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if not pending or not storage.release_old_pages(pending):
        return 0
    return Ballot.objects.filter(pk__in=pending).update(storage_compacted_at=timezone.now())


def _settle_motion(ballot: Ballot, result: dict[str, Any]) -> None:
    """A motion put to this ballot is carried or lost by its yes/no question's result."""
    from iskra.motions.models import Motion, MotionStatus
    from iskra.motions.services import transition
    from iskra.motions.signals import motion_carried

    assert ballot.motion_id is not None
    motion = (
        Motion.objects.select_for_update().select_related("body__unit").get(pk=ballot.motion_id)
    )
    if motion.status != MotionStatus.IN_DISCUSSION:
        return
    carried = bool(result["questions"] and result["questions"][0].get("passed"))
    transition(
        motion,
        to=MotionStatus.CARRIED if carried else MotionStatus.LOST,
        actor=None,
        reason=f"Decided by secret ballot: {ballot.title}",
    )
    if carried:
        # The decisions app records the decision (see iskra.motions.signals).
        motion_carried.send(sender=Ballot, motion=motion, actor=None, vote=None)


def close_due_ballots(*, now: datetime | None = None) -> int:
    """The worker's sweep: close every ballot whose time has come, then release the storage of
    every closed ballot not yet settled (one rebuild for all of them)."""
    now = now or timezone.now()
    due = Ballot.objects.filter(state=Ballot.State.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    )
    closed = sum(close_ballot(ballot_id=pk, now=now, release_pages=False) for pk in list(due))
    compact_closed_ballots()
    return closed
