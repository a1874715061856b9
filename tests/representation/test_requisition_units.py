"""Issue 13, part 4: units requisition a special meeting too — where the body's standing orders
count units (``requisition_units``), the requisition is valid when that many units under the
body's unit support it by their own decision, recorded by their officers — services, pages and
API."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation.models import Body
from iskra.representation import requisitions as services
from iskra.representation.models import Requisition, RequisitionUnitSupport
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh


@pytest.fixture
def district(world: World) -> Body:
    """The district committee, which two branches' decisions (or 20 % of members) requisition."""
    Body.objects.filter(pk=world.district_committee.pk).update(
        requisition_units=2, requisition_threshold_percent=100
    )
    world.district_committee.refresh_from_db()
    return world.district_committee


def _start(world: World, body: Body) -> Requisition:
    return services.start_requisition(
        actor=fresh(world.member),
        body=body,
        agenda="The district's response to the closures",
        reason="Both branches decided it cannot wait.",
    )


def test_two_branches_decisions_make_it_valid(world: World, district: Body) -> None:
    requisition = _start(world, district)
    assert requisition.units_required == 2
    assert [u.name for u in services.supporting_units(fresh(world.secretary), requisition)] == [
        "Branch A"
    ]
    with pytest.raises(PermissionDenied):
        services.support_as_unit(
            actor=fresh(world.secretary),
            requisition=requisition,
            unit=world.branch_b,
            authority="Branch B meeting",
        )
    # The body's own unit is not one of the units under it.
    with pytest.raises(PermissionDenied, match="not a unit under"):
        services.support_as_unit(
            actor=fresh(world.officer),
            requisition=requisition,
            unit=world.district,
            authority="District committee",
        )
    with pytest.raises(DomainError, match="Say which decision"):
        services.support_as_unit(
            actor=fresh(world.secretary),
            requisition=requisition,
            unit=world.branch_a,
            authority=" ",
        )
    services.support_as_unit(
        actor=fresh(world.secretary),
        requisition=requisition,
        unit=world.branch_a,
        authority="Branch A meeting, 3 March",
    )
    with pytest.raises(DomainError, match="already supports"):
        services.support_as_unit(
            actor=fresh(world.secretary),
            requisition=requisition,
            unit=world.branch_a,
            authority="Again",
        )
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.OPEN
    services.support_as_unit(
        actor=fresh(world.other_secretary),
        requisition=requisition,
        unit=world.branch_b,
        authority="Branch B meeting, 5 March",
    )
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.VALID and requisition.call_by is not None
    entry = AuditEntry.objects.filter(action="requisition.unit_support").order_by("pk").last()
    assert entry is not None and entry.data["units"] == 2
    assert RequisitionUnitSupport.objects.count() == 2


def test_without_the_rule_units_do_not_count(world: World) -> None:
    requisition = _start(world, world.district_committee)
    assert services.supporting_units(fresh(world.secretary), requisition) == []
    with pytest.raises(DomainError, match="count members' signatures, not units"):
        services.support_as_unit(
            actor=fresh(world.secretary),
            requisition=requisition,
            unit=world.branch_a,
            authority="Branch A meeting",
        )


def test_page_and_api(client: Client, world: World, district: Body) -> None:
    requisition = _start(world, district)
    client.force_login(world.secretary)
    url = f"/requisitions/{requisition.pk}/"
    assert "Record my unit's support" in client.get(url).content.decode()
    bad = client.post(f"/requisitions/{requisition.pk}/units/", {"unit": str(world.branch_a.pk)})
    assert bad.status_code == 302
    page = client.get(url).content.decode()
    assert "This field is required" in page
    client.post(
        f"/requisitions/{requisition.pk}/units/",
        {"unit": str(world.branch_a.pk), "authority": "Branch A meeting, 3 March"},
    )
    assert "Branch A — Branch A meeting, 3 March" in client.get(url).content.decode()
    api = Api(world.other_secretary)
    refused = api.post(
        f"/requisitions/{requisition.pk}/units",
        {"unit_id": world.branch_a.pk, "authority": "Not ours"},
    )
    assert refused.status_code == 403
    made = api.post(
        f"/requisitions/{requisition.pk}/units",
        {"unit_id": world.branch_b.pk, "authority": "Branch B meeting, 5 March"},
    )
    assert made.status_code == 201
    assert made.json()["state"] == "valid"
    assert made.json()["units"] == ["Branch A", "Branch B"]
