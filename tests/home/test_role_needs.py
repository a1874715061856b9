"""Home's "what needs me" by role (issue 11, point 9): each list says why it waits and links to
the thing; an applicant sees none of it."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from iskra.ballots.models import Ballot, Challenge
from iskra.ballots.sealed_models import Trustee
from iskra.decisions import services as decisions
from iskra.home.selectors import what_needs_me
from iskra.meetings.models import Meeting
from iskra.members.models import Status
from iskra.motions.models import MotionStatus
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import decided, make_committee, motion_at


def _titles(user: object) -> list[str]:
    return [n.title for n in what_needs_me(fresh(user))]  # type: ignore[arg-type]


def _ballot(world: World, state: str, **kw: object) -> Ballot:
    now = timezone.now()
    return Ballot.objects.create(
        title=kw.pop("title", "Strike ballot"),
        preset="simple",
        unit=world.branch_a,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
        created_by=world.officer,
        created_at=now - timedelta(days=3),
        state=state,
        **kw,
    )


def test_officer_sees_motions_to_admit_only_in_scope(world: World) -> None:
    motion = motion_at(world, MotionStatus.SUBMITTED)  # to the national committee
    needle = f"Admit or rule out: {motion.title}"
    assert needle in _titles(world.officer)  # the national secretary
    assert needle not in _titles(world.secretary)  # a branch's officer: not their body
    assert needle not in _titles(world.member)
    item = next(n for n in what_needs_me(fresh(world.officer)) if n.title == needle)
    assert item.url == f"/motions/{motion.pk}/"
    assert "admit it or rule it out" in item.detail


def test_secretary_sees_meetings_to_minute(world: World) -> None:
    meeting = Meeting.objects.create(
        body=world.branch_committee,
        title="March meeting",
        starts_at=timezone.now() - timedelta(days=2),
        status=Meeting.Status.CLOSED,
        closed_at=timezone.now() - timedelta(days=2),
        created_by=world.secretary,
    )
    needle = "Write the minutes: Branch A Committee — March meeting"
    assert needle in _titles(world.secretary)
    assert needle not in _titles(world.other_secretary)
    assert needle not in _titles(world.member)
    meeting.minutes = "We met."
    meeting.save()
    assert needle not in _titles(world.secretary)


def test_scrutineer_and_trustee_tasks(world: World) -> None:
    closed = _ballot(world, Ballot.State.CLOSED, scrutineer=world.member, title="Pay ballot")
    assert "Sign the scrutineer's report: Pay ballot" in _titles(world.member)
    assert "Sign the scrutineer's report: Pay ballot" not in _titles(world.secretary)
    Challenge.objects.create(
        ballot=closed, user=world.secretary, reason="I pay dues", created_at=timezone.now()
    )
    assert "Decide roll challenges: Pay ballot" in _titles(world.member)
    closed.report_signed_at = timezone.now()
    closed.save()
    assert "Sign the scrutineer's report: Pay ballot" not in _titles(world.member)
    tallying = _ballot(world, Ballot.State.TALLYING, sealed=True, title="Sealed ballot")
    trustee = Trustee.objects.create(ballot=tallying, user=world.secretary, number=1)
    assert "Trustee: decrypt Sealed ballot" in _titles(world.secretary)
    trustee.decryption = {"done": True}
    trustee.save()
    assert "Trustee: decrypt Sealed ballot" not in _titles(world.secretary)
    draft = _ballot(world, Ballot.State.DRAFT, sealed=True, title="Next ballot")
    Trustee.objects.create(ballot=draft, user=world.secretary, number=1)
    item = next(
        n
        for n in what_needs_me(fresh(world.secretary))
        if n.title == "Trustee: key ceremony for Next ballot"
    )
    assert "round 1 of 3" in item.detail
    assert item.url == f"/ballots/{draft.pk}/trustee/"
    # While a ballot is open its scrutineer finds it on the home page too.
    _ballot(world, Ballot.State.OPEN, scrutineer=world.member, title="Open ballot")
    assert "You scrutinise: Open ballot" in _titles(world.member)
    assert "You scrutinise: Open ballot" not in _titles(world.secretary)


def test_member_sees_own_and_branch_actions(world: World) -> None:
    make_committee(world)
    decision = decided(world)
    due = timezone.localdate() + timedelta(days=10)
    mine = decisions.create_action(
        actor=fresh(world.officer),
        decision=decision,
        title="Book the hall",
        due_on=due,
        assignee=world.member,
    )
    branch = decisions.create_action(
        actor=fresh(world.officer),
        decision=decision,
        title="Leaflet the estate",
        due_on=due,
        unit=world.branch_a,
    )
    titles = _titles(world.member)
    assert "Your action: Book the hall" in titles
    assert "Join in: Leaflet the estate" in titles
    assert "Join in: Leaflet the estate" not in _titles(world.other_secretary)  # Branch B
    decisions.commit_to_action(actor=fresh(world.member), action=branch, description="Sat")
    assert "Join in: Leaflet the estate" not in _titles(world.member)
    decisions.report_back(actor=fresh(world.member), action=mine, figure=1)
    assert "Your action: Book the hall" not in _titles(world.member)


def test_applicant_sees_only_what_they_can_use(world: World) -> None:
    make_committee(world)
    decision = decided(world)
    decisions.create_action(
        actor=fresh(world.officer),
        decision=decision,
        title="Leaflet the estate",
        due_on=timezone.localdate() + timedelta(days=10),
        unit=world.branch_a,
    )
    applicant = make_member("new@example.org", "Nia New", world.branch_a, Status.APPLICANT)
    assert _titles(applicant) == []
    client = Client()
    client.force_login(applicant)
    page = client.get("/")
    assert b"Nothing needs you right now." in page.content
    member_page = Client()
    member_page.force_login(world.member)
    text = member_page.get("/").content.decode()
    assert "Join in: Leaflet the estate" in text
    assert "action, open to its members: say what you will do" in text  # says why it waits
