"""Motions of no confidence: moved at the body that elects the holder (or a committee), they
follow the cycle; carried, the terms they name end and by-elections are drafted; lost, nothing
changes."""

from __future__ import annotations

import pytest

from iskra.audit.models import AuditEntry
from iskra.ballots.models import Ballot
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.motions import services as motions
from iskra.motions.models import Motion, MotionStatus
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.representation import no_confidence
from iskra.representation.models import NoConfidence
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import carry, sitting


@pytest.fixture
def branch_meeting(world: World) -> Body:
    """Branch A's general meeting, which the branch's members elect its secretary at."""
    body = org.create_body(
        actor=world.admin,
        unit=world.branch_a,
        kind=Body.Kind.GENERAL_MEETING,
        name="Branch A Meeting",
    )
    Body.objects.filter(pk=body.pk).update(supporters_required=0, min_notice_days=0)
    Seat.objects.filter(pk=world.branch_secretary_seat.pk).update(constituency_unit=world.branch_a)
    body.refresh_from_db()
    for i in range(3):
        make_member(f"a{i}@example.org", f"Branch A Member {i}", world.branch_a)
    return body


def _holding(world: World) -> SeatHolding:
    return SeatHolding.objects.current().get(seat=world.branch_secretary_seat)


def _to_vote(world: World, motion: Motion) -> Motion:
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    motions.open_discussion(actor=fresh(world.officer), motion=motion)
    motion.refresh_from_db()
    return motion


def test_carried_it_ends_the_term_and_drafts_a_by_election(
    world: World, branch_meeting: Body
) -> None:
    holding = _holding(world)
    motion = no_confidence.move(
        actor=fresh(world.member), holding=holding, reason="No meeting called since spring."
    )
    assert motion.body == branch_meeting and motion.status == MotionStatus.DRAFT
    assert motion.title == "No confidence in Sam Secretary as Branch A Secretary"
    assert "No meeting called since spring." in motion.text
    assert list(NoConfidence.objects.get(motion=motion).holdings.all()) == [holding]
    assert Notification.objects.filter(user=world.secretary, kind="no_confidence.moved").exists()
    carry(world, _to_vote(world, motion))
    holding.refresh_from_db()
    assert holding.ended_on is not None
    assert holding.end_reason == f"No confidence: {motion.title}"
    by_election = Ballot.objects.get(title="By-election: Branch A Secretary")
    assert by_election.state == Ballot.State.DRAFT and by_election.unit == world.branch_a
    assert "lost the confidence of Branch A Meeting" in by_election.description
    nc = NoConfidence.objects.get(motion=motion)
    assert nc.carried_at is not None and nc.ended == 1
    assert AuditEntry.objects.filter(action="no_confidence.carried").count() == 1
    assert Notification.objects.filter(user=world.secretary, kind="no_confidence.carried").exists()


def test_lost_it_changes_nothing(world: World, branch_meeting: Body) -> None:
    holding = _holding(world)
    motion = _to_vote(
        world, no_confidence.move(actor=fresh(world.member), holding=holding, reason="Why not.")
    )
    s = sitting(world, [motion], body=branch_meeting)
    meetings.take_show_of_hands(
        actor=fresh(world.officer),
        meeting=s.meeting,
        motion=motion,
        votes_for=0,
        votes_against=len(s.present),
    )
    holding.refresh_from_db()
    assert holding.ended_on is None
    assert not Ballot.objects.filter(title__startswith="By-election").exists()
    assert NoConfidence.objects.get(motion=motion).carried_at is None


def test_no_confidence_in_a_committee_names_every_current_holder(world: World) -> None:
    committee = world.national_committee
    conference = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.GENERAL_MEETING, name="Conference"
    )
    Seat.objects.filter(body=committee).update(constituency_body=conference)
    motion = no_confidence.move(actor=fresh(world.member), committee=committee, reason="Cuts.")
    assert motion.body == conference
    assert motion.title == "No confidence in National Committee"
    names = NoConfidence.objects.get(motion=motion).holdings.values_list(
        "holder__full_name", flat=True
    )
    assert sorted(names) == ["Cat Committee", "Olu Officer"]
    no_confidence.settle(motion, None)  # as the vote's transaction does when it carries
    assert not SeatHolding.objects.current().filter(seat__body=committee).exists()
    assert Ballot.objects.filter(title__startswith="By-election").count() == 2
    # Settled once: a second signal does nothing.
    no_confidence.settle(motion, None)
    assert Ballot.objects.filter(title__startswith="By-election").count() == 2


