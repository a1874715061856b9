"""The recall pages: the holder's record with "Start a recall", the form that keeps what was
typed, the petition with its buttons; another branch gets 403/404."""

from __future__ import annotations

from django.test import Client

from iskra.representation.models import RecallPetition
from tests.representation.conftest import RecallWorld


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_member_starts_a_recall_from_the_holders_record(recall: RecallWorld) -> None:
    w = recall.world
    client = _client(w.member)
    record = client.get(f"/holdings/{recall.holding.pk}/")
    assert record.status_code == 200
    assert b"Start a recall" in record.content
    form = client.get(f"/holdings/{recall.holding.pk}/recall/")
    assert b"2 signatures" in form.content and b"20%" in form.content
    # An empty reason: the form again, with its error; nothing written.
    empty = client.post(f"/holdings/{recall.holding.pk}/recall/", {"reason": " "})
    assert empty.status_code == 200 and b"This field is required" in empty.content
    assert not RecallPetition.objects.exists()
    done = client.post(
        f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent from four meetings."}
    )
    petition = RecallPetition.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/recall/{petition.pk}/"
    page = client.get(done["Location"])
    assert b"1 of the 2 needed" in page.content and b"Withdraw my signature" in page.content
    # Another member signs from the page: the threshold opens the ballot.
    other = _client(recall.others[0])
    assert b"Sign the petition" in other.get(f"/recall/{petition.pk}/").content
    signed = other.post(f"/recall/{petition.pk}/sign/", follow=True)
    assert b"the recall ballot is open" in signed.content
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.BALLOT


def test_outsiders_are_refused(recall: RecallWorld) -> None:
    w = recall.world
    _client(w.member).post(f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent."})
    petition = RecallPetition.objects.get()
    other = _client(w.other_secretary)
    assert other.get(f"/recall/{petition.pk}/").status_code == 404
    assert other.post(f"/recall/{petition.pk}/sign/").status_code == 404
    start = other.get(f"/holdings/{recall.holding.pk}/recall/")
    # A live petition is shown only to those who may see it (found from outside: this page
    # sent everyone to it, telling another branch that it existed); 403 before the form.
    assert start.status_code == 403
    RecallPetition.objects.update(state=RecallPetition.State.LAPSED)
    assert other.get(f"/holdings/{recall.holding.pk}/recall/").status_code == 403
    holder = _client(w.secretary)
    assert holder.get(f"/holdings/{recall.holding.pk}/recall/").status_code == 403
    assert b"your own seat" in holder.get(f"/holdings/{recall.holding.pk}/").content


def test_the_holder_replies_and_a_refusal_keeps_the_text(recall: RecallWorld) -> None:
    w = recall.world
    _client(w.member).post(f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent."})
    petition = RecallPetition.objects.get()
    holder = _client(w.secretary)
    page = holder.get(f"/recall/{petition.pk}/")
    assert b"Your reply" in page.content and b"Sign the petition" not in page.content
    refused = holder.post(f"/recall/{petition.pk}/reply/", {"text": "x" * 5001}, follow=True)
    assert b"x" * 5001 in refused.content
    holder.post(f"/recall/{petition.pk}/reply/", {"text": "I was ill."})
    petition.refresh_from_db()
    assert petition.reply == "I was ill."
    assert _client(w.member).post(f"/recall/{petition.pk}/reply/", {"text": "?"}).status_code == 403


def test_home_says_what_waits(recall: RecallWorld) -> None:
    w = recall.world
    _client(w.member).post(f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent."})
    other = _client(recall.others[0]).get("/").content.decode()
    assert "Recall petition: Sam Secretary as Branch A Secretary" in other
    assert "1 of 2 signatures" in other
    # Not to the starter (signed), nor to another branch; the holder is asked to reply.
    assert "Recall petition" not in _client(w.member).get("/").content.decode()
    assert "Recall petition" not in _client(w.other_secretary).get("/").content.decode()
    holder = _client(w.secretary).get("/").content.decode()
    assert "Reply to the petition to recall you as Branch A Secretary" in holder
    # Their seats link to their record in each.
    assert f'href="/holdings/{recall.holding.pk}/">your record' in holder


def test_outside_the_constituency_a_petition_does_not_exist(recall: RecallWorld) -> None:
    w = recall.world
    _client(w.member).post(f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent."})
    other = _client(w.other_secretary)
    record = other.get(f"/holdings/{recall.holding.pk}/").content.decode()
    assert "under way" not in record and "/recall/" not in record
    assert other.get(f"/holdings/{recall.holding.pk}/recall/").status_code == 403


def test_who_speaks_for_you_lists_the_seats_a_member_elects(recall: RecallWorld) -> None:
    w = recall.world
    client = _client(w.member)
    page = client.get("/representatives/")
    assert page.status_code == 200
    # Branch A's members elect its secretary: the record and a recall, one click away.
    assert f'href="/holdings/{recall.holding.pk}/"'.encode() in page.content
    assert f'href="/holdings/{recall.holding.pk}/recall/"'.encode() in page.content
    assert b"Requisition a special meeting" in page.content
    assert b'href="/representatives/"' in page.content  # in the menu
    # Once a petition is under way, the page links to it instead.
    client.post(f"/holdings/{recall.holding.pk}/recall/", {"reason": "Absent."})
    petition = RecallPetition.objects.get()
    page = client.get("/representatives/")
    assert f'href="/recall/{petition.pk}/"'.encode() in page.content
    # The holder sees their own seat as such; another branch's secretary does not see it.
    assert b"your own seat" in _client(w.secretary).get("/representatives/").content
    other = _client(w.other_secretary).get("/representatives/")
    assert f'href="/holdings/{recall.holding.pk}/"'.encode() not in other.content
    # A seat they elect that nobody holds is listed as vacant.
    from iskra.organisation import services as org
    from iskra.organisation.models import Seat

    seat = org.create_seat(
        actor=w.admin, body=w.branch_committee, role=Seat.Role.TREASURER, title="Branch A Treasurer"
    )
    Seat.objects.filter(pk=seat.pk).update(constituency_unit=w.branch_a)
    page = client.get("/representatives/")
    assert b"Vacant now: Branch A Treasurer" in page.content
