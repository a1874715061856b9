"""Membership's background tasks. They call ``services.scheduled``, which never imports this
module; the verbs that queue these tasks (joining, discipline) import it."""

from __future__ import annotations

from django_tasks import task

from iskra.members.services import scheduled


@task()
def end_probation(*, membership_id: int) -> bool:
    return scheduled.complete_probation(membership_id=membership_id)


@task()
def end_suspension(*, membership_id: int) -> bool:
    return scheduled.end_suspension(membership_id=membership_id)
