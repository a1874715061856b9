from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.accounts.models import User
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat, SeatHolding
from tests.conftest import World, make_member


@dataclass
class RecallWorld:
    world: World
    holding: SeatHolding
    # Members of Branch A besides the member and the secretary (the holder).
    others: list[User]


@pytest.fixture
def recall(world: World) -> RecallWorld:
    """Branch A's members elect its secretary: ten of them (the holder included), so the
    default threshold of 20 % is two signatures."""
    seat = world.branch_secretary_seat
    seat.constituency_unit = world.branch_a
    seat.save(update_fields=["constituency_unit"])
    others = [
        make_member(f"a{i}@example.org", f"Branch A Member {i}", world.branch_a) for i in range(8)
    ]
    Body.objects.filter(pk=seat.body_id).update(recall_threshold_percent=20)
    holding = SeatHolding.objects.get(seat=seat, ended_on__isnull=True)
    return RecallWorld(world=world, holding=holding, others=others)


@pytest.fixture
def conference(world: World) -> Body:
    """A national conference whose Branch A delegate is the member."""
    body = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.CONFERENCE, name="Conference"
    )
    seat = org.create_seat(
        actor=world.admin,
        body=body,
        role=Seat.Role.DELEGATE,
        title="Delegate of Branch A",
    )
    Seat.objects.filter(pk=seat.pk).update(
        represents_unit=world.branch_a, constituency_unit=world.branch_a
    )
    org.appoint_to_seat(
        actor=world.admin,
        seat=seat,
        holder=world.member,
        started_on=timezone.localdate() - timedelta(days=3),
    )
    return body
