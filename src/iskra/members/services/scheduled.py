"""What the worker runs when a date arrives: a candidate's probation ends, a suspension ends.
The tasks call these; this module imports neither the tasks nor the verbs that queue them."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from iskra.members.models import Membership, Status
from iskra.members.services.common import _transition


@transaction.atomic
def complete_probation(*, membership_id: int, today: date | None = None) -> bool:
    """Make a candidate a member at the end of probation, unless the branch has held it.

    Called by the worker; safe to call repeatedly. Returns whether the candidate was admitted.
    """
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or membership.status != Status.CANDIDATE or membership.probation_held:
        return False
    if membership.probation_ends_on is None or membership.probation_ends_on > (
        today or timezone.localdate()
    ):
        return False
    _transition(membership, to_status=Status.MEMBER, actor=None, reason="Probation completed")
    return True


def complete_due_probations(*, today: date | None = None) -> int:
    """Sweep for any candidate whose probation has ended (a safety net for the scheduled task)."""
    due = Membership.objects.filter(
        status=Status.CANDIDATE,
        probation_held=False,
        probation_ends_on__lte=today or timezone.localdate(),
    ).values_list("pk", flat=True)
    return sum(complete_probation(membership_id=pk, today=today) for pk in list(due))


@transaction.atomic
def end_suspension(*, membership_id: int, today: date | None = None) -> bool:
    """Restore a suspended member when the suspension's end date arrives (called by the worker)."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(pk=membership_id)
        .first()
    )
    if (
        membership is None
        or membership.status != Status.SUSPENDED
        or membership.suspended_until is None
    ):
        return False
    if membership.suspended_until > (today or timezone.localdate()):
        return False
    membership.suspended_until = None
    _transition(membership, to_status=Status.MEMBER, actor=None, reason="Suspension ended")
    return True


def end_due_suspensions(*, today: date | None = None) -> int:
    due = Membership.objects.filter(
        status=Status.SUSPENDED, suspended_until__lte=today or timezone.localdate()
    ).values_list("pk", flat=True)
    return sum(end_suspension(membership_id=pk, today=today) for pk in list(due))
