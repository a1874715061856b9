"""The motion state machine (every pair of statuses) and who may move a motion along."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.members.models import Status
from iskra.motions import services
from iskra.motions.models import (
    MOTION_TRANSITIONS,
    Motion,
    MotionStatus,
    MotionStatusChange,
    Proposer,
)
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import audit_actions, audit_mark, draft, motion_at

ALL = list(MotionStatus.values)


@pytest.mark.parametrize("source", ALL)
def test_every_transition_from(world: World, source: str) -> None:
    """From each status, exactly the targets in the map are allowed; the rest are refused
    with a readable message and leave no trace."""
    allowed = MOTION_TRANSITIONS.get(source, frozenset())
    for target in ALL:
        motion = Motion.objects.create(
            body=world.national_committee,
            title="T",
            text="T",
            status=source,
            created_by=world.member,
            created_at=timezone.now(),
        )
        mark = audit_mark()
        if target in allowed:
            services.transition(motion, to=target, actor=world.officer, reason="why")
            motion.refresh_from_db()
            assert motion.status == target
            change = MotionStatusChange.objects.get(motion=motion)
            assert (change.from_status, change.to_status, change.reason) == (source, target, "why")
            assert audit_actions(mark) == [f"motion.{target}"]
        else:
            with pytest.raises(DomainError, match="cannot become"):
                services.transition(motion, to=target, actor=world.officer)
            motion.refresh_from_db()
            assert motion.status == source
            assert not MotionStatusChange.objects.filter(motion=motion).exists()
            assert audit_actions(mark) == []


def test_terminal_statuses_have_no_way_out() -> None:
    terminal = set(ALL) - set(MOTION_TRANSITIONS)
    assert terminal == {
        MotionStatus.CARRIED,
        MotionStatus.LOST,
        MotionStatus.WITHDRAWN,
        MotionStatus.REMITTED,
        MotionStatus.RULED_OUT,
        MotionStatus.COMPOSITED,
    }
    for targets in MOTION_TRANSITIONS.values():
        assert targets <= set(ALL)


def test_timestamps_follow_the_transition(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    assert motion.submitted_at and motion.admitted_at and motion.decided_at is None
    services.transition(motion, to=MotionStatus.REMITTED, actor=world.officer)
    motion.refresh_from_db()
    assert motion.decided_at is not None
    assert [c.to_status for c in motion.status_changes.all()] == [
        "submitted",
        "admitted",
        "in_discussion",
        "remitted",
    ]


# --- Proposing ---------------------------------------------------------------------------------


def test_member_in_scope_proposes_and_audit(world: World) -> None:
    mark = audit_mark()
    motion = draft(world)
    assert motion.proposed_by == Motion.ProposedBy.MEMBER
    assert Proposer.objects.get(motion=motion).is_mover
    assert audit_actions(mark) == ["motion.create"]


@pytest.mark.parametrize("who", ["candidate", "outsider", "lapsed", "out_of_scope"])
def test_who_may_not_propose(world: World, who: str) -> None:
    body = world.national_committee
    if who == "candidate":
        actor = make_member("c@example.org", "Cand", world.branch_a, Status.CANDIDATE)
    elif who == "lapsed":
        actor = make_member("l@example.org", "Lapsed", world.branch_a, Status.LAPSED)
    elif who == "outsider":
        actor = world.outsider
    else:
        actor, body = world.other_secretary, world.branch_committee  # Branch B → Branch A
    with pytest.raises(PermissionDenied):
        services.create_motion(actor=fresh(actor), body=body, title="T", text="T")


def test_members_may_propose_is_body_policy(world: World) -> None:
    body = world.national_committee
    body.members_may_propose = False
    body.save()
    with pytest.raises(PermissionDenied):
        draft(world)
    # An officer of a branch still proposes for the branch, with authority.
    motion = draft(
        world, by=world.secretary, proposing_unit=world.branch_a, authority="Branch meeting"
    )
    assert motion.proposed_by == Motion.ProposedBy.UNIT


def test_blank_motion_refused(world: World) -> None:
    with pytest.raises(DomainError, match="title and a text"):
        draft(world, title="  ", text="x")


def test_unit_motion_needs_authority_and_officer(world: World) -> None:
    with pytest.raises(DomainError, match="Say which meeting"):
        draft(world, by=world.secretary, proposing_unit=world.branch_a)
    with pytest.raises(PermissionDenied):
        draft(world, by=world.other_secretary, proposing_unit=world.branch_a, authority="x")
    motion = draft(
        world, by=world.secretary, proposing_unit=world.branch_a, authority="Branch, 3 March"
    )
    assert (motion.proposed_by, motion.proposing_unit, motion.authority) == (
        Motion.ProposedBy.UNIT,
        world.branch_a,
        "Branch, 3 March",
    )
    assert services.supporters_needed(motion) == 0


def test_unit_motions_off_when_body_says_so(world: World) -> None:
    body = world.national_committee
    body.units_may_propose = False
    body.save()
    with pytest.raises(PermissionDenied):
        draft(world, by=world.secretary, proposing_unit=world.branch_a, authority="x")


def test_body_motion_needs_authority_and_body_officer(world: World) -> None:
    with pytest.raises(DomainError, match="Say which meeting"):
        draft(world, by=world.officer, by_body=True)
    with pytest.raises(PermissionDenied):
        draft(world, by=world.secretary, by_body=True, authority="x")
    motion = draft(world, by=world.officer, by_body=True, authority="NC, 1 May")
    assert motion.proposed_by == Motion.ProposedBy.BODY
    assert motion.proposing_body == world.national_committee


def test_update_draft_only_mover_only_draft(world: World) -> None:
    motion = draft(world)
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=fresh(world.secretary), motion=motion, title="X", text="Y")
    with pytest.raises(DomainError):
        services.update_draft(actor=fresh(world.member), motion=motion, title="", text="Y")
    mark = audit_mark()
    services.update_draft(actor=fresh(world.member), motion=motion, title="New", text="Body")
    assert audit_actions(mark) == ["motion.edit_draft"]
    motion = motion_at(world, MotionStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=fresh(world.member), motion=motion, title="X", text="Y")


# --- Support -----------------------------------------------------------------------------------


def test_supporters_count_and_more_needed(world: World) -> None:
    body = world.national_committee
    body.supporters_required = 3
    body.save()
    motion = draft(world)
    assert services.supporters_needed(motion) == 3
    with pytest.raises(DomainError, match="3 more supporters needed"):
        services.submit_motion(actor=fresh(world.member), motion=motion)
    mark = audit_mark()
    services.support_motion(actor=fresh(world.secretary), motion=motion)
    services.support_motion(actor=fresh(world.officer), motion=motion)
    assert audit_actions(mark) == ["motion.support", "motion.support"]
    motion.refresh_from_db()
    assert motion.supporters_count == 2
    with pytest.raises(DomainError, match=r"^1 more supporter needed"):
        services.submit_motion(actor=fresh(world.member), motion=motion)
    with pytest.raises(DomainError, match="already support"):
        services.support_motion(actor=fresh(world.officer), motion=motion)
    mark = audit_mark()
    services.withdraw_support(actor=fresh(world.officer), motion=motion)
    assert audit_actions(mark) == ["motion.unsupport"]
    with pytest.raises(DomainError, match="do not support"):
        services.withdraw_support(actor=fresh(world.officer), motion=motion)
    motion.refresh_from_db()
    assert motion.supporters_count == 1
    services.support_motion(actor=fresh(world.officer), motion=motion)
    services.support_motion(actor=fresh(world.committee_member), motion=motion)
    motion.refresh_from_db()
    assert services.supporters_needed(motion) == 0
    mark = audit_mark()
    services.submit_motion(actor=fresh(world.member), motion=motion)
    assert audit_actions(mark) == ["motion.submitted"]
    assert motion.versions.get().number == 1


def test_who_may_support(world: World) -> None:
    motion = draft(world)
    candidate = make_member("c@example.org", "Cand", world.branch_a, Status.CANDIDATE)
    for actor in (candidate, world.outsider):
        with pytest.raises(PermissionDenied):
            services.support_motion(actor=fresh(actor), motion=motion)
    with pytest.raises(DomainError, match="mover cannot"):
        services.support_motion(actor=fresh(world.member), motion=motion)
    # Out of scope: a Branch B member cannot support a motion to the Branch A committee.
    local = draft(world, body=world.branch_committee)
    with pytest.raises(PermissionDenied):
        services.support_motion(actor=fresh(world.other_secretary), motion=local)
    # Once admitted, support is closed.
    admitted = motion_at(world, MotionStatus.ADMITTED, title="Another")
    with pytest.raises(PermissionDenied):
        services.support_motion(actor=fresh(world.secretary), motion=admitted)
    with pytest.raises(DomainError, match="before the motion is admitted"):
        services.withdraw_support(actor=fresh(world.secretary), motion=admitted)


def test_only_mover_submits(world: World) -> None:
    motion = draft(world)
    with pytest.raises(PermissionDenied):
        services.submit_motion(actor=fresh(world.officer), motion=motion)


# --- Admission, ruling, circulation, withdrawal --------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("officer", True),
        ("admin", True),
        ("secretary", False),  # an officer of a branch, not of the body's unit
        ("other_secretary", False),
        ("committee_member", False),  # sits on the body but has no officer rights
        ("member", False),
    ],
)
def test_who_admits_rules_and_circulates(world: World, who: str, allowed: bool) -> None:
    actor = getattr(world, who)
    motions = [motion_at(world, MotionStatus.SUBMITTED, title=f"M{n}") for n in range(3)]
    verbs = [
        lambda m: services.admit_motion(actor=fresh(actor), motion=m),
        lambda m: services.rule_out_of_order(actor=fresh(actor), motion=m, reason="Out of remit"),
    ]
    if allowed:
        mark = audit_mark()
        verbs[0](motions[0])
        assert audit_actions(mark) == ["motion.admitted"]
        verbs[1](motions[1])
        services.admit_motion(actor=fresh(world.officer), motion=motions[2])
        assert services.open_discussion(actor=fresh(actor), motion=motions[2]) > 0
        statuses = [Motion.objects.get(pk=m.pk).status for m in motions]
        assert statuses == ["admitted", "ruled_out", "in_discussion"]
    else:
        for verb, motion in zip(verbs, motions, strict=False):
            with pytest.raises(PermissionDenied):
                verb(motion)
        services.admit_motion(actor=fresh(world.officer), motion=motions[2])
        with pytest.raises(PermissionDenied):
            services.open_discussion(actor=fresh(actor), motion=motions[2])


def test_branch_officer_manages_branch_body_motions(world: World) -> None:
    motion = motion_at(world, MotionStatus.SUBMITTED, body=world.branch_committee)
    with pytest.raises(PermissionDenied):
        services.admit_motion(actor=fresh(world.other_secretary), motion=motion)
    services.admit_motion(actor=fresh(world.secretary), motion=motion)


def test_ruling_needs_reason(world: World) -> None:
    motion = motion_at(world, MotionStatus.SUBMITTED)
    with pytest.raises(DomainError, match="reason"):
        services.rule_out_of_order(actor=fresh(world.officer), motion=motion, reason="  ")
    services.rule_out_of_order(actor=fresh(world.officer), motion=motion, reason="Ultra vires")
    motion.refresh_from_db()
    assert (motion.status, motion.status_reason) == ("ruled_out", "Ultra vires")


def test_admitting_twice_refused(world: World) -> None:
    motion = motion_at(world, MotionStatus.ADMITTED)
    with pytest.raises(DomainError, match="cannot become"):
        services.admit_motion(actor=fresh(world.officer), motion=motion)


def test_discussion_deadline(world: World) -> None:
    motion = motion_at(world, MotionStatus.ADMITTED)
    with pytest.raises(DomainError, match="future"):
        services.open_discussion(
            actor=fresh(world.officer), motion=motion, deadline=timezone.localdate()
        )
    mark = audit_mark()
    services.open_discussion(actor=fresh(world.officer), motion=motion)
    motion.refresh_from_db()
    days = world.national_committee.discussion_days
    assert motion.discussion_deadline == timezone.localdate() + timedelta(days=days)
    assert audit_actions(mark) == ["motion.in_discussion", "motion.circulate"]


def test_withdrawal(world: World) -> None:
    body = world.national_committee
    body.supporters_required = 1
    body.save()
    motion = draft(world)
    services.support_motion(actor=fresh(world.secretary), motion=motion)
    with pytest.raises(PermissionDenied):
        services.withdraw_motion(actor=fresh(world.secretary), motion=motion)
    mark = audit_mark()
    services.withdraw_motion(actor=fresh(world.member), motion=motion)
    assert audit_actions(mark) == ["motion.withdrawn"]
    motion.refresh_from_db()
    assert (motion.status, motion.status_reason) == ("withdrawn", "Withdrawn by the mover")
    carried = motion_at(world, MotionStatus.CARRIED, title="Done")
    with pytest.raises(DomainError, match="cannot become"):
        services.withdraw_motion(actor=fresh(world.member), motion=carried)
    # The body's officers may withdraw too (e.g. at the mover's written request).
    other = motion_at(world, MotionStatus.IN_DISCUSSION, title="Other")
    services.withdraw_motion(actor=fresh(world.officer), motion=other, reason="Mover's request")


# --- Compositing -------------------------------------------------------------------------------


def test_compositing_needs_every_movers_agreement(world: World) -> None:
    a = motion_at(world, MotionStatus.SUBMITTED, title="Library A")
    b = motion_at(world, MotionStatus.ADMITTED, title="Library B", by=world.secretary)
    officer = fresh(world.officer)
    with pytest.raises(DomainError, match="not agreed yet: Library A; Library B"):
        services.composite_motions(actor=officer, motions=[a, b], title="Libraries", text="Both")
    with pytest.raises(DomainError, match="Only the motion's mover"):
        services.agree_to_composite(actor=fresh(world.secretary), motion=a)
    mark = audit_mark()
    services.agree_to_composite(actor=fresh(world.member), motion=a)
    assert audit_actions(mark) == ["motion.agree_composite"]
    with pytest.raises(DomainError, match=r"not agreed yet: Library B$"):
        services.composite_motions(actor=officer, motions=[a, b], title="Libraries", text="Both")
    services.agree_to_composite(actor=fresh(world.secretary), motion=b)
    with pytest.raises(PermissionDenied):
        services.composite_motions(
            actor=fresh(world.secretary), motions=[a, b], title="Libraries", text="Both"
        )
    with pytest.raises(DomainError, match="needs its text"):
        services.composite_motions(actor=officer, motions=[a, b], title="Libraries", text=" ")
    mark = audit_mark()
    composite = services.composite_motions(
        actor=officer, motions=[a, b], title="Libraries", text="Keep both open."
    )
    assert audit_actions(mark) == ["motion.composited", "motion.composited", "motion.composite"]
    assert composite.status == MotionStatus.SUBMITTED
    assert composite.proposed_by == Motion.ProposedBy.BODY
    assert composite.versions.get().text == "Keep both open."
    assert {p.user_id for p in composite.proposers.all()} >= {world.member.pk, world.secretary.pk}
    for m in (a, b):
        m.refresh_from_db()
        assert (m.status, m.composite_id) == (MotionStatus.COMPOSITED, composite.pk)


def test_compositing_refusals(world: World) -> None:
    a = motion_at(world, MotionStatus.SUBMITTED, title="A")
    local = motion_at(world, MotionStatus.SUBMITTED, title="L", body=world.branch_committee)
    officer = fresh(world.officer)
    with pytest.raises(DomainError, match="at least two"):
        services.composite_motions(actor=officer, motions=[a], title="x", text="y")
    with pytest.raises(DomainError, match="same body"):
        services.composite_motions(actor=officer, motions=[a, local], title="x", text="y")
    # A draft cannot be composited even with agreement: the state machine refuses it.
    d = draft(world, title="Draft")
    for m in (a, d):
        services.agree_to_composite(actor=fresh(world.member), motion=m)
    with pytest.raises(DomainError, match="cannot become"):
        services.composite_motions(actor=officer, motions=[a, d], title="x", text="y")
    assert not Motion.objects.filter(title="x").exists()
