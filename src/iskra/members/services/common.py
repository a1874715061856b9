"""What every membership verb shares (status transitions, locking) and the member's own changes: status, resigning, the profile."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.words import visible, with_article
from iskra.members.models import (
    ALLOWED_TRANSITIONS,
    Membership,
    MembershipEvent,
    Status,
)
from iskra.members.permissions import (
    can_manage_member,
)
from iskra.organisation.models import Body, Unit
from iskra.organisation.permissions import require


def _officer_emails(unit: Unit) -> list[str]:
    from iskra.organisation.selectors import unit_officer_holdings

    return sorted(set(unit_officer_holdings(unit).values_list("holder__email", flat=True)))


def _transition(
    membership: Membership,
    *,
    to_status: str,
    actor: Any,
    reason: str,
    body: Body | None = None,
) -> MembershipEvent:
    """Apply one allowed status change and record it. Callers hold the row lock."""
    if to_status not in Status.values:
        raise DomainError("Choose one of the membership statuses.")
    if to_status not in ALLOWED_TRANSITIONS.get(membership.status, frozenset()):
        raise DomainError(
            f"{with_article(membership.get_status_display().lower()).capitalize()} cannot "
            f"become {Status(to_status).label.lower()}."
        )
    now = timezone.now()
    old = membership.status
    membership.status = to_status
    membership.status_changed_at = now
    membership.save(
        update_fields=[
            "status",
            "status_changed_at",
            "admitted_on",
            "probation_ends_on",
            "probation_held",
            "suspended_until",
        ]
    )
    decided_by = actor if getattr(actor, "pk", None) else None
    event = MembershipEvent.objects.create(
        membership=membership,
        from_status=old,
        to_status=to_status,
        at=now,
        decided_by=decided_by,
        body=body,
        reason=reason,
    )
    record(
        actor=decided_by,
        action="membership.status",
        obj=membership,
        unit=membership.unit,
        data={"old": old, "new": to_status, "body": body.pk if body else None},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    return event


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
    )


@transaction.atomic
def change_status(
    *, actor: Any, membership: Membership, to_status: str, reason: str, body: Body | None = None
) -> MembershipEvent:
    """An officer records a status change (lapsed, resigned, reinstated…) with its reason."""
    membership = _lock(membership)
    require(can_manage_member(actor, membership))
    if to_status in {Status.SUSPENDED, Status.EXPELLED}:
        raise DomainError("Suspension and expulsion are decided through a disciplinary case.")
    if not visible(reason):
        raise DomainError("Record why the status changes.")
    return _transition(
        membership, to_status=to_status, actor=actor, reason=reason.strip(), body=body
    )


@transaction.atomic
def resign(*, actor: Any, reason: str = "") -> MembershipEvent:
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit", "user")
        .filter(user_id=actor.pk)
        .first()
    )
    if membership is None:
        raise DomainError("You have no membership to resign.")
    return _transition(
        membership, to_status=Status.RESIGNED, actor=actor, reason=reason.strip() or "Resigned"
    )
