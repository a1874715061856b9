"""Issue 13, part 5: proxies at a meeting. A member who cannot come names a proxy (where the
body's standing orders allow it, by their deadline, within their cap, of the same unit); the
proxy votes for them in roll calls and card votes, shown as such; a proxy who is absent casts
nothing; a member who comes cancels their proxy — services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.meetings.models import Ballot, Meeting, Proxy, Vote
from iskra.meetings.services.proxies import proxy_candidates
from iskra.members.models import Membership
from iskra.motions.models import MotionStatus
from iskra.organisation.models import Body
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh
from tests.motions.helpers import make_committee, motion_at


@pytest.fixture
def pw(world: World) -> World:
    """The national committee with three more members (nc0..nc2, all of Branch B), proxies
    allowed up to an hour before, at most one each, same unit."""
    people = make_committee(world)
    world.nc = people  # type: ignore[attr-defined]
    Body.objects.filter(pk=world.national_committee.pk).update(
        proxies_allowed=True, proxy_deadline_hours=1, proxy_cap=1, proxy_same_unit=True
    )
    world.national_committee.refresh_from_db()
    # The committee member is of Branch A: not the others' unit.
    Membership.objects.filter(user=world.committee_member).update(unit=world.branch_a)
    return world


def _call(w: World, hours: float = 3) -> Meeting:
    return meetings.schedule_meeting(
        actor=fresh(w.officer),
        body=Body.objects.get(pk=w.national_committee.pk),
        title="Committee meeting",
        starts_at=timezone.now() + timedelta(hours=hours),
    )


def _open(w: World, meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    return meetings.open_meeting(actor=fresh(w.officer), meeting=meeting)


def test_a_proxy_votes_for_the_absent_member_shown_as_such(pw: World) -> None:
    nc0, nc1, _nc2 = pw.nc  # type: ignore[attr-defined]
    motion = motion_at(pw, MotionStatus.ADMITTED)
    meeting = _call(pw)
    meetings.add_agenda_item(
        actor=fresh(pw.officer), meeting=meeting, kind="motion", title=motion.title, motion=motion
    )
    proxy = meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    assert proxy.state == Proxy.State.APPOINTED
    assert AuditEntry.objects.filter(
        action="meeting.proxy_appoint", object_id=str(proxy.pk)
    ).exists()
    assert Notification.objects.filter(user=nc1, kind="meeting.proxy").exists()

    meeting = _open(pw, meeting)
    meetings.sign_in(actor=fresh(nc1), meeting=meeting)
    meetings.sign_in(actor=fresh(pw.officer), meeting=meeting)
    q = meetings.quorum(meeting)
    assert (q.present, q.by_proxy) == (3, 1)  # two in the room, one by proxy

    vote = meetings.open_vote(
        actor=fresh(pw.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    meetings.cast_named_vote(actor=fresh(nc1), vote=vote, choice="for")
    ballot = meetings.cast_named_vote(
        actor=fresh(nc1), vote=vote, choice="against", on_behalf_of=nc0
    )
    assert (ballot.user_id, ballot.cast_by_id) == (nc0.pk, nc1.pk)
    entry = AuditEntry.objects.get(action="vote.cast", object_id=str(ballot.pk))
    assert entry.actor_id == nc1.pk and entry.data["on_behalf_of"] == nc0.pk
    with pytest.raises(DomainError, match="has already voted"):
        meetings.cast_named_vote(actor=fresh(nc1), vote=vote, choice="for", on_behalf_of=nc0)
    meetings.cast_named_vote(actor=fresh(pw.officer), vote=vote, choice="for")
    counted = meetings.close_vote(actor=fresh(pw.officer), vote=vote)
    assert (counted.votes_for, counted.votes_against, counted.present) == (2, 1, 3)

    closed = meetings.close_meeting(actor=fresh(pw.officer), meeting=meeting)
    assert f"{nc0.full_name} (by proxy: {nc1.full_name})" in closed.minutes
    assert f"**By proxy (1):** {nc0.full_name} (proxy: {nc1.full_name})" in closed.minutes


def test_proxies_are_refused_outside_the_standing_orders_and_nothing_is_written(
    pw: World,
) -> None:
    nc0, nc1, nc2 = pw.nc  # type: ignore[attr-defined]
    meeting = _call(pw)
    before = Proxy.objects.count()
    with pytest.raises(DomainError, match="someone else"):
        meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc0)
    with pytest.raises(DomainError, match="The person named is not a member of National Committee"):
        meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=pw.member)
    # The committee member sits on the committee but is not of Branch B.
    with pytest.raises(DomainError, match="not in your unit"):
        meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=pw.committee_member)
    with pytest.raises(PermissionDenied):
        meetings.appoint_proxy(actor=fresh(pw.member), meeting=meeting, holder=nc0)
    assert Proxy.objects.count() == before

    meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    # The cap (one each): nc2 cannot also name nc1, who is not offered to them either.
    with pytest.raises(DomainError, match="already holds 1 proxy"):
        meetings.appoint_proxy(actor=fresh(nc2), meeting=meeting, holder=nc1)
    assert nc1 not in proxy_candidates(meeting, nc2)
    assert nc1 in proxy_candidates(meeting, nc0)  # nc0's own proxy: still theirs to keep
    # No chains: nc0, who will not be there, cannot hold nc2's proxy; nc1, who holds one,
    # cannot name their own.
    with pytest.raises(DomainError, match="has named a proxy themselves"):
        meetings.appoint_proxy(actor=fresh(nc2), meeting=meeting, holder=nc0)
    with pytest.raises(DomainError, match="decline their proxies first"):
        meetings.appoint_proxy(actor=fresh(nc1), meeting=meeting, holder=nc2)
    assert Proxy.objects.count() == before + 1

    Body.objects.filter(pk=pw.national_committee.pk).update(proxy_deadline_hours=5)
    with pytest.raises(DomainError, match="5 hours before it"):
        meetings.appoint_proxy(actor=fresh(nc2), meeting=meeting, holder=nc0)
    Body.objects.filter(pk=pw.national_committee.pk).update(proxies_allowed=False)
    with pytest.raises(DomainError, match="do not allow proxies"):
        meetings.appoint_proxy(actor=fresh(nc2), meeting=meeting, holder=nc0)
    assert Proxy.objects.count() == before + 1


def test_naming_another_proxy_replaces_the_first_and_either_side_can_end_it(pw: World) -> None:
    nc0, nc1, nc2 = pw.nc  # type: ignore[attr-defined]
    meeting = _call(pw)
    first = meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    second = meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc2)
    first.refresh_from_db()
    assert first.state == Proxy.State.WITHDRAWN and first.ended_at is not None
    assert meetings.proxy_of(meeting, nc0) == second
    with pytest.raises(DomainError, match="do not hold that member's proxy"):
        meetings.decline_proxy(actor=fresh(nc1), meeting=meeting, member=nc0)
    meetings.decline_proxy(actor=fresh(nc2), meeting=meeting, member=nc0)
    assert meetings.proxy_of(meeting, nc0) is None
    # Declined: not named again (no loop of notices).
    with pytest.raises(DomainError, match="declined to be your proxy"):
        meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc2)
    assert Notification.objects.filter(user=nc0, title__contains="name someone else").exists()
    meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    meetings.withdraw_proxy(actor=fresh(nc0), meeting=meeting)
    with pytest.raises(DomainError, match="not named a proxy"):
        meetings.withdraw_proxy(actor=fresh(nc0), meeting=meeting)
    states = sorted(Proxy.objects.filter(meeting=meeting).values_list("state", flat=True))
    assert states == ["declined", "withdrawn", "withdrawn"]


def test_a_member_who_comes_cancels_their_proxy_and_an_absent_proxy_casts_nothing(
    pw: World,
) -> None:
    nc0, nc1, nc2 = pw.nc  # type: ignore[attr-defined]
    motion = motion_at(pw, MotionStatus.ADMITTED)
    meeting = _call(pw)
    meetings.add_agenda_item(
        actor=fresh(pw.officer), meeting=meeting, kind="motion", title=motion.title, motion=motion
    )
    meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    meeting = _open(pw, meeting)
    with pytest.raises(DomainError, match="meeting has opened"):
        meetings.withdraw_proxy(actor=fresh(nc0), meeting=meeting)
    for person in (pw.officer, nc2):
        meetings.sign_in(actor=fresh(person), meeting=meeting)
    assert meetings.quorum(meeting).by_proxy == 0  # nc1 is not here: nobody by proxy
    vote = meetings.open_vote(
        actor=fresh(pw.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    with pytest.raises(DomainError, match="Sign in to the meeting"):
        meetings.cast_named_vote(actor=fresh(nc1), vote=vote, choice="for", on_behalf_of=nc0)
    meetings.sign_in(actor=fresh(nc1), meeting=meeting)
    meetings.cast_named_vote(actor=fresh(nc1), vote=vote, choice="against", on_behalf_of=nc0)
    # nc0 comes after all: the proxy ends; the vote cast for them stands and they cannot
    # vote again in it.
    meetings.sign_in(actor=fresh(nc0), meeting=meeting)
    proxy = Proxy.objects.get(meeting=meeting, member=nc0)
    assert proxy.state == Proxy.State.CANCELLED
    assert AuditEntry.objects.filter(action="meeting.attend", data__proxy_cancelled=True).exists()
    with pytest.raises(DomainError, match=r"Your proxy, .* voted for you on this before you came"):
        meetings.cast_named_vote(actor=fresh(nc0), vote=vote, choice="for")
    meetings.close_vote(actor=fresh(pw.officer), vote=vote)
    assert Ballot.objects.filter(user=nc0, cast_by=nc1).count() == 1


def test_proxy_is_someone_elses_business(pw: World) -> None:
    """Only the proxy casts the member's vote: another person present is refused."""
    nc0, nc1, nc2 = pw.nc  # type: ignore[attr-defined]
    motion = motion_at(pw, MotionStatus.ADMITTED)
    meeting = _call(pw)
    meetings.add_agenda_item(
        actor=fresh(pw.officer), meeting=meeting, kind="motion", title=motion.title, motion=motion
    )
    meetings.appoint_proxy(actor=fresh(nc0), meeting=meeting, holder=nc1)
    meeting = _open(pw, meeting)
    for person in (pw.officer, nc1, nc2):
        meetings.sign_in(actor=fresh(person), meeting=meeting)
    vote = meetings.open_vote(
        actor=fresh(pw.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    with pytest.raises(DomainError, match="do not hold that member's proxy"):
        meetings.cast_named_vote(actor=fresh(nc2), vote=vote, choice="for", on_behalf_of=nc0)
    assert not Ballot.objects.filter(vote=vote).exists()


# Pages


def _login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_naming_a_proxy_from_the_page_and_voting_for_them(client: Client, pw: World) -> None:
    nc0, nc1, _nc2 = pw.nc  # type: ignore[attr-defined]
    motion = motion_at(pw, MotionStatus.ADMITTED)
    meeting = _call(pw)
    meetings.add_agenda_item(
        actor=fresh(pw.officer), meeting=meeting, kind="motion", title=motion.title, motion=motion
    )
    _login(client, nc0)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Name a proxy" in page
    form = client.get(f"/meetings/{meeting.pk}/proxy/").content.decode()
    assert "They must be at the meeting" in form and nc1.full_name in form
    assert pw.committee_member.full_name not in form  # another unit: not offered
    # A forged choice of someone not offered: the form says why and names nobody.
    refused = client.post(f"/meetings/{meeting.pk}/proxy/", {"holder": str(pw.committee_member.pk)})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    done = client.post(f"/meetings/{meeting.pk}/proxy/", {"holder": str(nc1.pk)})
    assert done.status_code == 302
    assert meetings.proxy_of(meeting, nc0).holder_id == nc1.pk  # type: ignore[union-attr]

    meeting = _open(pw, meeting)
    meetings.sign_in(actor=fresh(nc1), meeting=meeting)
    meetings.sign_in(actor=fresh(pw.officer), meeting=meeting)
    vote = meetings.open_vote(
        actor=fresh(pw.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    _login(client, nc1)
    live = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"The vote of {nc0.full_name} (you are their proxy)" in live
    assert "1 by proxy" in live
    cast = client.post(
        f"/votes/{vote.pk}/cast/", {"choice": "against", "on_behalf_of": str(nc0.pk)}, follow=True
    )
    assert f"The vote of {nc0.full_name} is recorded" in cast.content.decode()
    assert Ballot.objects.get(vote=vote, user=nc0).cast_by_id == nc1.pk
    meetings.close_vote(actor=fresh(pw.officer), vote=vote)
    record = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"by proxy: {nc1.full_name}" in record


def test_proxy_page_explains_when_proxies_are_not_allowed(client: Client, pw: World) -> None:
    nc0 = pw.nc[0]  # type: ignore[attr-defined]
    Body.objects.filter(pk=pw.national_committee.pk).update(proxies_allowed=False)
    meeting = _call(pw)
    _login(client, nc0)
    assert "Name a proxy" not in client.get(f"/meetings/{meeting.pk}/").content.decode()
    page = client.get(f"/meetings/{meeting.pk}/proxy/").content.decode()
    assert "do not allow proxies" in page
    posted = client.post(f"/meetings/{meeting.pk}/proxy/", {"holder": str(pw.nc[1].pk)})  # type: ignore[attr-defined]
    assert posted.status_code == 200 and not Proxy.objects.exists()


def test_another_branch_cannot_reach_the_proxy_pages(client: Client, pw: World) -> None:
    meeting = _call(pw)
    _login(client, pw.outsider)
    assert client.get(f"/meetings/{meeting.pk}/proxy/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/proxy/withdraw/").status_code == 404


# API


def test_proxies_through_the_api(pw: World) -> None:
    nc0, nc1, nc2 = pw.nc  # type: ignore[attr-defined]
    motion = motion_at(pw, MotionStatus.ADMITTED)
    meeting = _call(pw)
    meetings.add_agenda_item(
        actor=fresh(pw.officer), meeting=meeting, kind="motion", title=motion.title, motion=motion
    )
    api0 = Api(nc0)
    bad = api0.post(f"/meetings/{meeting.pk}/proxy", {"holder_id": nc0.pk})
    assert bad.status_code == 400 and "someone else" in bad.json()["detail"]
    assert api0.post(f"/meetings/{meeting.pk}/proxy", {"holder_id": 0}).status_code == 422
    unknown = api0.post(f"/meetings/{meeting.pk}/proxy", {"holder_id": 999_999})
    assert unknown.status_code == 400
    made = api0.post(f"/meetings/{meeting.pk}/proxy", {"holder_id": nc2.pk})
    assert made.status_code == 201 and made.json()["holder_id"] == nc2.pk
    declined = Api(nc2).post(f"/meetings/{meeting.pk}/proxies/{nc0.pk}/decline", {})
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    assert api0.post(f"/meetings/{meeting.pk}/proxy", {"holder_id": nc1.pk}).status_code == 201
    listed = Api(pw.officer).get(f"/meetings/{meeting.pk}/proxies").json()
    assert [(p["member_id"], p["holder_id"]) for p in listed] == [(nc0.pk, nc1.pk)]
    assert Api(pw.outsider).get(f"/meetings/{meeting.pk}/proxies").status_code == 404

    meeting = _open(pw, meeting)
    meetings.sign_in(actor=fresh(nc1), meeting=meeting)
    meetings.sign_in(actor=fresh(pw.officer), meeting=meeting)
    body = Api(nc1).get(f"/meetings/{meeting.pk}").json()
    assert body["quorum"]["by_proxy"] == 1 and body["proxies"][0]["member_id"] == nc0.pk
    vote = meetings.open_vote(
        actor=fresh(pw.officer), meeting=meeting, motion=motion, method=Vote.Method.ROLL_CALL
    )
    not_held = Api(nc2).post(f"/votes/{vote.pk}/ballots", {"choice": "for", "on_behalf_of": nc0.pk})
    assert not_held.status_code in (400, 403)
    assert nc0.full_name not in not_held.json()["detail"]  # who an id is, is not told
    stranger = Api(nc2).post(
        f"/votes/{vote.pk}/ballots", {"choice": "for", "on_behalf_of": pw.admin.pk}
    )
    assert "Ada" not in stranger.json()["detail"]
    lax = Api(nc1).post(f"/votes/{vote.pk}/ballots", {"choice": "for", "on_behalf_of": True})
    assert lax.status_code == 422
    cast = Api(nc1).post(f"/votes/{vote.pk}/ballots", {"choice": "for", "on_behalf_of": nc0.pk})
    assert cast.status_code == 201, cast.content
    assert cast.json()["user_id"] == nc0.pk and cast.json()["cast_by_id"] == nc1.pk
    late = api0.delete(f"/meetings/{meeting.pk}/proxy")
    assert late.status_code == 400 and "opened" in late.json()["detail"]


def test_standing_orders_carry_the_proxy_rules(pw: World) -> None:
    body = pw.national_committee
    out = Api(pw.officer).get(f"/bodies/{body.pk}/standing-orders").json()
    assert out["proxies_allowed"] is True and out["proxy_cap"] == 1
    bad = Api(pw.officer).patch(f"/bodies/{body.pk}/standing-orders", {"proxy_cap": 0})
    assert bad.status_code == 422
    meetings_before = Body.objects.get(pk=body.pk).proxy_cap
    assert meetings_before == 1
