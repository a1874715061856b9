"""Transfers between branches: asked, decided, cancelled."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.tasks import send_after_commit
from iskra.core.words import visible
from iskra.members.models import (
    Membership,
    Status,
    Transfer,
)
from iskra.members.permissions import (
    can_decide_transfer,
)
from iskra.members.services.common import _lock, _officer_emails
from iskra.organisation.models import Unit
from iskra.organisation.permissions import require


@transaction.atomic
def request_transfer(*, actor: Any, to_unit: Unit, reason: str = "") -> Transfer:
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(user_id=actor.pk)
        .first()
    )
    if membership is None or membership.status not in {Status.CANDIDATE, Status.MEMBER}:
        raise DomainError("Only members can transfer between branches.")
    if not to_unit.kind.holds_members:
        raise DomainError("Choose a branch to transfer to.")
    if to_unit.pk == membership.unit_id:
        raise DomainError("You are already in this branch.")
    if Transfer.objects.filter(membership=membership, state=Transfer.State.PENDING).exists():
        raise DomainError("You already have a transfer waiting for a decision.")
    transfer = Transfer.objects.create(
        membership=membership,
        from_unit=membership.unit,
        to_unit=to_unit,
        reason=reason,
        requested_at=timezone.now(),
    )
    record(
        actor=actor,
        action="transfer.request",
        obj=transfer,
        unit=to_unit,
        data={"from": membership.unit_id, "to": to_unit.pk},
    )
    for email in _officer_emails(to_unit):
        send_after_commit(
            to=email,
            template="members/email/transfer_requested",
            context={"name": actor.full_name, "from": membership.unit.name, "to": to_unit.name},
        )
    return transfer


@transaction.atomic
def decide_transfer(*, actor: Any, transfer: Transfer, accept: bool, reason: str = "") -> Transfer:
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("to_unit", "from_unit")
        .get(pk=transfer.pk)
    )
    require(
        can_decide_transfer(actor, transfer),
        "Only officers of the receiving branch can decide this transfer.",
    )
    if transfer.state != Transfer.State.PENDING:
        raise DomainError("This transfer has already been decided.")
    if not accept and not visible(reason):
        raise DomainError("Give the reason for declining.")
    membership = _lock(transfer.membership)
    transfer.state = Transfer.State.ACCEPTED if accept else Transfer.State.DECLINED
    transfer.decided_at = timezone.now()
    transfer.decided_by = actor
    transfer.decision_reason = reason
    transfer.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    if accept:
        membership.unit = transfer.to_unit
        membership.save(update_fields=["unit"])
    record(
        actor=actor,
        action="transfer.decide",
        obj=transfer,
        unit=transfer.to_unit,
        data={"state": transfer.state},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    notify(
        users=[membership.user_id],
        kind="membership.transfer_decided",
        title=f"Your transfer to {transfer.to_unit.name}: "
        + ("accepted" if accept else "declined"),
        url=reverse("members:mine"),
        emailed=True,  # the email below says the same
    )
    send_after_commit(
        to=membership.user.email,
        template="members/email/transfer_decided",
        context={
            "name": membership.user.full_name,
            "accepted": accept,
            "to": transfer.to_unit.name,
            "reason": reason,
        },
    )
    return transfer


@transaction.atomic
def cancel_transfer(*, actor: Any, transfer: Transfer) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("membership").get(pk=transfer.pk)
    require(
        transfer.membership.user_id == actor.pk,
        "Only the member can cancel their transfer request.",
    )
    if transfer.state != Transfer.State.PENDING:
        raise DomainError("This transfer has already been decided.")
    transfer.state = Transfer.State.CANCELLED
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["state", "decided_at"])
    record(actor=actor, action="transfer.cancel", obj=transfer, unit=transfer.to_unit)
    return transfer
