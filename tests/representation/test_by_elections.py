"""Issue 13, part 3: after a recall, the elected substitute takes the seat, or a by-election takes
nominations from the constituency and then its ballot — services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.ballots.models import Ballot, Question
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.organisation.models import SeatHolding
from iskra.representation import byelections, elections
from iskra.representation.models import ByElection, Nomination, Substitute
from iskra.representation.no_confidence import settle as settle_no_confidence
from iskra.representation.services import draft_by_election
from tests.api.test_cycle_api import Api
from tests.conftest import fresh, make_member
from tests.representation.conftest import RecallWorld


def _vacancy(r: RecallWorld) -> ByElection:
    ballot = draft_by_election(
        r.holding.seat, why="Sam Secretary was recalled", created_by=r.world.member
    )
    return ByElection.objects.get(ballot=ballot)


def _close(be: ByElection) -> int:
    ByElection.objects.filter(pk=be.pk).update(
        nominations_close_on=timezone.localdate() - timedelta(days=1)
    )
    return byelections.close_due_nominations()


def test_nominations_then_the_ballot(recall: RecallWorld) -> None:
    w = recall.world
    be = _vacancy(recall)
    assert be.state == ByElection.State.NOMINATING
    assert be.nominations_close_on == timezone.localdate() + timedelta(days=14)
    assert Notification.objects.filter(kind="recall.nominations", user=w.member).exists()
    ballot = Ballot.objects.get(pk=be.ballot_id)
    assert ballot.opens_at.date() > be.nominations_close_on
    a0, a1, a2 = recall.others[:3]
    # Standing oneself counts at once; nominating another asks them.
    byelections.nominate(actor=fresh(a0), by_election=be, nominee=a0)
    asked = byelections.nominate(actor=fresh(w.member), by_election=be, nominee=a1)
    assert asked.accepted_at is None
    assert Notification.objects.filter(user=a1, kind="recall.nominated").exists()
    with pytest.raises(DomainError, match="already nominated"):
        byelections.nominate(actor=fresh(a2), by_election=be, nominee=a1)
    with pytest.raises(PermissionDenied):
        byelections.accept_nomination(actor=fresh(a2), nomination=asked)
    byelections.accept_nomination(actor=fresh(a1), nomination=asked)
    # Not accepted by a2: does not stand.
    pending = byelections.nominate(actor=fresh(w.member), by_election=be, nominee=a2)
    assert [n.nominee_id for n in byelections.standing(be)] == sorted(
        [a0.pk, a1.pk], key=lambda pk: next(p.full_name for p in (a0, a1) if p.pk == pk)
    )
    assert pending.accepted_at is None

    assert _close(be) == 1
    be.refresh_from_db()
    assert be.state == ByElection.State.BALLOT
    question = Question.objects.get(ballot_id=be.ballot_id)
    assert question.kind == Question.Kind.STV and question.seats == 1
    assert sorted(question.options.values_list("label", flat=True)) == sorted(
        [a0.full_name, a1.full_name]
    )
    assert AuditEntry.objects.filter(action="by_election.candidates").exists()
    with pytest.raises(DomainError, match="closed"):
        byelections.nominate(actor=fresh(w.member), by_election=be, nominee=w.member)


def test_one_candidate_is_a_yes_no_question_and_nobody_reopens(recall: RecallWorld) -> None:
    be = _vacancy(recall)
    assert _close(be) == 0  # nobody nominated: open again
    be.refresh_from_db()
    assert be.state == ByElection.State.NOMINATING
    assert be.nominations_close_on > timezone.localdate()
    assert AuditEntry.objects.filter(action="by_election.no_nominations").exists()
    byelections.nominate(actor=fresh(recall.others[0]), by_election=be, nominee=recall.others[0])
    assert _close(be) == 1
    question = Question.objects.get(ballot_id=be.ballot_id)
    assert question.kind == Question.Kind.YES_NO
    assert question.text == f"Should {recall.others[0].full_name} hold {be.seat.title}?"


def test_outsiders_do_not_nominate_and_are_not_nominated(recall: RecallWorld) -> None:
    w = recall.world
    be = _vacancy(recall)
    with pytest.raises(PermissionDenied):
        byelections.nominate(actor=fresh(w.other_secretary), by_election=be, nominee=w.member)
    with pytest.raises(DomainError, match="The person named is not a member"):
        byelections.nominate(actor=fresh(w.member), by_election=be, nominee=w.other_secretary)
    assert not Nomination.objects.exists()
    mine = byelections.nominate(actor=fresh(w.member), by_election=be, nominee=recall.others[0])
    with pytest.raises(PermissionDenied):
        byelections.withdraw_nomination(actor=fresh(recall.others[1]), nomination=mine)
    byelections.withdraw_nomination(actor=fresh(recall.others[0]), nomination=mine)  # declines
    with pytest.raises(DomainError, match="already withdrawn"):
        byelections.withdraw_nomination(actor=fresh(recall.others[0]), nomination=mine)
    # Declined, they can be nominated again.
    byelections.nominate(actor=fresh(w.member), by_election=be, nominee=recall.others[0])


def test_the_elected_substitute_takes_the_seat_instead_of_a_by_election(
    recall: RecallWorld,
) -> None:
    w = recall.world
    seat = recall.holding.seat
    meeting_body = w.branch_committee
    from iskra.meetings import services as meetings

    held = meetings.record_meeting(
        actor=fresh(w.secretary),
        body=meeting_body,
        title="AGM",
        starts_at=timezone.now() - timedelta(days=1),
    )
    meetings.mark_present(
        actor=fresh(w.secretary), meeting=held, users=list(meetings.body_members(meeting_body))
    )
    substitute = recall.others[0]
    with pytest.raises(DomainError, match="someone other than the holder"):
        elections.record_election(
            actor=fresh(w.officer),
            seat=seat,
            holder=w.member,
            meeting=held,
            substitute=w.member,
        )
    assert not SeatHolding.objects.filter(seat=seat, holder=w.member).exists()
    holding = elections.record_election(
        actor=fresh(w.officer), seat=seat, holder=w.member, meeting=held, substitute=substitute
    )
    assert Substitute.objects.get(seat=seat, ended_at__isnull=True).member_id == substitute.pk
    # The holder is recalled (here: a carried motion of no confidence): the substitute takes it.
    ballot = byelections.fill_vacancy(seat, why="Mo Member was recalled", created_by=w.secretary)
    assert ballot is None
    now = SeatHolding.objects.current().get(seat=seat, ended_on__isnull=True)
    assert now.holder_id == substitute.pk
    assert Substitute.objects.get(seat=seat).took_seat_id == now.pk
    assert AuditEntry.objects.filter(action="seat.substitute_took").exists()
    assert not ByElection.objects.exists()
    assert holding.pk != now.pk
    # No substitute left: the next vacancy drafts a by-election.
    assert byelections.fill_vacancy(seat, why="Gone", created_by=w.secretary) is not None
    assert settle_no_confidence  # the motion's settlement calls fill_vacancy (no_confidence.py)


def test_pages_nominate_accept_and_withdraw(client: Client, recall: RecallWorld) -> None:
    w = recall.world
    be = _vacancy(recall)
    url = f"/by-elections/{be.pk}/"
    client.force_login(w.member)
    page = client.get(url).content.decode()
    assert "Nominate" in page and "Nobody stands yet" in page
    empty = client.post(url, {"nominee_email": ""})
    assert empty.status_code == 200 and "or stand yourself" in empty.content.decode()
    stranger = client.post(url, {"nominee_email": "other@example.org"})
    assert "not a member in good standing" in stranger.content.decode()
    assert 'value="other@example.org"' in stranger.content.decode()
    done = client.post(url, {"nominee_email": recall.others[0].email})
    assert done.status_code == 302
    nomination = Nomination.objects.get()
    client.force_login(recall.others[0])
    assert "nominated you" in client.get(url).content.decode()
    client.post(f"/nominations/{nomination.pk}/accept/")
    nomination.refresh_from_db()
    assert nomination.accepted_at is not None
    assert recall.others[0].full_name in client.get(url).content.decode()
    client.post(f"/nominations/{nomination.pk}/withdraw/")
    nomination.refresh_from_db()
    assert nomination.withdrawn_at is not None
    client.force_login(w.other_secretary)
    assert client.get(url).status_code == 404


def test_by_elections_through_the_api(recall: RecallWorld) -> None:
    w = recall.world
    be = _vacancy(recall)
    api = Api(w.member)
    got = api.get(f"/by-elections/{be.pk}").json()
    assert got["state"] == "nominating" and got["candidates"] == []
    assert Api(w.other_secretary).get(f"/by-elections/{be.pk}").status_code == 404
    bad = api.post(f"/by-elections/{be.pk}/nominations", {"nominee_id": 999_999})
    assert bad.status_code == 400 and "not a member" in bad.json()["detail"]
    made = api.post(f"/by-elections/{be.pk}/nominations", {"nominee_id": w.member.pk})
    assert made.status_code == 201 and made.json()["accepted"] is True
    other = api.post(f"/by-elections/{be.pk}/nominations", {"nominee_id": recall.others[1].pk})
    nid = other.json()["id"]
    assert Api(recall.others[2]).post(f"/nominations/{nid}/accept", {}).status_code == 403
    accepted = Api(recall.others[1]).post(f"/nominations/{nid}/accept", {})
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    assert len(api.get(f"/by-elections/{be.pk}").json()["candidates"]) == 2
    gone = Api(recall.others[1]).delete(f"/nominations/{nid}")
    assert gone.status_code == 200 and gone.json()["withdrawn"] is True
    make_member("late@example.org", "Late Comer", w.branch_b)
