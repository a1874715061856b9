from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.campaigns import services
from iskra.campaigns.models import Event
from iskra.decisions.models import Action, Decision
from iskra.motions.models import MotionStatus
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import motion_at


@pytest.fixture
def picket(world: World) -> Event:
    """Branch A's picket tomorrow, two places, organised by its secretary; public."""
    start = timezone.now() + timedelta(days=1)
    return services.create_event(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        kind="picket",
        title="Picket at the depot",
        place="Depot gate, Dock Road",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=2,
        is_public=True,
    )


def members(world: World, n: int) -> list:  # type: ignore[type-arg]
    return [make_member(f"m{i}@example.org", f"Member {i}", world.branch_a) for i in range(n)]


def branch_action(world: World, measure: str = "leaflets") -> Action:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=world.branch_committee)
    decision = Decision.objects.create(
        number="RB-9",
        motion=motion,
        body=world.branch_committee,
        title="Campaign for the depot",
        scope=world.branch_a,
        scope_path=world.branch_a.path,
        effective_on=timezone.localdate(),
        dissent_until=timezone.localdate(),
        created_at=timezone.now(),
    )
    return Action.objects.create(
        decision=decision,
        title="Give out 500 leaflets",
        due_on=timezone.localdate() + timedelta(days=30),
        target=500,
        measure=measure,
        unit=world.branch_a,
        unit_path=world.branch_a.path,
        created_by=world.secretary,
        created_at=timezone.now(),
    )


def started(event: Event) -> Event:
    """The event, moved to have started an hour ago (as if the clock had moved on)."""
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    return Event.objects.select_related("unit", "action").get(pk=event.pk)
