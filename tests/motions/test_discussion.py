"""Circulation, branch positions, the state of the discussion, the threaded discussion and
the discussion bulletin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.members.models import Status
from iskra.motions import selectors, services
from iskra.motions.models import Circulation, MotionStatus, Position, PostRevision
from iskra.organisation import services as org
from iskra.organisation.models import Unit
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import audit_actions, audit_mark, motion_at


def _second_district(world: World) -> tuple[Unit, Unit, Unit]:
    district_kind = world.district.kind
    south = org.create_unit(
        actor=world.admin, name="South District", kind=district_kind, parent=world.national
    )
    c = org.create_unit(actor=world.admin, name="Branch C", kind=world.branch_a.kind, parent=south)
    d = org.create_unit(actor=world.admin, name="Branch D", kind=world.branch_a.kind, parent=south)
    return south, c, d


def test_circulation_one_row_per_branch_and_notifications_in_scope(world: World) -> None:
    _, c, _ = _second_district(world)
    for n in range(3):
        make_member(f"c{n}@example.org", f"C {n}", c)
    make_member("cand@example.org", "Candidate", c, Status.CANDIDATE)
    make_member("gone@example.org", "Gone", c, Status.LAPSED)
    # A motion to the North District: only North's branches and members.
    motion = motion_at(world, MotionStatus.ADMITTED, body=world.district_committee)
    Notification.objects.all().delete()
    notified = services.open_discussion(actor=fresh(world.officer), motion=motion)
    rows = {c.unit_id: c.members for c in Circulation.objects.filter(motion=motion)}
    assert rows == {world.branch_a.pk: 2, world.branch_b.pk: 3}
    recipients = set(
        Notification.objects.filter(kind="motion.discussion").values_list("user__email", flat=True)
    )
    assert recipients == {
        "member@example.org",
        "secretary@example.org",
        "other@example.org",
        "officer@example.org",
        "cm@example.org",
    }
    assert notified == 5
    # Nationally: every branch, candidates notified but counted apart from members; the
    # lapsed member is neither notified nor counted.
    national = motion_at(world, MotionStatus.ADMITTED, title="National")
    Notification.objects.all().delete()
    notified = services.open_discussion(actor=fresh(world.officer), motion=national)
    assert Circulation.objects.filter(motion=national).count() == 4
    assert Circulation.objects.get(motion=national, unit=c).members == 3
    assert notified == 9
    assert not Notification.objects.filter(user__email="gone@example.org").exists()
    assert not Notification.objects.filter(user=world.outsider).exists()


def test_positions_only_by_officers_of_the_unit(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    for actor, unit in (
        (world.other_secretary, world.branch_a),
        (world.member, world.branch_a),
        (world.committee_member, world.branch_a),
        (world.secretary, world.branch_b),
    ):
        with pytest.raises(PermissionDenied):
            services.record_position(actor=fresh(actor), motion=motion, unit=unit, stance="support")
    # An officer above the branch may record it; so may the branch's own secretary.
    services.record_position(
        actor=fresh(world.officer), motion=motion, unit=world.branch_b, stance="oppose"
    )
    services.record_position(
        actor=fresh(world.secretary), motion=motion, unit=world.branch_a, stance="support"
    )
    # A unit outside the body's scope cannot record a position on it.
    local = motion_at(world, MotionStatus.IN_DISCUSSION, body=world.branch_committee, title="L")
    with pytest.raises(PermissionDenied):
        services.record_position(
            actor=fresh(world.officer), motion=local, unit=world.branch_b, stance="oppose"
        )


def test_positions_refused_outside_discussion_and_bad_values(world: World) -> None:
    admitted = motion_at(world, MotionStatus.ADMITTED)
    with pytest.raises(PermissionDenied):
        services.record_position(
            actor=fresh(world.secretary), motion=admitted, unit=world.branch_a, stance="support"
        )
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, title="Other")
    for kwargs, message in (
        ({"stance": "maybe"}, "Choose support"),
        ({"stance": "support", "mandate": "bound"}, "instructed or free"),
        ({"stance": "support", "votes_for": -1}, "negative"),
    ):
        with pytest.raises(DomainError, match=message):
            services.record_position(
                actor=fresh(world.secretary), motion=motion, unit=world.branch_a, **kwargs
            )


def test_position_corrections_keep_history(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    mark = audit_mark()
    first = services.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance="oppose",
        votes_for=0,
        votes_against=2,
    )
    second = services.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance="support",
        votes_for=2,
        votes_against=0,
        mandate=Position.Mandate.INSTRUCTED,
        mandate_note="  Vote for  ",
    )
    assert audit_actions(mark) == ["motion.position", "motion.position"]
    first.refresh_from_db()
    assert first.is_current is False and first.stance == "oppose"
    assert second.is_current and second.mandate_note == "Vote for"
    assert Position.objects.filter(motion=motion, unit=world.branch_a).count() == 2
    state = selectors.discussion_state(motion)
    assert state.overall.branches["support"] == 1 and state.overall.branches["oppose"] == 0


def test_discussion_state_rolls_up_per_district_and_overall(world: World) -> None:
    _, c, d = _second_district(world)
    for n in range(4):
        make_member(f"c{n}@example.org", f"C {n}", c)
    make_member("d0@example.org", "D 0", d)
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    services.record_position(
        actor=fresh(world.secretary), motion=motion, unit=world.branch_a, stance="support"
    )
    services.record_position(actor=fresh(world.officer), motion=motion, unit=c, stance="oppose")
    services.record_position(
        actor=fresh(world.officer), motion=motion, unit=d, stance="support_if_amended"
    )
    state = selectors.discussion_state(motion)
    assert state.overall.branches == {
        "support": 1,
        "oppose": 1,
        "support_if_amended": 1,
        "not_yet": 1,
    }
    # Branch A has 2 members; B has 3 (not yet); C 4; D 1.
    assert state.overall.members == {
        "support": 2,
        "oppose": 4,
        "support_if_amended": 1,
        "not_yet": 3,
    }
    assert state.overall.total_branches == 4 and state.overall.total_members == 10
    groups = {u.name: t for u, t in state.groups}
    assert list(groups) == ["North District", "South District"]
    assert groups["North District"].branches["support"] == 1
    assert groups["North District"].members["not_yet"] == 3
    assert groups["South District"].members == {
        "support": 0,
        "oppose": 4,
        "support_if_amended": 1,
        "not_yet": 0,
    }
    as_dict = state.as_dict()
    assert as_dict["overall"]["branches"]["oppose"] == 1
    assert {g["unit"] for g in as_dict["groups"]} == {"North District", "South District"}


def test_discussion_state_at_district_groups_by_branch(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=world.district_committee)
    services.record_position(
        actor=fresh(world.secretary), motion=motion, unit=world.branch_a, stance="support"
    )
    state = selectors.discussion_state(motion)
    assert [u.name for u, _ in state.groups] == ["Branch A", "Branch B"]
    assert state.overall.branches["not_yet"] == 1


def test_before_unit_lists_motions_in_discussion(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    assert [c.motion for c in selectors.before_unit(world.branch_a)] == [motion]
    services.withdraw_motion(actor=fresh(world.member), motion=motion)
    assert list(selectors.before_unit(world.branch_a)) == []


# --- The threaded discussion ---------------------------------------------------------------------


def test_who_discusses(world: World) -> None:
    candidate = make_member("c@example.org", "Cand", world.branch_a, Status.CANDIDATE)
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    mark = audit_mark()
    services.post_to_discussion(actor=fresh(candidate), motion=motion, text="A candidate speaks")
    assert audit_actions(mark) == ["discussion.post"]
    with pytest.raises(PermissionDenied):
        services.post_to_discussion(actor=fresh(world.outsider), motion=motion, text="Hi")
    # Branch B members are outside the Branch A committee's scope.
    local = motion_at(world, MotionStatus.IN_DISCUSSION, body=world.branch_committee, title="L")
    with pytest.raises(PermissionDenied):
        services.post_to_discussion(actor=fresh(world.committee_member), motion=local, text="Hi")
    # Drafts and decided motions are not under discussion.
    for status in (MotionStatus.DRAFT, MotionStatus.CARRIED):
        closed = motion_at(world, status, title=status)
        with pytest.raises(PermissionDenied):
            services.post_to_discussion(actor=fresh(world.member), motion=closed, text="Hi")


def test_post_validation_and_replies(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    other = motion_at(world, MotionStatus.IN_DISCUSSION, title="Other")
    with pytest.raises(DomainError, match="Write something"):
        services.post_to_discussion(actor=fresh(world.member), motion=motion, text="   ")
    with pytest.raises(DomainError, match="10,000"):
        services.post_to_discussion(actor=fresh(world.member), motion=motion, text="x" * 10001)
    root = services.post_to_discussion(actor=fresh(world.member), motion=motion, text="Root")
    reply = services.post_to_discussion(
        actor=fresh(world.secretary), motion=motion, text="Reply", parent=root
    )
    assert reply.parent == root
    with pytest.raises(DomainError, match="same discussion"):
        services.post_to_discussion(actor=fresh(world.member), motion=other, text="X", parent=root)


def test_edit_history_kept(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    post = services.post_to_discussion(actor=fresh(world.member), motion=motion, text="First")
    with pytest.raises(PermissionDenied):
        services.edit_post(actor=fresh(world.officer), post=post, text="Officer rewrite")
    with pytest.raises(DomainError, match="empty"):
        services.edit_post(actor=fresh(world.member), post=post, text=" ")
    mark = audit_mark()
    services.edit_post(actor=fresh(world.member), post=post, text="Second")
    services.edit_post(actor=fresh(world.member), post=post, text="Third")
    assert audit_actions(mark) == ["discussion.edit", "discussion.edit"]
    post.refresh_from_db()
    assert post.text == "Third" and post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("text", flat=True)) == [
        "First",
        "Second",
    ]


def test_moderation_with_reason(world: World) -> None:
    motion = motion_at(world, MotionStatus.IN_DISCUSSION)
    post = services.post_to_discussion(actor=fresh(world.member), motion=motion, text="Abuse")
    for actor in (world.secretary, world.member, world.committee_member):
        with pytest.raises(PermissionDenied):
            services.hide_post(actor=fresh(actor), post=post, reason="No")
    with pytest.raises(DomainError, match="needs a reason"):
        services.hide_post(actor=fresh(world.officer), post=post, reason="  ")
    mark = audit_mark()
    services.hide_post(actor=fresh(world.officer), post=post, reason="Personal attack")
    assert audit_actions(mark) == ["discussion.hide"]
    post.refresh_from_db()
    assert (post.hidden_by, post.hidden_reason) == (world.officer, "Personal attack")
    with pytest.raises(DomainError, match="hidden post cannot be edited"):
        services.edit_post(actor=fresh(world.member), post=post, text="Sorry")
    # The branch secretary moderates their own branch body's motions.
    local = motion_at(world, MotionStatus.IN_DISCUSSION, body=world.branch_committee, title="L")
    p2 = services.post_to_discussion(actor=fresh(world.member), motion=local, text="x")
    services.hide_post(actor=fresh(world.secretary), post=p2, reason="Off topic")


# --- The bulletin --------------------------------------------------------------------------------


def test_bulletin_lifecycle(world: World) -> None:
    today = timezone.localdate()
    body = world.national_committee
    with pytest.raises(PermissionDenied):
        services.create_bulletin(
            actor=fresh(world.secretary), body=body, title="B", opens_on=today, closes_on=today
        )
    with pytest.raises(DomainError, match="close after"):
        services.create_bulletin(
            actor=fresh(world.officer),
            body=body,
            title="B",
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )
    with pytest.raises(DomainError, match="title"):
        services.create_bulletin(
            actor=fresh(world.officer), body=body, title=" ", opens_on=today, closes_on=today
        )
    mark = audit_mark()
    bulletin = services.create_bulletin(
        actor=fresh(world.officer),
        body=body,
        title="Pre-conference bulletin",
        opens_on=today + timedelta(days=1),
        closes_on=today + timedelta(days=10),
    )
    with pytest.raises(DomainError, match="not open"):
        services.contribute(actor=fresh(world.member), bulletin=bulletin, title="T", text="X")
    with time_machine.travel(today + timedelta(days=2), tick=False):
        contribution = services.contribute(
            actor=fresh(world.member), bulletin=bulletin, title="For the library", text="Text"
        )
        assert contribution.signature == "Mo Member"
        signed = services.contribute(
            actor=fresh(world.secretary),
            bulletin=bulletin,
            title="T",
            text="X",
            signature="Branch A comrades",
        )
        assert signed.signature == "Branch A comrades"
        with pytest.raises(PermissionDenied):
            services.contribute(actor=fresh(world.outsider), bulletin=bulletin, title="T", text="X")
        with pytest.raises(DomainError, match="title and a text"):
            services.contribute(actor=fresh(world.member), bulletin=bulletin, title="T", text=" ")
    with (
        time_machine.travel(today + timedelta(days=11), tick=False),
        pytest.raises(DomainError, match="not open"),
    ):
        services.contribute(actor=fresh(world.member), bulletin=bulletin, title="T", text="X")
    with pytest.raises(PermissionDenied):
        services.publish_bulletin(actor=fresh(world.secretary), bulletin=bulletin)
    Notification.objects.all().delete()
    services.publish_bulletin(actor=fresh(world.officer), bulletin=bulletin)
    assert Notification.objects.filter(kind="bulletin.published").count() == 5
    with pytest.raises(DomainError, match="Already published"):
        services.publish_bulletin(actor=fresh(world.officer), bulletin=bulletin)
    with (
        time_machine.travel(today + timedelta(days=3), tick=False),
        pytest.raises(DomainError, match="not open"),
    ):
        services.contribute(actor=fresh(world.member), bulletin=bulletin, title="T", text="X")
    assert audit_actions(mark) == [
        "bulletin.create",
        "bulletin.contribute",
        "bulletin.contribute",
        "bulletin.publish",
    ]


def test_a_position_names_only_a_meeting_of_its_own_unit(world: World) -> None:
    from iskra.meetings import services as meetings

    motion = motion_at(world, MotionStatus.IN_DISCUSSION)

    def meeting_of(body: object) -> object:
        return meetings.schedule_meeting(
            actor=fresh(world.officer),
            body=body,
            title="Meeting",
            starts_at=timezone.now() + timedelta(hours=1),
        )

    elsewhere = meeting_of(world.national_committee)
    with pytest.raises(DomainError, match="must be one of Branch A"):
        services.record_position(
            actor=fresh(world.secretary),
            motion=motion,
            unit=world.branch_a,
            stance="support",
            meeting=elsewhere,
        )
    assert not Position.objects.exists()
    own = meeting_of(world.branch_committee)
    position = services.record_position(
        actor=fresh(world.secretary),
        motion=motion,
        unit=world.branch_a,
        stance="support",
        meeting=own,
    )
    assert position.meeting == own
