from __future__ import annotations

from django_tasks import task

from iskra.members import services


@task()
def end_probation(*, membership_id: int) -> bool:
    return services.complete_probation(membership_id=membership_id)


@task()
def end_suspension(*, membership_id: int) -> bool:
    return services.end_suspension(membership_id=membership_id)
