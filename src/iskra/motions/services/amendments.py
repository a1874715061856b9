"""Amendments: tabled, withdrawn, settled; those left without their passage fall."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.motions.models import (
    Amendment,
    Motion,
    MotionVersion,
)
from iskra.motions.permissions import (
    can_manage_motion,
    can_table_amendment,
)
from iskra.motions.services.common import _lock
from iskra.motions.services.drafting import FIXED_WORDING
from iskra.motions.text import AmendmentFalls, apply_amendment
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require

# --- Amendments --------------------------------------------------------------------------------


@transaction.atomic
def table_amendment(
    *,
    actor: Any,
    motion: Motion,
    kind: str,
    passage: str = "",
    new_text: str = "",
    explanation: str = "",
    proposing_unit: Unit | None = None,
) -> Amendment:
    motion = _lock(motion)
    if motion.fixed_wording:
        raise DomainError(FIXED_WORDING)
    require(can_table_amendment(actor, motion), "You cannot amend this motion now.")
    if proposing_unit is not None:
        require(
            is_officer_of(actor, proposing_unit),
            "You can only table amendments for a unit you are an officer of.",
        )
    if kind not in Amendment.Kind.values:
        raise DomainError("Choose what the amendment does.")
    apply_amendment(motion.text, kind=kind, passage=passage, new_text=new_text)  # validates
    number = (motion.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment.objects.create(
        motion=motion,
        number=number,
        kind=kind,
        passage=passage,
        new_text=new_text,
        explanation=explanation.strip(),
        proposing_unit=proposing_unit,
        created_by=actor,
        created_at=timezone.now(),
    )
    record(
        actor=actor,
        action="amendment.table",
        obj=amendment,
        unit=motion.body.unit,
        data={
            "motion": motion.pk,
            "kind": kind,
            "unit": proposing_unit.pk if proposing_unit else None,
        },
    )
    return amendment


@transaction.atomic
def withdraw_amendment(*, actor: Any, amendment: Amendment) -> Amendment:
    amendment = (
        Amendment.objects.select_for_update()
        .select_related("motion__body__unit")
        .get(pk=amendment.pk)
    )
    require(
        amendment.created_by_id == actor.pk or can_manage_motion(actor, amendment.motion),
        "Only its mover can withdraw an amendment.",
    )
    if amendment.status != Amendment.Status.TABLED:
        raise DomainError("This amendment has already been dealt with.")
    # Once a meeting is voting on it, the vote decides its fate (closing it would overwrite
    # a withdrawal).
    if amendment.votes.filter(state="open").exists():
        raise DomainError("A meeting is voting on this amendment; it can no longer be withdrawn.")
    amendment.status = Amendment.Status.WITHDRAWN
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decided_at"])
    record(actor=actor, action="amendment.withdraw", obj=amendment, unit=amendment.motion.body.unit)
    return amendment


def settle_amendment(*, actor: Any, amendment: Amendment, carried: bool) -> Amendment:
    """Record an amendment's fate (called by the meeting's vote). A carried amendment makes a
    new version of the motion's text; one whose passage is gone falls."""
    motion = _lock(amendment.motion)
    amendment.decided_at = timezone.now()
    if carried:
        new_text = apply_amendment(
            motion.text, kind=amendment.kind, passage=amendment.passage, new_text=amendment.new_text
        )
        number = (motion.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        MotionVersion.objects.create(
            motion=motion,
            number=number,
            text=new_text,
            created_at=amendment.decided_at,
            reason=f"Amendment {amendment.number} carried",
        )
        motion.text = new_text
        motion.save(update_fields=["text"])
        amendment.status = Amendment.Status.CARRIED
        _fall_amendments_without_passage(actor=actor, motion=motion, carried=amendment)
    else:
        amendment.status = Amendment.Status.LOST
    amendment.save(update_fields=["status", "decided_at"])
    record(
        actor=actor,
        action="amendment.settle",
        obj=amendment,
        unit=motion.body.unit,
        data={"status": amendment.status},
    )
    return amendment


def _fall_amendments_without_passage(*, actor: Any, motion: Motion, carried: Amendment) -> None:
    """Tabled amendments whose passage the new text no longer contains (exactly once) fall:
    they are recorded as fallen rather than left to block the vote on the motion."""
    tabled = motion.amendments.filter(status=Amendment.Status.TABLED).exclude(pk=carried.pk)
    for other in tabled:
        try:
            apply_amendment(
                motion.text, kind=other.kind, passage=other.passage, new_text=other.new_text
            )
        except AmendmentFalls:
            other.status = Amendment.Status.FALLEN
            other.decided_at = carried.decided_at
            other.save(update_fields=["status", "decided_at"])
            record(
                actor=actor,
                action="amendment.fall",
                obj=other,
                unit=motion.body.unit,
                data={"after": carried.pk},
            )
