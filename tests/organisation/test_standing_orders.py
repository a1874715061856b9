"""A body's standing orders are data its unit's officers change (issue 11): the page on the
body, the API, the rules checked, every change audited with its old value, and used at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iskra.audit.models import AuditEntry
from iskra.core.errors import PermissionDenied
from iskra.core.web import FieldError
from iskra.organisation import services as org
from iskra.organisation.models import Body
from tests.conftest import World, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _week_of_notice(world: World) -> None:
    """The test world's bodies meet at no notice (other tests call meetings for tomorrow); here
    the branch committee has the model's default of a week."""
    Body.objects.filter(pk=world.branch_committee.pk).update(min_notice_days=7)
    world.branch_committee.refresh_from_db()


PAGE = "/bodies/{}/standing-orders/"
API = "/bodies/{}/standing-orders"


def _form(body: Body, **changes: Any) -> dict[str, Any]:
    """The form as the page shows it for this body, with some answers changed."""
    data: dict[str, Any] = {f: getattr(body, f) for f in org.STANDING_ORDERS}
    data.update(changes)
    out = {}
    for key, value in data.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, bool):
            if key == "majority_strict":
                out[key] = str(value)
            elif value:
                out[key] = "on"
        else:
            out[key] = str(value)
    return out


def test_the_secretary_changes_the_branch_committees_standing_orders(world: World) -> None:
    body = world.branch_committee
    client = Client()
    client.force_login(world.secretary)
    page = client.get(f"/bodies/{body.pk}/")
    assert b"Standing orders" in page.content
    assert PAGE.format(body.pk).encode() in page.content
    form = client.get(PAGE.format(body.pk))
    assert form.status_code == 200
    assert b"Least notice of a meeting (days)" in form.content
    done = client.post(
        PAGE.format(body.pk),
        _form(
            body,
            min_notice_days=3,
            majority_numerator=2,
            majority_denominator=3,
            majority_strict=False,
            quorum_percent=25,
        ),
        follow=True,
    )
    assert b"Standing orders saved." in done.content
    assert b"at least 2/3 of the votes cast" in done.content
    body.refresh_from_db()
    assert (body.min_notice_days, body.majority_numerator, body.majority_denominator) == (3, 2, 3)
    assert body.majority_strict is False
    assert body.quorum_percent == 25
    entry = AuditEntry.objects.filter(action="body.standing_orders").get()
    assert entry.data["old"] == {
        "min_notice_days": 7,
        "majority_numerator": 1,
        "majority_denominator": 2,
        "majority_strict": True,
        "quorum_percent": None,
    }
    assert entry.data["new"]["min_notice_days"] == 3
    # The audit log reads the change in words.
    log = client.get("/audit/")
    assert "Least notice of a meeting (days)" in log.content.decode()
    assert "7 → 3" in log.content.decode()


def test_nothing_changed_writes_nothing(world: World) -> None:
    body = world.branch_committee
    client = Client()
    client.force_login(world.secretary)
    done = client.post(PAGE.format(body.pk), _form(body), follow=True)
    assert b"Nothing was changed." in done.content
    assert not AuditEntry.objects.filter(action="body.standing_orders").exists()


def test_a_bad_rule_is_refused_on_the_form_keeping_what_was_typed(world: World) -> None:
    body = world.branch_committee
    client = Client()
    client.force_login(world.secretary)
    bad = client.post(
        PAGE.format(body.pk),
        _form(body, majority_numerator=3, majority_denominator=2, min_notice_days=5),
    )
    assert bad.status_code == 200
    assert "at most all of them" in bad.content.decode()
    assert b'value="5"' in bad.content  # what was typed is kept
    never = client.post(
        PAGE.format(body.pk),
        _form(body, majority_numerator=1, majority_denominator=1, majority_strict=True),
    )
    assert "can never happen" in never.content.decode()
    out_of_range = client.post(PAGE.format(body.pk), _form(body, min_notice_days=400))
    assert out_of_range.status_code == 200
    assert Body.objects.get(pk=body.pk).min_notice_days == 7


def test_other_branches_and_members_are_refused_before_the_form(world: World) -> None:
    body = world.branch_committee
    for person in (world.other_secretary, world.member):
        client = Client()
        client.force_login(person)
        assert client.get(PAGE.format(body.pk)).status_code == 403
        assert client.post(PAGE.format(body.pk), _form(body, min_notice_days=0)).status_code == 403
        page = client.get(f"/bodies/{body.pk}/")
        assert PAGE.format(body.pk).encode() not in page.content
    assert Body.objects.get(pk=body.pk).min_notice_days == 7
    with pytest.raises(PermissionDenied):
        org.update_standing_orders(
            actor=fresh(world.other_secretary), body=body, changes={"min_notice_days": 0}
        )
    # A national officer may change a branch's, as every structure below them.
    org.update_standing_orders(actor=fresh(world.officer), body=body, changes={"dissent_days": 7})
    assert Body.objects.get(pk=body.pk).dissent_days == 7


def test_the_service_checks_every_value(world: World) -> None:
    body = world.branch_committee
    actor = fresh(world.secretary)
    for changes, field in (
        ({"min_notice_days": -1}, "min_notice_days"),
        ({"quorum_percent": 0}, "quorum_percent"),
        ({"supporters_required": True}, "supporters_required"),
        ({"votes_are_secret": 1}, "votes_are_secret"),
        ({"majority_denominator": 0}, "majority_denominator"),
    ):
        with pytest.raises(FieldError) as refused:
            org.update_standing_orders(actor=actor, body=body, changes=changes)
        assert refused.value.field == field
    with pytest.raises(Exception, match="Not a standing order: name"):
        org.update_standing_orders(actor=actor, body=body, changes={"name": "X"})
    org.update_standing_orders(actor=actor, body=body, changes={"quorum_percent": None})


def test_the_new_notice_rule_applies_to_the_next_meeting_called(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from iskra.core.errors import DomainError
    from iskra.meetings.services import schedule_meeting

    body = world.branch_committee
    soon = timezone.now() + timedelta(days=2)
    with pytest.raises(DomainError, match="7 days"):
        schedule_meeting(actor=fresh(world.secretary), body=body, title="Soon", starts_at=soon)
    org.update_standing_orders(
        actor=fresh(world.secretary), body=body, changes={"min_notice_days": 1}
    )
    meeting = schedule_meeting(
        actor=fresh(world.secretary),
        body=Body.objects.get(pk=body.pk),
        title="Soon",
        starts_at=soon,
    )
    assert meeting.pk


def test_the_api_reads_and_changes_them(world: World) -> None:
    from tests.api.test_api import Api

    body = world.branch_committee
    secretary = Api(world.secretary)
    read = secretary.get(API.format(body.pk))
    assert read.status_code == 200
    assert read.json()["min_notice_days"] == 7
    changed = secretary.patch(API.format(body.pk), {"min_notice_days": 2, "quorum_percent": None})
    assert changed.status_code == 200, changed.content
    assert changed.json()["min_notice_days"] == 2
    assert changed.json()["quorum_percent"] is None
    bad = secretary.patch(API.format(body.pk), {"majority_numerator": 5})
    assert bad.status_code == 400
    assert "at most all of them" in bad.json()["detail"]
    assert secretary.patch(API.format(body.pk), {"votes_are_secret": None}).status_code == 400
    other = Api(world.other_secretary)
    assert other.patch(API.format(body.pk), {"min_notice_days": 0}).status_code == 403
    assert Body.objects.get(pk=body.pk).min_notice_days == 2
