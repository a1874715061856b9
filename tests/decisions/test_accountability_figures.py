"""Issue 9 point 19: the accountability figures add up -- a member's action counts in their
unit's row, a passed-down action is part of its parent, a correction replaces the figure it
corrects, and a unit's recorded vote counts cannot exceed its members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.decisions import selectors, services
from iskra.decisions.models import Action, Decision, Report
from iskra.motions import services as motions
from iskra.motions.models import MotionStatus, Position
from iskra.organisation import services as org
from iskra.organisation.models import Unit
from tests.api.test_api import Api
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import decided, motion_at


def _due() -> object:
    return timezone.localdate() + timedelta(days=14)


def _two_districts(nc: World) -> tuple[Unit, Unit]:
    """North (with Branch A and Branch B) and a new South with Branch C and Branch D."""
    south = org.create_unit(
        actor=nc.admin, name="South District", kind=nc.district.kind, parent=nc.national
    )
    for name in ("Branch C", "Branch D"):
        org.create_unit(actor=nc.admin, name=name, kind=nc.branch_a.kind, parent=south)
    return nc.district, south


def _same_from_above_and_below(decision: Decision | None, unit: Unit) -> None:
    """Every row of ``unit``'s table equals the total of that unit's own table, all the way down."""
    _, rows = selectors.dashboard(decision=decision, unit=unit)
    for row in rows:
        assert row.unit is not None
        own, _ = selectors.dashboard(decision=decision, unit=row.unit)
        assert row.as_dict() == own.as_dict(), row.unit.name
        _same_from_above_and_below(decision, row.unit)


def test_each_district_asked_for_1000_shows_1000_not_2000(nc: World) -> None:
    decision = decided(nc)
    officer = fresh(nc.officer)
    north, south = _two_districts(nc)
    for district in (north, south):
        parent = services.create_action(
            actor=officer,
            decision=decision,
            title=f"Leaflet {district.name}",
            due_on=_due(),
            target=1000,
            unit=district,
        )
        for branch in district.children.all():
            services.create_action(
                actor=officer,
                decision=decision,
                title=f"Leaflet {branch.name}",
                due_on=_due(),
                target=500,
                unit=branch,
                parent=parent,
            )
    total, rows = selectors.dashboard(decision=decision, unit=nc.national)
    assert (total.asked, total.target) == (2, 2000)
    assert {r.unit.name: (r.asked, r.target) for r in rows if r.unit} == {
        "North District": (1, 1000),
        "South District": (1, 1000),
    }
    total, rows = selectors.dashboard(decision=decision, unit=north)
    assert (total.asked, total.target) == (1, 1000)
    # Each branch's share is asked of the branch: on its own table and in the district's rows.
    assert {r.unit.name: r.target for r in rows if r.unit} == {"Branch A": 500, "Branch B": 500}
    _same_from_above_and_below(decision, nc.national)
    _same_from_above_and_below(None, nc.national)


def test_an_action_for_a_member_counts_in_their_units_row(nc: World) -> None:
    decision = decided(nc)
    officer = fresh(nc.officer)
    personal = services.create_action(
        actor=officer, decision=decision, title="Write", due_on=_due(), target=3, assignee=nc.member
    )
    services.report_back(actor=fresh(nc.member), action=personal, figure=2)
    total, rows = selectors.dashboard(decision=decision, unit=nc.national)
    assert (total.asked, total.target, total.reported) == (1, 3, 2)
    [north] = rows
    assert (north.unit, north.asked, north.target, north.reported) == (nc.district, 1, 3, 2)
    _, rows = selectors.dashboard(decision=decision, unit=nc.district)
    assert {r.unit.name: (r.asked, r.reported) for r in rows if r.unit} == {"Branch A": (1, 2)}
    own, _ = selectors.dashboard(decision=decision, unit=nc.branch_a)
    assert (own.asked, own.target, own.reported) == (1, 3, 2)
    _same_from_above_and_below(decision, nc.national)
    # An action passed down to a member is part of the branch's action, not another ask.
    branch_action = services.create_action(
        actor=officer, decision=decision, title="Stall", due_on=_due(), target=10, unit=nc.branch_a
    )
    services.create_action(
        actor=officer,
        decision=decision,
        title="Stall, Saturday",
        due_on=_due(),
        target=10,
        assignee=nc.member,
        parent=branch_action,
    )
    own, _ = selectors.dashboard(decision=decision, unit=nc.branch_a)
    assert (own.asked, own.target) == (2, 13)
    _same_from_above_and_below(decision, nc.national)


def test_a_correction_replaces_the_figure(nc: World) -> None:
    decision = decided(nc)
    action = services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="Leaflet",
        due_on=_due(),
        target=100,
        unit=nc.branch_a,
    )
    mine = services.commit_to_action(actor=fresh(nc.member), action=action, description="Sat")
    first = services.report_back(actor=fresh(nc.secretary), action=action, figure=50)
    own = services.report_back(actor=fresh(nc.member), action=action, figure=20, commitment=mine)
    fixed = services.report_back(
        actor=fresh(nc.secretary), action=action, figure=30, corrects=first
    )
    total, _ = selectors.dashboard(decision=decision, unit=nc.national)
    assert (total.reported, total.reports) == (50, 2)  # 30 + 20, not 50 + 20 + 30
    # Only the one who may report on it corrects a report: not someone else's commitment.
    with pytest.raises(PermissionDenied):
        services.report_back(actor=fresh(nc.secretary), action=action, figure=1, corrects=own)
    # A correction of the correction replaces it in turn; the member corrects their own.
    services.report_back(actor=fresh(nc.secretary), action=action, figure=35, corrects=fixed)
    services.report_back(actor=fresh(nc.member), action=action, figure=25, corrects=own)
    total, _ = selectors.dashboard(decision=decision, unit=nc.branch_a)
    assert (total.reported, total.reports) == (60, 2)
    assert selectors.report_count(decision) == 2
    assert Report.objects.filter(action=action).count() == 5  # every figure stays on record
    with pytest.raises(DomainError, match="already been corrected"):
        services.report_back(actor=fresh(nc.secretary), action=action, figure=1, corrects=first)
    other = services.create_action(
        actor=fresh(nc.officer), decision=decision, title="Other", due_on=_due(), unit=nc.branch_a
    )
    latest = Report.objects.get(action=action, corrects=fixed)
    with pytest.raises(DomainError, match="not one of this action's"):
        services.report_back(actor=fresh(nc.secretary), action=other, figure=1, corrects=latest)
    with pytest.raises(PermissionDenied):
        services.report_back(actor=fresh(nc.member), action=action, figure=1, corrects=latest)


def test_correcting_on_the_page_and_through_the_api(nc: World) -> None:
    decision = decided(nc)
    action = services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="Leaflet",
        due_on=_due(),
        target=100,
        unit=nc.branch_a,
    )
    first = services.report_back(actor=fresh(nc.secretary), action=action, figure=50)
    client = Client()
    client.force_login(nc.secretary)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert f'name="corrects" value="{first.pk}"' in page
    response = client.post(
        f"/actions/{action.pk}/", {"corrects": first.pk, "figure": 40, "text": "miscounted"}
    )
    assert response.status_code == 302
    second = Report.objects.get(corrects=first)
    assert second.figure == 40
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "<del>50</del> (corrected)" in page
    assert f'name="corrects" value="{first.pk}"' not in page
    # Correcting it again from a stale page: refused with the reason, nothing written.
    response = client.post(
        f"/actions/{action.pk}/", {"corrects": first.pk, "figure": 1}, follow=True
    )
    assert "already been corrected" in response.content.decode()
    api = Api(nc.secretary)
    made = api.post(f"/actions/{action.pk}/reports", {"figure": 45, "corrects_id": second.pk})
    assert made.status_code == 201, made.content
    assert made.json()["corrects_id"] == second.pk
    refused = api.post(f"/actions/{action.pk}/reports", {"figure": 45, "corrects_id": second.pk})
    assert refused.status_code == 400
    assert "already been corrected" in refused.json()["detail"]
    assert (
        api.post(f"/actions/{action.pk}/reports", {"figure": 1, "corrects_id": 999999}).status_code
        == 404
    )
    total, _ = selectors.dashboard(decision=decision, unit=nc.branch_a)
    assert (total.reported, total.reports) == (45, 1)
    assert Action.objects.get(pk=action.pk).reports.count() == 3


def test_a_branchs_vote_counts_cannot_exceed_its_members(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    members = 2  # Branch A: the member and the secretary
    with pytest.raises(DomainError, match="3 votes recorded, but Branch A has 2 members"):
        motions.record_position(
            actor=fresh(world.secretary),
            motion=motion,
            unit=world.branch_a,
            stance=Position.Stance.SUPPORT,
            votes_for=2,
            abstentions=1,
        )
    assert not Position.objects.exists()
    make_member("third@example.org", "Third Person", world.branch_a)
    position = motions.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance=Position.Stance.SUPPORT,
        votes_for=2,
        abstentions=1,
    )
    assert position.members == members + 1
    # The database holds the rule too, for anything that bypasses the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(votes_against=1)


def test_position_page_keeps_the_figures_and_says_why(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    client = Client()
    client.force_login(world.secretary)
    response = client.post(
        f"/motions/{motion.pk}/position/",
        {
            "unit": world.branch_a.pk,
            "stance": "support",
            "votes_for": 40,
            "votes_against": 0,
            "abstentions": 0,
            "mandate": "free",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "40 votes recorded, but Branch A has 2 members" in html
    assert 'value="40"' in html  # what was typed is kept
    assert not Position.objects.exists()
    api = Api(world.secretary)
    refused = api.post(
        f"/motions/{motion.pk}/positions",
        {"unit_id": world.branch_a.pk, "stance": "support", "votes_for": 40},
    )
    assert refused.status_code == 400, refused.content
    assert "Branch A has 2 members" in refused.json()["detail"]
