"""Roles and shifts at an event: organisers add them, members sign up (which also puts them on
the list) until a shift has the people it needs, on the page and through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from iskra.campaigns import shifts
from iskra.campaigns.models import Event, Rsvp, ShiftSignup
from iskra.core.errors import DomainError, PermissionDenied
from tests.api.test_api import Api, is_error
from tests.campaigns.conftest import members
from tests.conftest import World, fresh


def test_members_sign_up_until_a_shift_is_full(world: World, picket: Event) -> None:
    with pytest.raises(PermissionDenied):
        shifts.add_shift(
            actor=fresh(world.member),
            event=picket,
            title="Steward",
            starts_at=picket.starts_at,
            ends_at=picket.ends_at,
            needed=1,
        )
    with pytest.raises(DomainError, match="within the event's day"):
        shifts.add_shift(
            actor=fresh(world.secretary),
            event=picket,
            title="Steward",
            starts_at=picket.starts_at + timedelta(days=5),
            ends_at=picket.starts_at + timedelta(days=5, hours=1),
            needed=1,
        )
    steward = shifts.add_shift(
        actor=fresh(world.secretary),
        event=picket,
        title="Steward",
        starts_at=picket.starts_at,
        ends_at=picket.ends_at,
        needed=1,
    )
    a, b = members(world, 2)
    shifts.sign_up(actor=a, shift=steward)
    assert Rsvp.objects.get(event=picket, user=a).status == Rsvp.Status.GOING
    assert shifts.sign_up(actor=a, shift=steward).user_id == a.pk  # again: nothing changes
    with pytest.raises(DomainError, match="has the 1 it needs"):
        shifts.sign_up(actor=b, shift=steward)
    shifts.leave(actor=a, shift=steward)
    shifts.sign_up(actor=b, shift=steward)
    assert list(ShiftSignup.objects.values_list("user_id", flat=True)) == [b.pk]


def test_the_rota_on_the_page_and_in_the_api(world: World, picket: Event) -> None:
    organiser = Api(world.secretary)
    made = organiser.post(
        f"/events/{picket.pk}/shifts",
        {
            "title": "Speaker",
            "starts_at": picket.starts_at.isoformat(),
            "ends_at": (picket.starts_at + timedelta(minutes=30)).isoformat(),
            "needed": 2,
        },
    )
    assert made.status_code == 201, made.content
    shift_id = made.json()["id"]
    member = Api(world.member)
    taken = member.client.put(f"/api/v1/shifts/{shift_id}/signup", **member.headers)
    assert taken.json()["mine"] is True and taken.json()["taken"] == 1
    is_error(Api(world.outsider).get(f"/events/{picket.pk}/shifts"), 404)
    page = Client()
    page.force_login(world.member)
    html = page.get(f"/events/{picket.pk}/").content.decode()
    assert "Speaker" in html and "Mo Member" in html and "Take me off" in html
    anon = Client().get(f"/events/{picket.pk}/").content.decode()
    assert "Mo Member" not in anon  # the public sees no names
    page.post(f"/events/{picket.pk}/shifts/{shift_id}/leave/")
    assert not ShiftSignup.objects.exists()
