"""The democratic-centralist cycle end to end through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.decisions import selectors as decision_selectors
from iskra.decisions import services as decisions
from iskra.meetings import services as meetings
from iskra.meetings.models import Vote
from iskra.motions import selectors, services
from iskra.motions.models import Amendment, MotionStatus, Position
from iskra.organisation import services as org
from iskra.organisation.models import Seat
from tests.conftest import World, fresh, make_member


@pytest.fixture
def committee(world: World) -> World:
    """Give the national committee enough seats for a quorum, each held by a member."""
    for n in range(3):
        seat = org.create_seat(
            actor=world.admin,
            body=world.national_committee,
            role=Seat.Role.COMMITTEE_MEMBER,
            title=f"Seat {n}",
        )
        person = make_member(f"nc{n}@example.org", f"Committee {n}", world.branch_b)
        org.appoint_to_seat(
            actor=world.admin,
            seat=seat,
            holder=person,
            started_on=timezone.localdate() - timedelta(days=5),
        )
    world.national_committee.supporters_required = 2
    world.national_committee.save()
    return world


def test_whole_cycle(committee: World) -> None:
    w = committee
    body = w.national_committee
    supporters = [make_member(f"s{n}@example.org", f"Supporter {n}", w.branch_a) for n in range(2)]

    motion = services.create_motion(
        actor=fresh(w.member),
        body=body,
        title="Defend the library",
        text="This organisation will campaign to keep Riverside Library open every day.",
    )
    assert services.supporters_needed(motion) == 2
    with pytest.raises(DomainError, match="2 more supporters needed"):
        services.submit_motion(actor=fresh(w.member), motion=motion)
    for s in supporters:
        services.support_motion(actor=fresh(s), motion=motion)
    motion.refresh_from_db()
    assert services.supporters_needed(motion) == 0
    services.submit_motion(actor=fresh(w.member), motion=motion)

    with pytest.raises(PermissionDenied):
        services.admit_motion(actor=fresh(w.secretary), motion=motion)
    services.admit_motion(actor=fresh(w.officer), motion=motion)
    notified = services.open_discussion(
        actor=fresh(w.officer), motion=motion, deadline=timezone.localdate() + timedelta(days=10)
    )
    assert notified == Notification.objects.filter(kind="motion.discussion").count() > 0
    motion.refresh_from_db()
    assert motion.status == MotionStatus.IN_DISCUSSION
    assert {c.unit_id for c in motion.circulations.all()} == {w.branch_a.pk, w.branch_b.pk}

    # Branch A tables an amendment and supports if amended; Branch B opposes.
    amendment = services.table_amendment(
        actor=fresh(w.secretary),
        motion=motion,
        kind=Amendment.Kind.REPLACE,
        passage="every day",
        new_text="seven days a week",
        proposing_unit=w.branch_a,
    )
    services.record_position(
        actor=fresh(w.secretary),
        motion=motion,
        unit=w.branch_a,
        stance=Position.Stance.SUPPORT_IF_AMENDED,
        votes_for=1,
        votes_against=0,
        abstentions=1,
        mandate=Position.Mandate.INSTRUCTED,
    )
    services.record_position(
        actor=fresh(w.other_secretary),
        motion=motion,
        unit=w.branch_b,
        stance=Position.Stance.OPPOSE,
        votes_for=1,
        votes_against=2,
    )
    with pytest.raises(PermissionDenied):
        services.record_position(
            actor=fresh(w.other_secretary),
            motion=motion,
            unit=w.branch_a,
            stance=Position.Stance.OPPOSE,
        )
    state = selectors.discussion_state(motion)
    assert state.overall.branches["support_if_amended"] == 1
    assert state.overall.branches["oppose"] == 1
    assert state.overall.branches["not_yet"] == 0
    assert [u.name for u, _ in state.groups] == ["North District"]

    post = services.post_to_discussion(
        actor=fresh(w.member),
        motion=motion,
        text="The library is the only warm space on the estate.",
    )
    services.edit_post(
        actor=fresh(w.member),
        post=post,
        text="The library is the only free warm space on the estate.",
    )
    assert post.revisions.count() == 1

    # The national committee meets with quorum and votes by roll call.
    meeting = meetings.schedule_meeting(
        actor=fresh(w.officer),
        body=body,
        title="November meeting",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    meetings.open_meeting(actor=fresh(w.officer), meeting=meeting, reason="opened at once (test)")
    with pytest.raises(DomainError, match="not quorate"):
        meetings.take_show_of_hands(
            actor=fresh(w.officer),
            meeting=meeting,
            motion=motion,
            votes_for=1,
            votes_against=0,
            amendment=amendment,
        )
    members = list(meetings.body_members(body))
    for person in members:
        meetings.sign_in(actor=person, meeting=meeting)
    assert meetings.quorum(meeting).met
    with pytest.raises(DomainError, match="Amendments are decided before the motion"):
        meetings.open_vote(
            actor=fresh(w.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
        )
    vote = meetings.open_vote(
        actor=fresh(w.officer),
        meeting=meeting,
        motion=motion,
        method=Vote.Method.ROLL_CALL,
        amendment=amendment,
    )
    for person in members:
        meetings.cast_named_vote(actor=person, vote=vote, choice="for")
    meetings.close_vote(actor=fresh(w.officer), vote=vote)
    motion.refresh_from_db()
    assert "seven days a week" in motion.text
    assert motion.versions.count() == 2

    vote = meetings.open_vote(
        actor=fresh(w.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    against = members[0]
    for person in members:
        meetings.cast_named_vote(
            actor=person, vote=vote, choice="against" if person == against else "for"
        )
    with pytest.raises(DomainError, match="already voted"):
        meetings.cast_named_vote(actor=against, vote=vote, choice="for")
    vote = meetings.close_vote(actor=fresh(w.officer), vote=vote)
    assert vote.carried is True
    motion.refresh_from_db()
    assert motion.status == MotionStatus.CARRIED
    decision = motion.decision
    assert decision.text == motion.text

    # Dissent: the member who voted against, once; someone who voted for cannot.
    decisions.add_dissent(
        actor=against, decision=decision, text="Opening hours are the council's job, not ours."
    )
    with pytest.raises(DomainError, match="once"):
        decisions.add_dissent(actor=against, decision=decision, text="Again")
    with pytest.raises(PermissionDenied):
        decisions.add_dissent(actor=members[1], decision=decision, text="No")
    decisions.add_dissent(
        actor=fresh(w.other_secretary), decision=decision, text="Branch B opposed.", unit=w.branch_b
    )

    # Actions cascade: national → district → branch; a member commits and reports back.
    due = timezone.localdate() + timedelta(days=14)
    national = decisions.create_action(
        actor=fresh(w.officer),
        decision=decision,
        title="Leaflet the estates",
        due_on=due,
        target=1000,
        measure="leaflets",
        unit=w.district,
    )
    branch_action = decisions.create_action(
        actor=fresh(w.officer),
        decision=decision,
        title="Leaflet Riverside",
        due_on=due,
        target=400,
        measure="leaflets",
        unit=w.branch_a,
        parent=national,
    )
    commitment = decisions.commit_to_action(
        actor=fresh(w.member), action=branch_action, description="Saturday, 2 hours", amount=150
    )
    decisions.report_back(
        actor=fresh(w.member),
        action=branch_action,
        figure=170,
        text="Done, 170 out",
        commitment=commitment,
    )
    total, rows = decision_selectors.dashboard(decision=decision, unit=w.national)
    # The branch's 400 is its share of the district's 1000, not another 400 (issue 9, 19b).
    assert (total.asked, total.target, total.committed, total.reported) == (1, 1000, 150, 170)
    assert rows[0].unit == w.district
    total_branch, _ = decision_selectors.dashboard(decision=decision, unit=w.branch_a)
    assert (total_branch.asked, total_branch.reported) == (1, 170)

    meetings.close_meeting(actor=fresh(w.officer), meeting=meeting)
    meeting.refresh_from_db()
    assert "Against: " + against.full_name in meeting.minutes
