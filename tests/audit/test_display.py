"""The audit log in words: a formatter per kind of field, ids resolved to names on the page."""

from __future__ import annotations

from django.test import Client

from iskra.audit.display import describe, ids_to_name
from iskra.audit.services import record
from tests.conftest import World


def test_people_units_and_bodies_read_as_names() -> None:
    names = {("person", 73): "Jo Bloggs", ("unit", 5): "Branch A"}
    assert describe("ballot.scrutineer", {"scrutineer": 73}, names) == [("Scrutineer", "Jo Bloggs")]
    assert describe("x", {"unit": 5, "body": 9}, names) == [
        ("Unit", "Branch A"),
        ("Body", "body #9"),
    ]
    assert describe("x", {"motion": 12}, {}) == [("Motion", "motion #12")]


def test_status_changes_read_as_before_and_after() -> None:
    assert describe("motion.admitted", {"from": "submitted", "reason": ""}, {}) == [
        ("Status", "submitted → admitted"),
        ("Reason", "—"),
    ]
    assert describe("motion.in_discussion", {"from": "admitted"}, {})[0] == (
        "Status",
        "admitted → in discussion",
    )
    moved = describe(
        "unit.move", {"from": 1, "to": 2}, {("unit", 1): "North", ("unit", 2): "South"}
    )
    assert moved == [("Parent unit", "North → South")]
    extended = describe(
        "ballot.extend",
        {"from": "2026-12-02T14:00:00+00:00", "to": "2026-12-03T14:00:00+00:00"},
        {},
    )
    assert extended[0] == ("Closes", "2 Dec 2026 14:00 UTC → 3 Dec 2026 14:00 UTC")


def test_values_of_every_shape() -> None:
    lines = dict(
        describe(
            "ballot.create",
            {
                "sealed": False,
                "options": ["Yes", "No"],
                "min_published_ballots": 10,
                "old": {"full_name": "Jo"},
                "new": {"full_name": "Joanna"},
                "is_staff": {"from": False, "to": True},
            },
            {},
        )
    )
    assert lines["Sealed ballot"] == "no"
    assert lines["Options"] == "Yes, No"
    assert lines["Fewest ballots before figures are published"] == "10"
    assert lines["Name"] == "Jo → Joanna"
    assert lines["Staff"] == "no → yes"


def test_ids_to_name_collects_by_kind() -> None:
    wanted = ids_to_name(
        [("ballot.scrutineer", {"scrutineer": 3}), ("transfer.request", {"from": 1, "to": 2})]
    )
    assert wanted == {"person": {3}, "unit": {1, 2}, "body": set()}


def test_the_log_page_shows_names_not_ids(world: World) -> None:
    record(
        actor=world.admin,
        action="ballot.scrutineer",
        unit=world.branch_a,
        data={"scrutineer": world.member.pk},
    )
    client = Client()
    client.force_login(world.secretary)
    html = client.get("/audit/").content.decode()
    assert f"Scrutineer:</span> {world.member.full_name}" in html
    assert "{&#x27;scrutineer&#x27;" not in html
