"""Decisions (immutable, numbered, scoped), dissent, amending and rescinding, actions,
commitments, reports, and the accountability rollup."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.decisions import selectors, services
from iskra.decisions.models import Decision
from iskra.meetings import services as meetings
from iskra.members.models import Status
from iskra.motions import services as motions
from iskra.motions.models import MotionStatus
from iskra.organisation import services as org
from iskra.organisation.models import Body, Unit
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import (
    audit_actions,
    audit_mark,
    carry,
    decided,
    motion_at,
    sitting,
)

DUE = timedelta(days=14)


def _due() -> object:
    return timezone.localdate() + DUE


def test_decision_copies_text_numbers_and_scope(nc: World) -> None:
    mark = audit_mark()
    decision = decided(nc)
    assert "decision.record" in audit_actions(mark)
    year = timezone.localdate().year
    assert decision.number == f"NC-{year}-001"
    assert decision.scope == nc.national and decision.scope_path == nc.national.path
    assert decision.status == Decision.Status.IN_FORCE
    assert decision.effective_on == timezone.localdate()
    assert decision.dissent_until == timezone.localdate() + timedelta(days=14)
    assert decision.vote is not None and decision.meeting == decision.vote.meeting
    motion = decision.motion
    assert decision.text == motion.text
    # The decision keeps its own copy: the motion row changing does not change it.
    motion.text = "Something else entirely"
    motion.save()
    decision.refresh_from_db()
    assert decision.text == "Keep Riverside Library open every day of the week."
    second = decided(nc, title="Second")
    assert second.number == f"NC-{year}-002"
    # Members in scope are told.
    assert Notification.objects.filter(kind="decision", user=nc.member).count() == 2


def test_decision_numbers_unique_when_bodies_share_initials(nc: World) -> None:
    """'National Committee' and 'North Caucus' both abbreviate to NC."""
    caucus = org.create_body(
        actor=nc.admin, unit=nc.district, kind=Body.Kind.GENERAL_MEETING, name="North Caucus"
    )
    caucus.quorum_percent = 1
    caucus.save()
    first = decided(nc)
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION, body=caucus, title="Caucus motion")
    s = sitting(nc, [motion], body=caucus)
    meetings.take_show_of_hands(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, votes_for=2, votes_against=0
    )
    other = Decision.objects.get(motion=motion)
    assert first.number != other.number
    assert other.number.startswith("NC-")


def test_register_scope_binds_the_subtree(nc: World) -> None:
    national = decided(nc, title="National")
    branch_b_motion = motion_at(
        nc,
        MotionStatus.IN_DISCUSSION,
        body=Body.objects.get(name="Branch B Committee"),
        by=nc.other_secretary,
        title="Branch B only",
    )
    Decision.objects.create(
        number="BBC-1",
        motion=branch_b_motion,
        body=branch_b_motion.body,
        title="Branch B only",
        text="x",
        scope=nc.branch_b,
        scope_path=nc.branch_b.path,
        effective_on=timezone.localdate(),
        dissent_until=timezone.localdate(),
        created_at=timezone.now(),
        is_public=True,
    )
    binding_a = selectors.decisions_register(unit=nc.branch_a)
    assert list(binding_a) == [national]
    binding_b = selectors.decisions_register(unit=nc.branch_b)
    assert {d.title for d in binding_b} == {"National", "Branch B only"}
    assert [d.title for d in selectors.decisions_register(public_only=True)] == ["Branch B only"]
    assert list(selectors.decisions_register(query=national.number)) == [national]
    assert list(selectors.decisions_register(query="riverside")) == [national]
    assert list(selectors.decisions_register(status="rescinded")) == []
    assert list(selectors.decisions_register(body_id=nc.national_committee.pk)) == [national]


def _roll_call_decision(nc: World) -> tuple[Decision, list[object]]:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    motions.record_position(
        actor=fresh(nc.other_secretary), motion=motion, unit=nc.branch_b, stance="oppose"
    )
    motions.record_position(
        actor=fresh(nc.secretary), motion=motion, unit=nc.branch_a, stance="support"
    )
    s = sitting(nc, [motion])
    vote = meetings.open_vote(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    for n, person in enumerate(s.present):
        meetings.cast_named_vote(actor=person, vote=vote, choice="against" if n < 2 else "for")
    meetings.close_vote(actor=fresh(nc.officer), vote=vote)
    return Decision.objects.get(motion=motion), s.present


def test_dissent_by_members_who_voted_against_once_within_the_period(nc: World) -> None:
    decision, present = _roll_call_decision(nc)
    against, voted_for = present[0], present[3]
    with pytest.raises(PermissionDenied):
        services.add_dissent(actor=voted_for, decision=decision, text="No")
    with pytest.raises(PermissionDenied):
        services.add_dissent(actor=fresh(nc.member), decision=decision, text="No")
    with pytest.raises(DomainError, match="Write"):
        services.add_dissent(actor=against, decision=decision, text="  ")
    with pytest.raises(DomainError, match="2,000"):
        services.add_dissent(actor=against, decision=decision, text="x" * 2001)
    mark = audit_mark()
    dissent = services.add_dissent(actor=against, decision=decision, text="Wrong priority.")
    assert audit_actions(mark) == ["decision.dissent"]
    assert (dissent.user, dissent.unit) == (against, None)
    with pytest.raises(DomainError, match="once"):
        services.add_dissent(actor=against, decision=decision, text="Again")
    late = timezone.now() + timedelta(days=15)
    with (
        time_machine.travel(late, tick=False),
        pytest.raises(DomainError, match="could be recorded until"),
    ):
        services.add_dissent(actor=present[1], decision=decision, text="Late")
    with time_machine.travel(timezone.now() + timedelta(days=13), tick=False):
        services.add_dissent(actor=present[1], decision=decision, text="Just in time")


def test_dissent_by_branches_whose_position_was_rejected(nc: World) -> None:
    decision, _ = _roll_call_decision(nc)
    with pytest.raises(PermissionDenied):
        services.add_dissent(
            actor=fresh(nc.secretary), decision=decision, text="x", unit=nc.branch_a
        )  # Branch A supported.
    with pytest.raises(PermissionDenied):
        services.add_dissent(
            actor=fresh(nc.secretary), decision=decision, text="x", unit=nc.branch_b
        )  # not Branch B's officer.
    services.add_dissent(
        actor=fresh(nc.other_secretary), decision=decision, text="We opposed.", unit=nc.branch_b
    )
    with pytest.raises(DomainError, match="once"):
        services.add_dissent(
            actor=fresh(nc.officer), decision=decision, text="Again", unit=nc.branch_b
        )
    assert decision.dissents.count() == 1


def test_dissent_after_a_show_of_hands_is_for_those_present(nc: World) -> None:
    decision = decided(nc)
    services.add_dissent(actor=fresh(nc.committee_member), decision=decision, text="I was against")
    with pytest.raises(PermissionDenied):
        services.add_dissent(actor=fresh(nc.member), decision=decision, text="Not there")


@pytest.mark.parametrize(
    ("field", "status"),
    [
        ("amends_decision", Decision.Status.AMENDED),
        ("rescinds_decision", Decision.Status.RESCINDED),
    ],
)
def test_amending_and_rescinding(nc: World, field: str, status: str) -> None:
    old = decided(nc)
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION, title="Change it", **{field: old})
    new = carry(nc, motion)
    old.refresh_from_db()
    assert old.status == status
    assert old.text == "Keep Riverside Library open every day of the week."
    link = new.amends if field == "amends_decision" else new.rescinds
    assert link == old
    related = old.amended_by if field == "amends_decision" else old.rescinded_by
    assert list(related.all()) == [new]
    if status == Decision.Status.RESCINDED:
        with pytest.raises(DomainError, match="no longer in force"):
            services.create_action(
                actor=fresh(nc.officer), decision=old, title="x", due_on=_due(), unit=nc.district
            )
    else:
        services.create_action(
            actor=fresh(nc.officer), decision=old, title="x", due_on=_due(), unit=nc.district
        )


def test_a_lost_amending_motion_leaves_the_decision_alone(nc: World) -> None:
    old = decided(nc)
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION, title="Rescind", rescinds_decision=old)
    s = sitting(nc, [motion])
    meetings.take_show_of_hands(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, votes_for=1, votes_against=4
    )
    old.refresh_from_db()
    assert old.status == Decision.Status.IN_FORCE


def test_complete_decision(nc: World) -> None:
    decision = decided(nc)
    with pytest.raises(PermissionDenied):
        services.complete_decision(actor=fresh(nc.secretary), decision=decision)
    mark = audit_mark()
    services.complete_decision(actor=fresh(nc.officer), decision=decision)
    assert audit_actions(mark) == ["decision.complete"]
    with pytest.raises(DomainError, match="Only a decision in force"):
        services.complete_decision(actor=fresh(nc.officer), decision=decision)
    with pytest.raises(DomainError, match="no longer in force"):
        services.create_action(
            actor=fresh(nc.officer), decision=decision, title="x", due_on=_due(), unit=nc.district
        )


# --- Actions -----------------------------------------------------------------------------------


def _south(world: World) -> Unit:
    south = org.create_unit(
        actor=world.admin, name="South District", kind=world.district.kind, parent=world.national
    )
    return org.create_unit(
        actor=world.admin, name="Branch C", kind=world.branch_a.kind, parent=south
    )


def test_actions_cascade_only_within_the_parents_unit(nc: World) -> None:
    decision = decided(nc)
    branch_c = _south(nc)
    officer = fresh(nc.officer)
    with pytest.raises(PermissionDenied):
        services.create_action(
            actor=fresh(nc.secretary), decision=decision, title="x", due_on=_due(), unit=nc.branch_a
        )
    Notification.objects.all().delete()
    mark = audit_mark()
    district = services.create_action(
        actor=officer,
        decision=decision,
        title="Leaflet",
        due_on=_due(),
        target=1000,
        unit=nc.district,
    )
    assert audit_actions(mark) == ["action.create"]
    assert district.unit_path == nc.district.path
    with pytest.raises(DomainError, match="within the decision's scope, down the tree"):
        services.create_action(
            actor=officer,
            decision=decision,
            title="x",
            due_on=_due(),
            unit=branch_c,
            parent=district,
        )
    with pytest.raises(DomainError, match="down the tree"):
        services.create_action(
            actor=officer,
            decision=decision,
            title="x",
            due_on=_due(),
            unit=nc.national,
            parent=district,
        )
    # The Branch A secretary is not an officer of the district: cannot cascade its action.
    with pytest.raises(PermissionDenied):
        services.create_action(
            actor=fresh(nc.secretary),
            decision=decision,
            title="x",
            due_on=_due(),
            unit=nc.branch_a,
            parent=district,
        )
    child = services.create_action(
        actor=officer,
        decision=decision,
        title="Riverside",
        due_on=_due(),
        unit=nc.branch_a,
        parent=district,
    )
    assert child.parent == district
    # Branch A's secretary was told; the Branch B secretary was not.
    assert Notification.objects.filter(kind="action.assigned", user=nc.secretary).exists()
    assert not Notification.objects.filter(kind="action.assigned", user=nc.other_secretary).exists()
    other = decided(nc, title="Other")
    with pytest.raises(DomainError, match="same decision"):
        services.create_action(
            actor=officer,
            decision=other,
            title="x",
            due_on=_due(),
            unit=nc.branch_a,
            parent=district,
        )


def test_action_scope_of_a_district_decision(world: World) -> None:
    gm = org.create_body(
        actor=world.admin, unit=world.district, kind=Body.Kind.GENERAL_MEETING, name="North GM"
    )
    decision = decided(world, body=gm)
    with pytest.raises(DomainError, match="decision's scope"):
        services.create_action(
            actor=fresh(world.officer),
            decision=decision,
            title="x",
            due_on=_due(),
            unit=world.national,
        )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"title": " "}, "needs a title"),
        ({"unit": None}, "one of the two"),
        ({"assignee": "member"}, "one of the two"),
        ({"target": -1}, "negative"),
        ({"due_on": "past"}, "past"),
    ],
)
def test_action_refusals(nc: World, kw: dict[str, object], message: str) -> None:
    decision = decided(nc)
    args: dict[str, object] = {"title": "T", "due_on": _due(), "unit": nc.district}
    args.update(kw)
    if args.get("assignee") == "member":
        args["assignee"] = nc.member
    if args["due_on"] == "past":
        args["due_on"] = timezone.localdate() - timedelta(days=1)
    with pytest.raises(DomainError, match=message):
        services.create_action(actor=fresh(nc.officer), decision=decision, **args)  # type: ignore[arg-type]


def test_commitments_by_members_of_the_unit(nc: World) -> None:
    decision = decided(nc)
    action = services.create_action(
        actor=fresh(nc.officer), decision=decision, title="Leaflet", due_on=_due(), unit=nc.branch_a
    )
    candidate = make_member("cand@example.org", "Cand", nc.branch_a, Status.CANDIDATE)
    for outsider in (nc.other_secretary, nc.outsider):
        with pytest.raises(PermissionDenied):
            services.commit_to_action(actor=fresh(outsider), action=action, description="x")
    with pytest.raises(DomainError, match="Say what"):
        services.commit_to_action(actor=fresh(nc.member), action=action, description=" ")
    with pytest.raises(DomainError, match="negative"):
        services.commit_to_action(actor=fresh(nc.member), action=action, description="x", amount=-1)
    mark = audit_mark()
    c = services.commit_to_action(
        actor=fresh(nc.member), action=action, description="Saturday", amount=100
    )
    assert audit_actions(mark) == ["action.commit"]
    assert c.due_on == action.due_on
    services.commit_to_action(actor=fresh(candidate), action=action, description="Sunday")
    # An action assigned to a member: only that member commits.
    personal = services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="Write",
        due_on=_due(),
        assignee=nc.secretary,
    )
    assert Notification.objects.filter(kind="action.assigned", user=nc.secretary).exists()
    with pytest.raises(PermissionDenied):
        services.commit_to_action(actor=fresh(nc.member), action=personal, description="x")
    services.commit_to_action(actor=fresh(nc.secretary), action=personal, description="Draft it")


def test_reports_by_assignee_officers_or_on_own_commitment(nc: World) -> None:
    decision = decided(nc)
    action = services.create_action(
        actor=fresh(nc.officer), decision=decision, title="Leaflet", due_on=_due(), unit=nc.branch_a
    )
    mine = services.commit_to_action(actor=fresh(nc.member), action=action, description="Sat")
    theirs = services.commit_to_action(actor=fresh(nc.secretary), action=action, description="Sun")
    with pytest.raises(PermissionDenied):
        services.report_back(actor=fresh(nc.member), action=action, figure=10)
    with pytest.raises(PermissionDenied):
        services.report_back(actor=fresh(nc.member), action=action, figure=10, commitment=theirs)
    with pytest.raises(PermissionDenied):
        services.report_back(actor=fresh(nc.other_secretary), action=action, figure=10)
    with pytest.raises(DomainError, match="negative"):
        services.report_back(actor=fresh(nc.secretary), action=action, figure=-1)
    with pytest.raises(DomainError, match="a figure or a few words"):
        services.report_back(actor=fresh(nc.secretary), action=action, figure=0, text=" ")
    mark = audit_mark()
    services.report_back(actor=fresh(nc.member), action=action, figure=50, commitment=mine)
    services.report_back(actor=fresh(nc.secretary), action=action, text="Stall went well")
    services.report_back(actor=fresh(nc.officer), action=action, figure=5)
    assert audit_actions(mark) == ["action.report"] * 3
    personal = services.create_action(
        actor=fresh(nc.officer), decision=decision, title="Write", due_on=_due(), assignee=nc.member
    )
    services.report_back(actor=fresh(nc.member), action=personal, text="Written")


def test_overdue_counting(nc: World) -> None:
    decision = decided(nc)
    soon = timezone.localdate() + timedelta(days=3)
    a = services.create_action(
        actor=fresh(nc.officer), decision=decision, title="A", due_on=soon, unit=nc.branch_a
    )
    services.create_action(
        actor=fresh(nc.officer), decision=decision, title="B", due_on=soon, unit=nc.branch_b
    )
    services.create_action(
        actor=fresh(nc.officer),
        decision=decision,
        title="C",
        due_on=soon + timedelta(days=30),
        unit=nc.branch_b,
    )
    total, _ = selectors.dashboard(decision=decision, unit=nc.national)
    assert total.overdue == 0
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert selectors.dashboard(unit=nc.national)[0].overdue == 0  # due today: not yet
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        total, _ = selectors.dashboard(unit=nc.national)
        assert total.overdue == 2
        services.report_back(actor=fresh(nc.secretary), action=a, figure=1)
        total, _ = selectors.dashboard(unit=nc.district)
        assert total.overdue == 1
        assert selectors.dashboard(unit=nc.branch_a)[0].overdue == 0
        assert selectors.dashboard(unit=nc.branch_b)[0].overdue == 1


def test_dashboard_rollup_at_every_level(nc: World) -> None:
    decision = decided(nc)
    branch_c = _south(nc)
    south = branch_c.parent
    officer = fresh(nc.officer)
    north = services.create_action(
        actor=officer, decision=decision, title="N", due_on=_due(), target=100, unit=nc.district
    )
    a = services.create_action(
        actor=officer,
        decision=decision,
        title="A",
        due_on=_due(),
        target=60,
        unit=nc.branch_a,
        parent=north,
    )
    c = services.create_action(
        actor=officer, decision=decision, title="C", due_on=_due(), target=10, unit=branch_c
    )
    personal = services.create_action(
        actor=officer, decision=decision, title="P", due_on=_due(), target=5, assignee=nc.member
    )
    commit = services.commit_to_action(actor=fresh(nc.member), action=a, description="x", amount=30)
    services.commit_to_action(actor=fresh(nc.secretary), action=a, description="y", amount=20)
    services.report_back(actor=fresh(nc.member), action=a, figure=25, commitment=commit)
    services.report_back(actor=fresh(nc.secretary), action=a, figure=10)
    services.report_back(actor=officer, action=c, figure=7)
    services.report_back(actor=fresh(nc.member), action=personal, figure=5)
    total, rows = selectors.dashboard(decision=decision, unit=nc.national)
    # A (passed down from N) is part of N: asked N, C and P; targets 100 + 10 + 5.
    assert (total.asked, total.target, total.committed, total.reported, total.reports) == (
        3,
        115,
        50,
        47,
        4,
    )
    assert total.commitments == 2
    by_unit = {r.unit.name: r for r in rows if r.unit}
    assert set(by_unit) == {"North District", "South District"}
    # The member-assigned P counts in North's row, where the member's branch is.
    north_row = by_unit["North District"]
    assert (north_row.asked, north_row.target, north_row.reported) == (2, 105, 40)
    assert (by_unit["South District"].target, by_unit["South District"].reported) == (10, 7)
    assert by_unit["South District"].progress_percent == 70
    total, rows = selectors.dashboard(decision=decision, unit=nc.district)
    assert total.as_dict() | {"unit_id": None} == north_row.as_dict() | {"unit_id": None}
    # The member-assigned action counts where the member belongs (Branch A, in North).
    assert (total.asked, total.target, total.reported) == (2, 105, 40)
    assert [r.unit.name for r in rows if r.unit] == ["Branch A"]
    branch_row = rows[0]
    # On Branch A's own table, A's parent (North's N) is outside: A is asked of Branch A.
    assert (branch_row.asked, branch_row.target) == (2, 65)
    total, rows = selectors.dashboard(decision=decision, unit=nc.branch_a)
    assert total.as_dict() == branch_row.as_dict()
    assert (total.asked, total.committed, total.reported) == (2, 50, 40)
    assert selectors.dashboard(decision=decision, unit=south)[0].asked == 1
    assert total.as_dict()["reported"] == 40