def test_refusals(world: World, branch_meeting: Body) -> None:
    holding = _holding(world)
    with pytest.raises(PermissionDenied, match="yourself"):
        no_confidence.move(actor=fresh(world.secretary), holding=holding, reason="x")
    with pytest.raises(DomainError, match="Say why"):
        no_confidence.move(actor=fresh(world.member), holding=holding, reason="  ")
    with pytest.raises(PermissionDenied):
        # Another branch's secretary cannot propose to Branch A's meeting.
        no_confidence.move(actor=fresh(world.other_secretary), holding=holding, reason="x")
    # A seat with no constituency: no body can decide.
    Seat.objects.filter(pk=world.branch_secretary_seat.pk).update(constituency_unit=None)
    with pytest.raises(DomainError, match="no constituency"):
        no_confidence.move(actor=fresh(world.member), holding=_holding(world), reason="x")
    # Committee seats elected by different bodies.
    Seat.objects.filter(body=world.national_committee, title="National Secretary").update(
        constituency_unit=world.national
    )
    with pytest.raises(DomainError):
        no_confidence.move(
            actor=fresh(world.member), committee=world.national_committee, reason="x"
        )
    assert not Motion.objects.exists() and not NoConfidence.objects.exists()


def test_from_the_holders_record_to_the_drafted_motion(world: World, branch_meeting: Body) -> None:
    from django.test import Client

    holding = _holding(world)
    client = Client()
    client.force_login(fresh(world.member))
    record = client.get(f"/holdings/{holding.pk}/")
    assert b"Move a motion of no confidence" in record.content
    url = f"/holdings/{holding.pk}/no-confidence/"
    form = client.get(url)
    assert form.status_code == 200 and b"Branch A Meeting" in form.content
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 200 and b"This field is required" in empty.content
    done = client.post(url, {"reason": "Absent since spring."})
    motion = Motion.objects.get()
    assert done["Location"] == f"/motions/{motion.pk}/"
    page = client.get(done["Location"])
    assert b"A motion of no confidence" in page.content
    # The holder, another branch's secretary: refused before the form.
    own = Client()
    own.force_login(fresh(world.secretary))
    assert own.get(url).status_code == 403
    assert b"Move a motion of no confidence" not in own.get(f"/holdings/{holding.pk}/").content
    other = Client()
    other.force_login(fresh(world.other_secretary))
    assert other.get(url).status_code == 403
    assert Motion.objects.count() == 1


def test_the_api_drafts_and_reads_a_motion_of_no_confidence(
    world: World, branch_meeting: Body
) -> None:
    from tests.api.test_api import is_error
    from tests.api.test_cycle_api import Api

    holding = _holding(world)
    member = Api(world.member)
    is_error(member.post(f"/holdings/{holding.pk}/no-confidence", {"reason": " "}), 400)
    is_error(
        Api(world.secretary).post(f"/holdings/{holding.pk}/no-confidence", {"reason": "x"}), 403
    )
    is_error(
        Api(world.other_secretary).post(f"/holdings/{holding.pk}/no-confidence", {"reason": "x"}),
        403,
    )
    # Only a committee takes a motion of no confidence as a whole.
    is_error(member.post(f"/bodies/{branch_meeting.pk}/no-confidence", {"reason": "x"}), 400)
    assert not Motion.objects.exists()
    made = member.post(f"/holdings/{holding.pk}/no-confidence", {"reason": "Absent."})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["holding_ids"] == [holding.pk] and body["body_id"] == branch_meeting.pk
    got = member.get(f"/motions/{body['motion_id']}/no-confidence").json()
    assert got == body
    # Motions are read across the organisation (freedom of discussion); not by an outsider.
    assert (
        Api(world.other_secretary).get(f"/motions/{body['motion_id']}/no-confidence").status_code
        == 200
    )
    is_error(Api(world.outsider).get(f"/motions/{body['motion_id']}/no-confidence"), 404)


def test_its_wording_is_fixed_and_one_at_a_time(world: World, branch_meeting: Body) -> None:
    from iskra.motions.models import Amendment

    holding = _holding(world)
    motion = no_confidence.move(actor=fresh(world.member), holding=holding, reason="Absent.")
    assert motion.fixed_wording
    with pytest.raises(DomainError, match="wording of a motion of no confidence is fixed"):
        motions.update_draft(
            actor=fresh(world.member), motion=motion, title="Thanks", text="We thank them."
        )
    # A second motion naming the same holder is refused while the first is before the body.
    with pytest.raises(DomainError, match="already before Branch A Meeting"):
        no_confidence.move(actor=fresh(world.officer), holding=holding, reason="Again.")
    motion = _to_vote(world, motion)
    with pytest.raises(DomainError, match="fixed"):
        motions.table_amendment(
            actor=fresh(world.member),
            motion=motion,
            kind=Amendment.Kind.REPLACE,
            passage="no confidence",
            new_text="every confidence",
        )
    motion.refresh_from_db()
    assert motion.title.startswith("No confidence in")


def test_a_motion_whose_wording_was_unfixed_ends_nobody(world: World, branch_meeting: Body) -> None:
    holding = _holding(world)
    motion = no_confidence.move(actor=fresh(world.member), holding=holding, reason="Absent.")
    Motion.objects.filter(pk=motion.pk).update(fixed_wording=False, text="We thank them.")
    motion.refresh_from_db()
    no_confidence.settle(motion, None)
    holding.refresh_from_db()
    assert holding.ended_on is None
