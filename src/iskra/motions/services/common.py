"""What the motion verbs share: the status map and its transitions, locking."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.motions.models import (
    MOTION_TRANSITIONS,
    Motion,
    MotionStatus,
    MotionStatusChange,
)
from iskra.organisation.models import Body
from iskra.organisation.selectors import unit_officer_holdings


def _url(motion: Motion) -> str:
    return reverse("motions:detail", args=[motion.pk])


def check_transition(motion: Motion, *, to: str) -> None:
    """Refuse a status change the map does not allow, before anything is written for it."""
    if to not in MOTION_TRANSITIONS.get(motion.status, frozenset()):
        raise DomainError(
            f"A motion that is {motion.get_status_display().lower()} cannot become "
            f"{MotionStatus(to).label.lower()}."
        )


def transition(motion: Motion, *, to: str, actor: Any, reason: str = "") -> None:
    """Move a locked motion to a new status if the map allows it, keeping the history."""
    check_transition(motion, to=to)
    old = motion.status
    now = timezone.now()
    motion.status = to
    fields = ["status"]
    if to == MotionStatus.SUBMITTED:
        motion.submitted_at = now
        fields.append("submitted_at")
    elif to == MotionStatus.ADMITTED:
        motion.admitted_at = now
        fields.append("admitted_at")
    elif to in {MotionStatus.CARRIED, MotionStatus.LOST, MotionStatus.REMITTED}:
        motion.decided_at = now
        fields.append("decided_at")
    if reason:
        motion.status_reason = reason
        fields.append("status_reason")
    motion.save(update_fields=fields)
    by = actor if getattr(actor, "pk", None) else None
    MotionStatusChange.objects.create(
        motion=motion, from_status=old, to_status=to, at=now, by=by, reason=reason
    )
    record(
        actor=by,
        action=f"motion.{to}",
        obj=motion,
        unit=motion.body.unit,
        # The title, so that the log says which motion without opening it.
        data={"title": motion.title, "from": old, "reason": reason},
    )


def _lock(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("body__unit").get(pk=motion.pk)


def _body_officer_ids(body: Body) -> list[Any]:
    return list(unit_officer_holdings(body.unit).values_list("holder_id", flat=True))
