"""The campaigns API: the same services as the pages, deny by default."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from iskra.campaigns.models import Event, Rsvp
from tests.api.test_api import Api, is_error
from tests.campaigns.conftest import branch_action, members, started
from tests.conftest import World


def test_an_event_through_the_api(world: World) -> None:
    organiser = Api(world.secretary)
    start = timezone.now() + timedelta(days=2)
    action = branch_action(world, measure="papers")
    made = organiser.post(
        f"/units/{world.branch_a.pk}/events",
        {
            "kind": "paper_sale",
            "title": "Saturday sale",
            "place": "Market",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "capacity": 1,
            "action_id": action.pk,
        },
    )
    assert made.status_code == 201, made.content
    event_id = made.json()["id"]
    is_error(Api(world.other_secretary).get(f"/events/{event_id}/rsvps"), 404)
    is_error(
        Api(world.other_secretary).post(
            f"/units/{world.branch_a.pk}/events",
            {
                "kind": "stall",
                "title": "X",
                "place": "Y",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
        ),
        404,
    )
    a, b = members(world, 2)
    assert (
        Api(a).client.put(f"/api/v1/events/{event_id}/rsvp", **Api(a).headers).json()["status"]
        == "going"
    )
    api_b = Api(b)
    assert (
        api_b.client.put(f"/api/v1/events/{event_id}/rsvp", **api_b.headers).json()["status"]
        == "waiting"
    )
    out = api_b.get(f"/events/{event_id}").json()
    assert (out["going"], out["waiting"], out["places_left"], out["my_rsvp"]) == (
        1,
        1,
        0,
        "waiting",
    )
    code = Rsvp.objects.get(event_id=event_id, user=a).door_code
    checked = organiser.post(f"/events/{event_id}/check-ins", {"code": code})
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    is_error(organiser.post(f"/events/{event_id}/check-ins", {"code": code}), 400)
    is_error(organiser.post(f"/events/{event_id}/check-ins", {}), 400)
    walk = organiser.post(f"/events/{event_id}/walk-ins", {"name": "Dee"})
    assert walk.status_code == 201 and walk.json()["walk_in"]
    is_error(
        organiser.client.put(
            f"/api/v1/events/{event_id}/report",
            {"attendance": 3},
            content_type="application/json",
            **organiser.headers,
        ),
        400,
    )  # not started yet
    started(Event.objects.get(pk=event_id))
    report = organiser.client.put(
        f"/api/v1/events/{event_id}/report",
        {"attendance": 3, "papers_sold": 11, "money": "11.00"},
        content_type="application/json",
        **organiser.headers,
    )
    assert report.status_code == 200, report.content
    assert report.json()["action_report_id"]
    is_error(
        organiser.client.put(
            f"/api/v1/events/{event_id}/report",
            {"attendance": 3, "money": "1e3"},
            content_type="application/json",
            **organiser.headers,
        ),
        422,
    )
    cancelled = organiser.post(f"/events/{event_id}/cancel", {"reason": "Snow"})
    assert cancelled.json()["cancelled"] is True


def test_campaigns_through_the_api(world: World) -> None:
    action = branch_action(world)
    made = Api(world.secretary).post(
        f"/units/{world.branch_a.pk}/campaigns",
        {"name": "Save the depot", "is_public": True, "action_ids": [action.pk]},
    )
    assert made.status_code == 201 and made.json()["action_ids"] == [action.pk]
    is_error(
        Api(world.secretary).post(
            f"/units/{world.branch_a.pk}/campaigns", {"name": "X", "action_ids": [999999]}
        ),
        400,
    )
    assert [c["name"] for c in Api(world.outsider).get("/campaigns").json()] == ["Save the depot"]


def test_what_the_second_attack_found(world: World) -> None:
    """A naive time (a 500), a title with a line break (every email about the event failed), a
    sibling branch's action claimed by a campaign, a malformed walk-in address."""
    organiser = Api(world.secretary)
    start = (timezone.localtime() + timedelta(days=2)).replace(tzinfo=None, microsecond=0)
    body = {
        "kind": "stall",
        "title": "Stall",
        "place": "Market",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
    }
    made = organiser.post(f"/units/{world.branch_a.pk}/events", body)
    assert made.status_code == 201, made.content  # read as the organisation's local time
    event_id = made.json()["id"]
    is_error(
        organiser.post(f"/units/{world.branch_a.pk}/events", {**body, "title": "A\r\nBcc: x"}),
        400,
    )
    is_error(organiser.post(f"/events/{event_id}/walk-ins", {"name": "x", "email": "nope"}), 400)
    theirs = branch_action(world)
    is_error(
        Api(world.other_secretary).post(
            f"/units/{world.branch_b.pk}/campaigns", {"name": "Mine", "action_ids": [theirs.pk]}
        ),
        400,
    )
