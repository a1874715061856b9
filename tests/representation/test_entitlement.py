"""Delegate entitlement: the rules as data, the register on a date, the seats made to match,
and who may see and do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat
from iskra.representation.entitlement import delegates_for, entitlement, make_delegate_seats
from tests.api.test_api import is_error
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh, make_member

LABOUR = {"rule": "steps", "first": 749, "step": 250, "cap": 6}


@pytest.mark.parametrize(
    "members, delegates",
    [(0, 0), (1, 1), (749, 1), (750, 2), (999, 2), (1000, 3), (1249, 3), (1250, 4), (99999, 6)],
)
def test_uk_labour_conference_rule(members: int, delegates: int) -> None:
    # One for the first 749 members, one more per further 250 or part of them, at most six.
    assert delegates_for(members, **LABOUR) == delegates


def test_proportional_rule_rounds_and_keeps_one() -> None:
    rule = {"rule": "proportional", "first": 1, "step": 100, "cap": 5}
    assert [delegates_for(n, **rule) for n in (0, 1, 149, 150, 250, 1000)] == [0, 1, 1, 2, 3, 5]


@pytest.fixture
def conference(world: World) -> Body:
    body = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.CONFERENCE, name="Conference"
    )
    for i in range(3):
        make_member(f"b{i}@example.org", f"Branch B Member {i}", world.branch_b)
    org.update_standing_orders(
        actor=world.admin,
        body=body,
        changes={"entitlement_rule": "steps", "entitlement_first": 2, "entitlement_step": 2},
    )
    return Body.objects.get(pk=body.pk)


def test_entitlement_counts_the_register_and_makes_the_seats(
    world: World, conference: Body
) -> None:
    rows = {r.unit_name: r for r in entitlement(conference)}
    # Branch A: the member and the secretary; Branch B: 3 seeded + 3 more.
    assert (rows["Branch A"].members, rows["Branch A"].delegates) == (2, 1)
    assert (rows["Branch B"].members, rows["Branch B"].delegates) == (6, 3)
    with pytest.raises(PermissionDenied):
        make_delegate_seats(actor=fresh(world.secretary), body=conference)
    made = make_delegate_seats(actor=fresh(world.officer), body=conference)
    assert made.created == 4 and made.surplus == []
    seats = Seat.objects.filter(body=conference, role=Seat.Role.DELEGATE)
    assert (
        seats.filter(represents_unit=world.branch_b, constituency_unit=world.branch_b).count() == 3
    )
    assert AuditEntry.objects.get(action="body.delegate_seats").data["created"] == 4
    # Made again: nothing new. A branch that shrinks keeps its seats, reported as surplus.
    assert make_delegate_seats(actor=fresh(world.officer), body=conference).created == 0
    Membership.objects.filter(unit=world.branch_b, user__email__startswith="b").update(
        status=Status.LAPSED
    )
    made = make_delegate_seats(actor=fresh(world.officer), body=conference)
    assert made.created == 0 and made.surplus == [("Branch B", 1)]


def test_the_register_on_a_past_date(world: World, conference: Body) -> None:
    # A member who lapsed today still counted yesterday.
    membership = Membership.objects.get(user=world.member)
    membership.status = Status.LAPSED
    membership.save(update_fields=["status"])
    MembershipEvent.objects.create(
        membership=membership,
        from_status=Status.MEMBER,
        to_status=Status.LAPSED,
        at=timezone.now(),
        reason="lapsed",
    )
    today = {r.unit_name: r.members for r in entitlement(conference)}
    yesterday = {
        r.unit_name: r.members
        for r in entitlement(conference, on=timezone.localdate() - timedelta(days=1))
    }
    assert (today["Branch A"], yesterday["Branch A"]) == (1, 2)


def test_no_rule_no_seats(world: World) -> None:
    body = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.COUNCIL, name="Council"
    )
    with pytest.raises(DomainError, match="no rule"):
        make_delegate_seats(actor=fresh(world.officer), body=body)


def test_pages_and_api(world: World, conference: Body) -> None:
    member = Client()
    member.force_login(world.member)
    page = member.get(f"/bodies/{conference.pk}/delegates/")
    assert page.status_code == 200 and b"4 delegates" in page.content
    assert b"Make the" not in page.content  # a member sees the figures, not the button
    assert member.post(f"/bodies/{conference.pk}/delegates/").status_code == 403
    bad = member.get(f"/bodies/{conference.pk}/delegates/?on=2026-13-45")
    assert bad.status_code == 400 and b"YYYY-MM-DD" in bad.content
    officer = Client()
    officer.force_login(world.officer)
    asked = officer.post(f"/bodies/{conference.pk}/delegates/", {"on": ""})
    assert b"4 delegate seats will be added" in asked.content
    assert not Seat.objects.filter(body=conference).exists()
    officer.post(f"/bodies/{conference.pk}/delegates/", {"confirm": "yes"})
    assert Seat.objects.filter(body=conference).count() == 4

    api = Api(world.member)
    data = api.get(f"/bodies/{conference.pk}/entitlement").json()
    assert data["delegates"] == 4 and data["members"] == 8
    is_error(api.get(f"/bodies/{conference.pk}/entitlement", on="2999-01-01"), 400)
    is_error(api.get(f"/bodies/{conference.pk}/entitlement", on="0001-01-01"), 400)
    is_error(api.post(f"/bodies/{conference.pk}/delegate-seats", {"on": "0001-01-01"}), 400)
    old = member.get(f"/bodies/{conference.pk}/delegates/?on=0001-01-01")
    assert old.status_code == 400 and b"1900" in old.content
    is_error(api.post(f"/bodies/{conference.pk}/delegate-seats", {}), 403)
    assert Api(world.officer).post(f"/bodies/{conference.pk}/delegate-seats", {}).json() == {
        "created": 0,
        "surplus": [],
    }
    is_error(Api(world.outsider).get(f"/bodies/{conference.pk}/entitlement"), 404)
