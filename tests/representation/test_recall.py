"""Recall at any time: a petition of the seat's constituency, its threshold, the recall ballot
it opens by itself, and what the count does to the seat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot, Preset, RollEntry
from iskra.ballots.permissions import holds_office_in
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.organisation.models import Body, SeatHolding
from iskra.representation import services
from iskra.representation.models import RecallEligible, RecallPetition, RecallSignature
from tests.conftest import fresh, make_member
from tests.representation.conftest import RecallWorld


def _start(r: RecallWorld, reason: str = "Missed four meetings running.") -> RecallPetition:
    return services.start_petition(actor=fresh(r.world.member), holding=r.holding, reason=reason)


def test_a_member_of_the_constituency_starts_a_petition_and_signs_it(recall: RecallWorld) -> None:
    petition = _start(recall)
    assert petition.state == RecallPetition.State.OPEN
    assert (petition.eligible, petition.required, petition.signatures) == (10, 2, 1)
    assert petition.closes_on == timezone.localdate() + timedelta(days=42)
    assert RecallEligible.objects.filter(petition=petition).count() == 10
    assert services.has_signed(recall.world.member, petition)
    assert AuditEntry.objects.filter(action="recall.start").count() == 1
    # The holder is told, to reply; the rest of the constituency, to sign.
    holder = Notification.objects.get(user=recall.world.secretary, kind="recall.started")
    assert "reply" in holder.title
    assert Notification.objects.filter(kind="recall.started").count() == 9


def test_outside_the_constituency_nobody_starts_or_signs(recall: RecallWorld) -> None:
    w = recall.world
    with pytest.raises(PermissionDenied, match="constituency"):
        services.start_petition(actor=fresh(w.other_secretary), holding=recall.holding, reason="x")
    with pytest.raises(DomainError, match="own recall"):
        services.start_petition(actor=fresh(w.secretary), holding=recall.holding, reason="x")
    with pytest.raises(DomainError, match="Say why"):
        services.start_petition(actor=fresh(w.member), holding=recall.holding, reason="  ")
    assert not RecallPetition.objects.exists()
    petition = _start(recall)
    with pytest.raises(PermissionDenied, match="constituency"):
        services.sign(actor=fresh(w.other_secretary), petition=petition)
    # Eligibility is fixed on the day it started: a member who joins Branch A later cannot sign.
    newcomer = make_member("new@example.org", "New Comer", w.branch_a)
    with pytest.raises(PermissionDenied):
        services.sign(actor=newcomer, petition=petition)
    with pytest.raises(DomainError, match="own recall"):
        services.sign(actor=fresh(w.secretary), petition=petition)
    assert RecallSignature.objects.count() == 1
    petition.refresh_from_db()
    assert petition.signatures == 1


def test_one_petition_at_a_time_and_one_signature_each(recall: RecallWorld) -> None:
    petition = _start(recall)
    with pytest.raises(DomainError, match="already under way"):
        services.start_petition(
            actor=fresh(recall.others[0]), holding=recall.holding, reason="Again."
        )
    with pytest.raises(DomainError, match="already signed"):
        services.sign(actor=fresh(recall.world.member), petition=petition)
    petition.refresh_from_db()
    assert petition.signatures == 1 and RecallPetition.objects.count() == 1


def test_withdraw_then_sign_again(recall: RecallWorld) -> None:
    petition = _start(recall)
    services.withdraw(actor=fresh(recall.world.member), petition=petition)
    petition.refresh_from_db()
    assert petition.signatures == 0 and not services.has_signed(recall.world.member, petition)
    with pytest.raises(DomainError, match="not signed"):
        services.withdraw(actor=fresh(recall.world.member), petition=petition)
    services.sign(actor=fresh(recall.world.member), petition=petition)
    petition.refresh_from_db()
    assert petition.signatures == 1
    assert RecallSignature.objects.filter(petition=petition).count() == 1


def test_the_audit_log_does_not_name_signers(recall: RecallWorld) -> None:
    petition = _start(recall)
    services.sign(actor=fresh(recall.others[0]), petition=petition)
    signs = AuditEntry.objects.filter(action="recall.sign")
    assert signs.count() == 2
    assert all(e.actor_id is None for e in signs)
    assert {e.data["signatures"] for e in signs} == {1, 2}


def test_the_threshold_opens_a_secret_recall_ballot_by_itself(recall: RecallWorld) -> None:
    petition = _start(recall)
    signer = recall.others[0]
    services.sign(actor=fresh(signer), petition=petition)
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.BALLOT
    ballot = petition.ballot
    assert ballot is not None
    assert ballot.state == Ballot.State.OPEN and ballot.preset == Preset.RECALL
    assert not ballot.sealed and ballot.unit == recall.world.branch_a
    assert ballot.roll_size == 10 == RollEntry.objects.filter(ballot=ballot).count()
    assert ballot.questions.get().text.startswith("Should Sam Secretary be recalled")
    # The scrutineer is drawn by lot: not the holder, no signer, nobody with an office there.
    assert ballot.scrutineer_id not in (
        recall.world.secretary.pk,
        recall.world.member.pk,
        signer.pk,
    )
    assert not holds_office_in(ballot.scrutineer, ballot)
    assert AuditEntry.objects.filter(action="recall.threshold").exists()
    # Withdrawing or signing after the threshold is refused, and changes nothing.
    with pytest.raises(DomainError, match="threshold"):
        services.withdraw(actor=fresh(signer), petition=petition)
    with pytest.raises(DomainError, match="threshold"):
        services.sign(actor=fresh(recall.others[1]), petition=petition)
    petition.refresh_from_db()
    assert petition.signatures == 2


def test_the_spread_rule_waits_for_enough_units(recall: RecallWorld) -> None:
    w = recall.world
    seat = w.branch_secretary_seat
    seat.constituency_unit = w.district
    seat.save(update_fields=["constituency_unit"])
    Body.objects.filter(pk=seat.body_id).update(recall_threshold_percent=10, recall_spread_units=2)
    petition = _start(recall)  # 14 eligible: 2 signatures needed, from 2 units
    assert petition.required == 2 and petition.spread_units == 2
    services.sign(actor=fresh(recall.others[0]), petition=petition)  # Branch A again
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.OPEN and petition.signatures == 2
    services.sign(actor=fresh(w.committee_member), petition=petition)  # Branch B
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.BALLOT


def _count(petition: RecallPetition, yes: int) -> None:
    ballot = petition.ballot
    assert ballot is not None
    question = ballot.questions.get()
    for i, entry in enumerate(RollEntry.objects.filter(ballot=ballot).order_by("pk")):
        answer = 0 if i < yes else 1
        ballots.cast_ballot(ballot=ballot, answers={str(question.pk): answer}, user=entry.user)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert ballots.close_ballot(ballot_id=ballot.pk)


def test_a_carried_recall_ends_the_holding_and_drafts_a_by_election(recall: RecallWorld) -> None:
    petition = _start(recall)
    services.sign(actor=fresh(recall.others[0]), petition=petition)
    petition.refresh_from_db()
    _count(petition, yes=7)
    petition.refresh_from_db()
    holding = SeatHolding.objects.get(pk=recall.holding.pk)
    assert petition.state == RecallPetition.State.RECALLED
    assert holding.ended_on == timezone.localdate()
    assert holding.end_reason == f"Recalled by ballot: {petition.ballot.title}"
    by_election = petition.by_election
    assert by_election is not None and by_election.state == Ballot.State.DRAFT
    assert by_election.unit == recall.world.branch_a
    entry = AuditEntry.objects.get(action="seat.end", object_id=str(holding.pk))
    assert entry.actor_id is None and entry.data["ballot"] == petition.ballot_id
    # The secretary's rights ended with the seat.
    from iskra.organisation.permissions import is_officer_of

    assert not is_officer_of(fresh(recall.world.secretary), recall.world.branch_a)


def test_a_lost_recall_leaves_the_holder(recall: RecallWorld) -> None:
    petition = _start(recall)
    services.sign(actor=fresh(recall.others[0]), petition=petition)
    petition.refresh_from_db()
    _count(petition, yes=3)
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.NOT_RECALLED and petition.by_election is None
    assert SeatHolding.objects.get(pk=recall.holding.pk).ended_on is None
    # A new petition may start now.
    assert services.start_petition(
        actor=fresh(recall.others[2]), holding=recall.holding, reason="Still absent."
    )


def test_a_petition_lapses_after_its_period(recall: RecallWorld) -> None:
    petition = _start(recall)
    RecallPetition.objects.filter(pk=petition.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(DomainError, match="lapsed"):
        services.sign(actor=fresh(recall.others[0]), petition=petition)
    assert services.lapse_due_petitions() == 1
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.LAPSED
    assert AuditEntry.objects.filter(action="recall.lapsed").exists()


def test_the_holder_replies_beside_the_reason(recall: RecallWorld) -> None:
    petition = _start(recall)
    with pytest.raises(PermissionDenied):
        services.reply(actor=fresh(recall.world.member), petition=petition, text="Not me.")
    services.reply(actor=fresh(recall.world.secretary), petition=petition, text="I was ill.")
    petition.refresh_from_db()
    assert petition.reply == "I was ill." and petition.replied_at is not None


def test_a_seat_without_a_constituency_says_so(recall: RecallWorld) -> None:
    seat = recall.world.branch_secretary_seat
    seat.constituency_unit = None
    seat.save(update_fields=["constituency_unit"])
    with pytest.raises(DomainError, match="no constituency recorded"):
        _start(recall)


def test_erasing_a_former_member_removes_the_reason_they_wrote(recall: RecallWorld) -> None:
    from iskra.members.models import Membership, Status
    from iskra.privacy.services import REMOVED, erase_former_member

    petition = _start(recall)
    Membership.objects.filter(user=recall.world.member).update(status=Status.LAPSED)
    erase_former_member(
        actor=fresh(recall.world.officer), user=recall.world.member, reason="email of 4 Dec"
    )
    petition.refresh_from_db()
    assert petition.reason == REMOVED


def test_the_holder_cannot_manage_their_own_recall_ballot(recall: RecallWorld) -> None:
    from iskra.ballots.permissions import can_manage

    petition = _start(recall)
    services.sign(actor=fresh(recall.others[0]), petition=petition)
    petition.refresh_from_db()
    assert petition.ballot is not None
    assert not can_manage(fresh(recall.world.secretary), petition.ballot)
    assert can_manage(fresh(recall.world.officer), petition.ballot)
    with pytest.raises(PermissionDenied):
        ballots.extend_ballot(
            actor=fresh(recall.world.secretary),
            ballot=petition.ballot,
            closes_at=petition.ballot.closes_at + timedelta(days=30),
            reason="More time.",
        )
