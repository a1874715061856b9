"""Issue 13, part 1: a unit elects its delegates by a ballot (its declared result names them) or
at a meeting, and the holding records the election — services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.ballots.models import Ballot
from iskra.core.errors import DomainError, PermissionDenied
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting
from iskra.organisation import services as org
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.representation import elections
from iskra.representation.entitlement import make_delegate_seats
from iskra.representation.models import Election
from iskra.representation.permissions import can_record_election
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh, make_member


@pytest.fixture
def conference(world: World) -> Body:
    body = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.CONFERENCE, name="Conference"
    )
    org.update_standing_orders(
        actor=world.admin,
        body=body,
        changes={"entitlement_rule": "steps", "entitlement_first": 10, "entitlement_step": 10},
    )
    make_delegate_seats(actor=fresh(world.officer), body=body)
    return Body.objects.get(pk=body.pk)


def _seat(w: World, body: Body) -> Seat:
    return Seat.objects.get(body=body, represents_unit=w.branch_a)


def _ballot(w: World, elected: list[str], **kw: object) -> Ballot:
    now = timezone.now()
    defaults: dict[str, object] = {
        "title": "Delegate election",
        "preset": "stv_committee",
        "unit": w.branch_a,
        "opens_at": now - timedelta(days=3),
        "closes_at": now - timedelta(days=1),
        "closed_at": now - timedelta(days=1),
        "created_by": w.secretary,
        "created_at": now - timedelta(days=4),
        "state": Ballot.State.CLOSED,
        "result": {"questions": [{"question": "Who?", "kind": "stv", "elected": elected}]},
    }
    defaults.update(kw)
    return Ballot.objects.create(**defaults)


def _held_meeting(w: World, *, present: bool = True) -> Meeting:
    meeting = meetings.record_meeting(
        actor=fresh(w.secretary),
        body=w.branch_committee,
        title="Branch meeting",
        starts_at=timezone.now() - timedelta(days=2),
    )
    if present:
        meetings.mark_present(
            actor=fresh(w.secretary),
            meeting=meeting,
            users=list(meetings.body_members(w.branch_committee)),
        )
    return meeting


def test_the_branch_secretary_records_the_delegate_its_ballot_elected(
    world: World, conference: Body
) -> None:
    seat = _seat(world, conference)
    ballot = _ballot(world, [world.member.full_name + " (Riverside)"])
    assert can_record_election(fresh(world.secretary), seat)
    assert not can_record_election(fresh(world.other_secretary), seat)
    with pytest.raises(PermissionDenied):
        elections.record_election(
            actor=fresh(world.other_secretary), seat=seat, holder=world.member, ballot=ballot
        )
    # The ballot did not elect the secretary.
    with pytest.raises(
        DomainError, match="elected Mo Member \\(Riverside\\): Sam Secretary is not"
    ):
        elections.record_election(
            actor=fresh(world.secretary), seat=seat, holder=world.secretary, ballot=ballot
        )
    holding = elections.record_election(
        actor=fresh(world.secretary), seat=seat, holder=world.member, ballot=ballot
    )
    assert holding.holder_id == world.member.pk
    election = Election.objects.get(holding=holding)
    assert (election.ballot_id, election.meeting_id) == (ballot.pk, None)
    assert AuditEntry.objects.filter(action="seat.elected", data__ballot=ballot.pk).exists()


def test_wrong_ballots_meetings_and_people_are_refused_and_nothing_written(
    world: World, conference: Body
) -> None:
    seat = _seat(world, conference)
    other = _ballot(world, ["Mo Member"], unit=world.branch_b, title="Branch B's secret")
    open_one = _ballot(world, ["Mo Member"], state=Ballot.State.OPEN, title="Still open")
    actor = fresh(world.secretary)
    with pytest.raises(DomainError, match="That is not a ballot of Branch A") as refused:
        elections.record_election(actor=actor, seat=seat, holder=world.member, ballot=other)
    assert "secret" not in str(refused.value)  # another branch's ballot is not named
    with pytest.raises(DomainError, match="has not been counted"):
        elections.record_election(actor=actor, seat=seat, holder=world.member, ballot=open_one)
    with pytest.raises(DomainError, match="by a ballot or at a meeting"):
        elections.record_election(actor=actor, seat=seat, holder=world.member)
    stranger = make_member("b9@example.org", "Bea Branch B", world.branch_b)
    with pytest.raises(DomainError, match="The person named is not a member in good standing"):
        elections.record_election(
            actor=actor, seat=seat, holder=stranger, meeting=_held_meeting(world)
        )
    scheduled = meetings.schedule_meeting(
        actor=fresh(world.secretary),
        body=world.branch_committee,
        title="Next month",
        starts_at=timezone.now() + timedelta(days=30),
    )
    with pytest.raises(DomainError, match="has not been held yet"):
        elections.record_election(actor=actor, seat=seat, holder=world.member, meeting=scheduled)
    assert not SeatHolding.objects.filter(seat=seat).exists()
    assert not Election.objects.exists()


def test_elected_at_a_meeting_shown_on_the_record(
    client: Client, world: World, conference: Body
) -> None:
    seat = _seat(world, conference)
    meeting = _held_meeting(world)
    client.force_login(world.secretary)
    body_page = client.get(f"/bodies/{conference.pk}/").content.decode()
    assert f"/seats/{seat.pk}/election/" in body_page
    url = f"/seats/{seat.pk}/election/"
    form = client.get(url).content.decode()
    assert "Branch meeting" in form
    missing = client.post(url, {"holder": str(world.member.pk), "how": "meeting"})
    assert missing.status_code == 200 and "Choose the meeting." in missing.content.decode()
    assert f'value="{world.member.pk}" selected' in missing.content.decode()
    inquorate = _held_meeting(world, present=False)
    refused = client.post(
        url, {"holder": str(world.member.pk), "how": "meeting", "meeting": str(inquorate.pk)}
    )
    assert "was not quorate" in refused.content.decode()
    done = client.post(
        url, {"holder": str(world.member.pk), "how": "meeting", "meeting": str(meeting.pk)}
    )
    assert done.status_code == 302
    holding = SeatHolding.objects.get(seat=seat)
    record = client.get(f"/holdings/{holding.pk}/").content.decode()
    assert "Elected at" in record and "Branch meeting" in record

    client.force_login(world.other_secretary)
    assert client.get(url).status_code == 403


def test_elections_through_the_api(world: World, conference: Body) -> None:
    seat = _seat(world, conference)
    ballot = _ballot(world, ["Mo Member"])
    api = Api(world.secretary)
    both = api.post(
        f"/seats/{seat.pk}/election",
        {
            "holder_id": world.member.pk,
            "ballot_id": ballot.pk,
            "meeting_id": _held_meeting(world).pk,
        },
    )
    assert both.status_code == 400 and "ballot or at a meeting" in both.json()["detail"]
    assert api.post(f"/seats/{seat.pk}/election", {"holder_id": 0}).status_code == 422
    nobody = api.post(f"/seats/{seat.pk}/election", {"holder_id": 999_999, "ballot_id": ballot.pk})
    assert nobody.status_code == 400
    made = api.post(
        f"/seats/{seat.pk}/election", {"holder_id": world.member.pk, "ballot_id": ballot.pk}
    )
    assert made.status_code == 201, made.content
    holding_id = made.json()["holding_id"]
    got = Api(world.member).get(f"/holdings/{holding_id}/election").json()
    assert got["ballot_id"] == ballot.pk and got["meeting_id"] is None
    denied = Api(world.other_secretary).post(
        f"/seats/{seat.pk}/election", {"holder_id": world.member.pk, "ballot_id": ballot.pk}
    )
    assert denied.status_code == 403
