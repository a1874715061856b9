"""Scrutiny while the ballot runs and after: challenges to the roll, extending the deadline, the scrutineer's sign-off."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.ballots.models import (
    Ballot,
    Challenge,
    Extension,
    RollEntry,
)
from iskra.ballots.permissions import (
    can_manage,
    in_constituency_unit,
    is_scrutineer,
    on_roll,
)
from iskra.ballots.services.common import hash_credential
from iskra.ballots.services.credentials import issue_credentials
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.words import visible
from iskra.organisation.permissions import require

# --- Challenges and extensions ------------------------------------------------------------------


@transaction.atomic
def raise_challenge(*, actor: Any, ballot: Ballot, reason: str) -> Challenge:
    if ballot.state != Ballot.State.OPEN:
        raise DomainError("Challenges are raised while the ballot is open.")
    if on_roll(actor, ballot):
        raise DomainError("You are on the roll already.")
    if not in_constituency_unit(actor, ballot):
        raise DomainError("Only members of the unit can challenge this roll.")
    if not visible(reason):
        raise DomainError(
            "Say why you believe you are entitled to vote (e.g. your workplace and job)."
        )
    try:
        with transaction.atomic():
            challenge = Challenge.objects.create(
                ballot=ballot, user=actor, reason=reason.strip(), created_at=timezone.now()
            )
    except IntegrityError:
        raise DomainError(
            "You have already raised a challenge; the scrutineer will decide it."
        ) from None
    record(actor=actor, action="ballot.challenge", obj=challenge, unit=ballot.unit)
    if ballot.scrutineer_id:
        notify(
            users=[ballot.scrutineer_id],
            kind="ballot.challenge",
            title=f"Roll challenge to decide: {ballot.title}",
            url=reverse("ballots:detail", args=[ballot.pk]),
        )
    return challenge


def _await_sealed_credential(ballot: Ballot, voter: Any) -> None:
    """On a sealed ballot Iskra cannot give the added voter a credential (it never holds one):
    the voter is told one will come from the credential authority, who is asked for a further
    signed batch (``sealed_setup.upload_further_credentials``)."""
    from iskra.ballots.services.sealed_setup import credential_authority
    from iskra.core.tasks import send_after_commit

    authority = credential_authority(ballot)
    name = (authority.full_name or authority.email) if authority else "the credential authority"
    notify(
        users=[voter.pk],
        kind="ballot.challenge_upheld",
        title=f"You are added to the roll of {ballot.title}; your credential will follow",
        url=reverse("ballots:detail", args=[ballot.pk]),
        emailed=True,  # the email below says the same
    )
    send_after_commit(
        to=voter.email,
        template="ballots/email/sealed_challenge_upheld",
        context={
            "name": voter.full_name,
            "ballot": ballot.title,
            "authority": name,
            "page": reverse("ballots:detail", args=[ballot.pk]),
        },
    )
    if authority is not None:
        notify(
            users=[authority.pk],
            kind="ballot.sealed.credential_needed",
            title=f"A voter added on an upheld challenge needs a credential: {ballot.title}",
            url=reverse("ballots:sealed_credentials", args=[ballot.pk]),
        )


@transaction.atomic
def decide_challenge(*, actor: Any, challenge: Challenge, uphold: bool, reason: str) -> Challenge:
    challenge = (
        Challenge.objects.select_for_update()
        .select_related("ballot__unit", "user")
        .get(pk=challenge.pk)
    )
    ballot = challenge.ballot
    require(is_scrutineer(actor, ballot), "Only the scrutineer decides challenges.")
    if challenge.state != Challenge.State.PENDING:
        raise DomainError("This challenge has been decided.")
    if uphold and ballot.state != Ballot.State.OPEN:
        raise DomainError("The ballot has closed; nobody can be added to the roll now.")
    if not visible(reason):
        raise DomainError("Record the reason for the decision.")
    challenge.state = Challenge.State.UPHELD if uphold else Challenge.State.REJECTED
    challenge.decided_at = timezone.now()
    challenge.decision_reason = reason.strip()
    challenge.save(update_fields=["state", "decided_at", "decision_reason"])
    if uphold:
        entry = RollEntry.objects.create(
            ballot=ballot,
            user=challenge.user,
            credential_hash=hash_credential(secrets.token_urlsafe(24)),
            added_on_challenge=True,
        )
        Ballot.objects.filter(pk=ballot.pk).update(roll_size=F("roll_size") + 1)
        ballot_id, entry_id = ballot.pk, entry.pk
        if ballot.sealed:
            _await_sealed_credential(ballot, challenge.user)
        else:
            transaction.on_commit(
                lambda: issue_credentials(ballot_id=ballot_id, roll_entry_ids=[entry_id])
            )
    record(
        actor=actor,
        action="ballot.challenge_decide",
        obj=challenge,
        unit=ballot.unit,
        data={"upheld": uphold, "reason": challenge.decision_reason},
    )
    return challenge


@transaction.atomic
def extend_ballot(*, actor: Any, ballot: Ballot, closes_at: datetime, reason: str) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(can_manage(actor, ballot), "Only officers of the unit extend a ballot.")
    now = timezone.now()
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= now:
        raise DomainError("Only an open ballot can be extended, before its closing time passes.")
    if closes_at <= ballot.closes_at:
        raise DomainError("A ballot can only be extended, never shortened.")
    if not visible(reason):
        raise DomainError("Record the reason for extending the ballot.")
    Extension.objects.create(
        ballot=ballot,
        old_closes_at=ballot.closes_at,
        new_closes_at=closes_at,
        reason=reason.strip(),
        by=actor,
        at=now,
    )
    old = ballot.closes_at
    ballot.closes_at = closes_at
    ballot.save(update_fields=["closes_at"])
    record(
        actor=actor,
        action="ballot.extend",
        obj=ballot,
        unit=ballot.unit,
        data={"from": old, "to": closes_at, "reason": reason.strip()},
    )
    return ballot


@transaction.atomic
def sign_report(*, actor: Any, ballot: Ballot) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(is_scrutineer(actor, ballot), "Only the scrutineer signs the report.")
    if ballot.state != Ballot.State.CLOSED:
        raise DomainError("The report is signed after the count.")
    if ballot.report_signed_at is not None:
        raise DomainError("The report is already signed.")
    if ballot.challenges.filter(state=Challenge.State.PENDING).exists():
        raise DomainError("Decide every challenge before signing.")
    ballot.report_signed_at = timezone.now()
    ballot.report_signed_by = actor
    ballot.save(update_fields=["report_signed_at", "report_signed_by"])
    record(
        actor=actor,
        action="ballot.report_signed",
        obj=ballot,
        unit=ballot.unit,
        data={"board_hash": ballot.board_hash},
    )
    return ballot
