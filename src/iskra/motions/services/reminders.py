"""Reminding the branches that have not yet discussed a circulated motion."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.motions.models import Circulation, Motion
from iskra.motions.permissions import can_remind_branches
from iskra.motions.selectors import not_yet_discussed
from iskra.motions.services.common import _lock, _url
from iskra.organisation.models import SeatHolding
from iskra.organisation.permissions import require

# A branch is reminded of one motion at most once in this time.
REMIND_EVERY = timedelta(days=1)


@transaction.atomic
def remind_branches(*, actor: Any, motion: Motion) -> int:
    """Notify the officers (the secretary and the like) of every branch the motion was
    circulated to that has not yet recorded a position — each branch at most once a day.
    Returns the number of branches reminded."""
    motion = _lock(motion)
    require(
        can_remind_branches(actor, motion),
        "Only the circulating body's officers remind branches while the motion is in discussion.",
    )
    pending = not_yet_discussed(motion)
    if not pending.exists():
        raise DomainError("Every branch has recorded a position: nobody to remind.")
    now = timezone.now()
    due = list(
        pending.select_for_update()
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_EVERY))
        .values_list("pk", "unit_id", "deadline")
    )
    if not due:
        raise DomainError(
            "Every branch that has not discussed it was reminded less than a day ago: "
            "remind them again tomorrow."
        )
    deadline_of = {unit_id: deadline for _, unit_id, deadline in due}
    holders = SeatHolding.objects.current().filter(
        seat__grants_officer_rights=True, seat__body__unit_id__in=list(deadline_of)
    )
    by_deadline: dict[Any, set[int]] = defaultdict(set)
    for holder_id, unit_id in holders.values_list("holder_id", "seat__body__unit_id"):
        by_deadline[deadline_of[unit_id]].add(holder_id)
    for deadline, people in by_deadline.items():
        notify(
            users=sorted(people),
            kind="motion.reminder",
            title=f"Reminder: your branch has not yet recorded a position on “{motion.title}” "
            f"(discussion closes {deadline:%-d %b %Y})",
            url=_url(motion),
        )
    Circulation.objects.filter(pk__in=[pk for pk, _, _ in due]).update(reminded_at=now)
    record(
        actor=actor,
        action="motion.remind",
        obj=motion,
        unit=motion.body.unit,
        data={
            "branches": len(due),
            "people": sum(len(p) for p in by_deadline.values()),
            "not_yet_reminded_again": pending.count() - len(due),
        },
    )
    return len(due)
