"""Closing a meeting asks first, saying what the record holds; actions say what happened
(issue 11, points 5 and 7)."""

from __future__ import annotations

from django.test import Client

from iskra.meetings.models import Meeting
from tests.conftest import World, fresh
from tests.motions.helpers import make_committee, sitting


def test_closing_asks_first(client: Client, world: World) -> None:
    make_committee(world)
    s = sitting(world)
    client.force_login(fresh(world.officer))
    asked = client.post(f"/meetings/{s.meeting.pk}/close/")
    html = asked.content.decode()
    assert asked.status_code == 200
    assert f"The record is closed with {len(s.present)} present and 0 votes taken" in html
    s.meeting.refresh_from_db()
    assert s.meeting.status == Meeting.Status.IN_PROGRESS
    done = client.post(f"/meetings/{s.meeting.pk}/close/", {"confirm": "yes"}, follow=True)
    assert "The meeting is closed" in done.content.decode()
    s.meeting.refresh_from_db()
    assert s.meeting.status == Meeting.Status.CLOSED
    # Closed: the page says so and offers no yes.
    again = client.get(f"/meetings/{s.meeting.pk}/close/").content.decode()
    assert "not in progress" in again and 'name="confirm"' not in again
    # A member who does not run the meeting may not close it.
    client.force_login(fresh(world.member))
    assert client.get(f"/meetings/{s.meeting.pk}/close/").status_code in {403, 404}
