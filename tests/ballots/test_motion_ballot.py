"""A motion decided by an all-member secret ballot becomes a decision when the ballot closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot, RollEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.motions import services as motions
from iskra.motions.models import MotionStatus
from tests.conftest import World, fresh


def _admitted(world: World):  # type: ignore[no-untyped-def]
    body = world.national_committee
    body.supporters_required = 0
    body.save()
    motion = motions.create_motion(
        actor=fresh(world.member), body=body, title="Affiliate", text="We affiliate."
    )
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    return motion


@pytest.mark.parametrize("answer, outcome", [(0, MotionStatus.CARRIED), (1, MotionStatus.LOST)])
def test_all_member_ballot_decides_the_motion(world: World, answer: int, outcome: str) -> None:
    motion = _admitted(world)
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        ballots.put_motion_to_ballot(
            actor=fresh(world.secretary),
            motion=motion,
            opens_at=now,
            closes_at=now + timedelta(days=3),
            sealed=False,
        )
    ballot = ballots.put_motion_to_ballot(
        actor=fresh(world.officer),
        motion=motion,
        opens_at=now,
        closes_at=now + timedelta(days=3),
        sealed=False,
    )
    with pytest.raises(DomainError, match="already has a ballot"):
        ballots.put_motion_to_ballot(
            actor=fresh(world.officer),
            motion=motion,
            opens_at=now,
            closes_at=now + timedelta(days=3),
            sealed=False,
        )
    ballots.appoint_scrutineer(actor=fresh(world.officer), ballot=ballot, scrutineer=world.outsider)
    ballots.open_ballot(actor=fresh(world.officer), ballot=ballot)
    question = ballot.questions.get()
    for entry in RollEntry.objects.filter(ballot=ballot):
        ballots.cast_ballot(ballot=ballot, answers={str(question.pk): answer}, user=entry.user)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=now - timedelta(seconds=1))
    assert ballots.close_ballot(ballot_id=ballot.pk)
    motion.refresh_from_db()
    assert motion.status == outcome
    assert hasattr(motion, "decision") is (outcome == MotionStatus.CARRIED)


def test_remit_needs_officer_and_reason(world: World) -> None:
    motion = _admitted(world)
    with pytest.raises(PermissionDenied):
        motions.remit_motion(actor=fresh(world.member), motion=motion, reason="to the NC")
    with pytest.raises(DomainError, match="Record where"):
        motions.remit_motion(actor=fresh(world.officer), motion=motion, reason=" ")
    motions.remit_motion(
        actor=fresh(world.officer),
        motion=motion,
        reason="Remitted to the National Committee by the November meeting",
    )
    motion.refresh_from_db()
    assert motion.status == MotionStatus.REMITTED
    assert motion.status_changes.last().reason.startswith("Remitted")
