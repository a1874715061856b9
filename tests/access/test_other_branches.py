"""Issue 9 point 10: another branch's member list and meetings are not found, by page and API.

Two branches under one district: Branch A (member, secretary) and Branch B (other_secretary,
officer — who is also the national secretary — and committee_member).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from iskra.accounts.models import User
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting
from iskra.motions.models import MotionStatus
from iskra.organisation.models import Body
from tests.api.test_api import Api
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import draft, motion_at

MISSING = 999_999


def _same(a: bytes, b: bytes) -> bool:
    """Two pages are the same apart from their CSRF tokens."""
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    return token.sub(b"", a) == token.sub(b"", b)


def as_(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_branch_member_list_only_for_its_members_and_officers_above(world: World) -> None:
    b_member = make_member("bea@example.org", "Bea Bee", world.branch_b)
    a_list = f"/units/{world.branch_a.pk}/members/"
    # Branch A's own members and its secretary see it; so does the national secretary.
    for user in (world.member, world.secretary, world.officer):
        page = as_(user).get(a_list)
        assert page.status_code == 200, user
        assert "Mo Member" in page.content.decode()
    # A member of Branch B and Branch B's secretary get the answer a missing unit gets.
    for user in (b_member, world.other_secretary):
        missing = as_(user).get(f"/units/{MISSING}/members/")
        page = as_(user).get(a_list)
        assert page.status_code == 404 == missing.status_code
        assert "Mo Member" not in page.content.decode()
        assert _same(page.content, missing.content)
    # The unit page offers the link only to those who may follow it.
    assert (
        "Who is in the branch"
        not in as_(b_member).get(f"/units/{world.branch_a.pk}/").content.decode()
    )
    assert (
        "Who is in the branch"
        in as_(world.member).get(f"/units/{world.branch_a.pk}/").content.decode()
    )


def _branch_a_meeting(world: World) -> Meeting:
    general = Body.objects.create(
        unit=world.branch_a,
        kind=Body.Kind.GENERAL_MEETING,
        name="Branch A General Meeting",
        min_notice_days=0,
    )
    return meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=general,
        title="Branch A AGM",
        starts_at=timezone.now() + timedelta(days=3),
    )


def test_another_branchs_meeting_is_not_found_on_page_api_and_ics(world: World) -> None:
    meeting = _branch_a_meeting(world)
    b_member = make_member("bea@example.org", "Bea Bee", world.branch_b)
    urls = (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/invite.ics")
    for user in (world.member, world.secretary, world.officer):
        for url in urls:
            assert as_(user).get(url).status_code == 200, (user, url)
        assert Api(user).get(f"/meetings/{meeting.pk}").status_code == 200
    for user in (b_member, world.other_secretary):
        for url in urls:
            response = as_(user).get(url)
            gone = as_(user).get(url.replace(str(meeting.pk), str(MISSING)))
            assert response.status_code == 404 == gone.status_code, (user, url)
            assert b"Branch A AGM" not in response.content
            assert _same(response.content, gone.content)
        api = Api(user)
        response = api.get(f"/meetings/{meeting.pk}")
        assert response.status_code == 404
        assert response.json() == api.get(f"/meetings/{MISSING}").json()


def test_meeting_lists_leave_out_other_branches_meetings(world: World) -> None:
    meeting = _branch_a_meeting(world)
    national = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=world.national_committee,
        title="National Committee",
        starts_at=timezone.now() + timedelta(days=4),
    )
    b_member = make_member("bea@example.org", "Bea Bee", world.branch_b)
    for user in (b_member, world.other_secretary):
        ids = {m["id"] for m in Api(user).get("/meetings").json()["items"]}
        assert meeting.pk not in ids and national.pk in ids
        assert "Branch A AGM" not in as_(user).get("/meetings/").content.decode()
    ids = {m["id"] for m in Api(world.member).get("/meetings").json()["items"]}
    assert {meeting.pk, national.pk} <= ids
    assert "Branch A AGM" in as_(world.member).get("/meetings/").content.decode()


def test_position_cannot_name_another_branchs_meeting(world: World) -> None:
    meeting = _branch_a_meeting(world)
    motion = draft(world, by=world.officer)
    response = Api(world.other_secretary).post(
        f"/motions/{motion.pk}/positions",
        {"unit_id": world.branch_b.pk, "stance": "support", "meeting_id": meeting.pk},
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No such meeting."}


def test_voting_record_leaves_out_another_branchs_committee(world: World) -> None:
    from iskra.meetings.models import Vote
    from iskra.motions import services as motions

    body = world.branch_committee
    body.supporters_required = 0
    body.quorum_percent = 1
    body.save()
    motion = motions.create_motion(
        actor=fresh(world.member), body=body, title="Branch library rota", text="Staff it."
    )
    motions.submit_motion(actor=fresh(world.member), motion=motion)
    motions.admit_motion(actor=fresh(world.officer), motion=motion)
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=body,
        title="Committee",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    meetings.open_meeting(
        actor=fresh(world.officer), meeting=meeting, reason="opened at once (test)"
    )
    meetings.sign_in(actor=fresh(world.secretary), meeting=meeting)
    vote = meetings.open_vote(
        actor=fresh(world.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    meetings.cast_named_vote(actor=fresh(world.secretary), vote=vote, choice="for")
    meetings.close_vote(actor=fresh(world.officer), vote=vote)
    url = f"/people/{world.secretary.pk}/votes/"
    assert "Branch library rota" in as_(world.member).get(url).content.decode()
    b_member = make_member("bea@example.org", "Bea Bee", world.branch_b)
    page = as_(b_member).get(url)
    assert page.status_code == 200
    assert "Branch library rota" not in page.content.decode()


def test_resubmitting_a_motion_is_refused_not_a_server_error(world: World) -> None:
    motion = motion_at(world, MotionStatus.SUBMITTED, by=world.member)
    api = Api(world.member)
    again = api.post(f"/motions/{motion.pk}/submit", {})
    assert again.status_code == 400
    assert again.json() == {"detail": "Only a draft can be submitted; this motion is submitted."}


def test_action_page_names_committers_only_within_the_unit(nc: World) -> None:
    from iskra.decisions import services as decisions
    from tests.motions.helpers import decided

    world = nc
    decision = decided(world)
    action = decisions.create_action(
        actor=fresh(world.officer),
        decision=decision,
        title="Leaflet the estate",
        due_on=timezone.localdate() + timedelta(days=30),
        unit=world.branch_a,
    )
    decisions.commit_to_action(
        actor=fresh(world.member), action=action, description="Saturday, 2 hours", amount=200
    )
    b_member = make_member("bea@example.org", "Bea Bee", world.branch_b)
    url = f"/actions/{action.pk}/"
    assert "Mo Member" in as_(world.member).get(url).content.decode()
    assert "Mo Member" in as_(world.officer).get(url).content.decode()
    page = as_(b_member).get(url).content.decode()
    assert "Mo Member" not in page and "A member of Branch A" in page and "200" in page
    names = [c["name"] for c in Api(b_member).get(f"/actions/{action.pk}").json()["commitments"]]
    assert names == ["A member of Branch A"]
    names = [
        c["name"] for c in Api(world.member).get(f"/actions/{action.pk}").json()["commitments"]
    ]
    assert names == ["Mo Member"]
