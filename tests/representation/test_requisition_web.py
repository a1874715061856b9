"""Requisitions through the pages and the API, from outside: the member who starts one (a
refused form keeps what was typed), members who sign, the officers who call it, another
branch's secretary who finds nothing; bad input gets a clear 4xx and writes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from iskra.meetings.models import Meeting
from iskra.organisation.models import Body
from iskra.representation.models import Requisition, RequisitionSignature
from tests.api.test_api import is_error
from tests.api.test_cycle_api import Api
from tests.conftest import World, make_member


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _branch(world: World) -> list:
    Body.objects.filter(pk=world.branch_committee.pk).update(requisition_threshold_percent=20)
    return [make_member(f"a{i}@example.org", f"A Member {i}", world.branch_a) for i in range(8)]


def test_a_member_requisitions_from_the_bodys_page_and_the_officer_calls_it(
    world: World,
) -> None:
    others = _branch(world)
    body = world.branch_committee
    client = _client(world.member)
    page = client.get(f"/bodies/{body.pk}/")
    assert b"Requisition a special meeting" in page.content
    form = client.get(f"/bodies/{body.pk}/requisition/")
    assert form.status_code == 200 and b"2 signatures" in form.content and b"20%" in form.content
    # A refused form keeps what was typed.
    bad = client.post(
        f"/bodies/{body.pk}/requisition/",
        {"agenda": "The strike fund", "reason": " ", "place": "The hall"},
    )
    assert bad.status_code == 200 and b"The strike fund" in bad.content
    assert b"This field is required" in bad.content
    assert not Requisition.objects.exists()
    done = client.post(
        f"/bodies/{body.pk}/requisition/",
        {"agenda": "The strike fund\nThe treasurer", "reason": "Frozen.", "place": "The hall"},
    )
    r = Requisition.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/requisitions/{r.pk}/"
    page = client.get(done["Location"])
    assert b"1 of the 2 needed" in page.content and b"Withdraw my signature" in page.content
    assert b"<li>The strike fund</li>" in page.content
    signer = _client(others[0])
    assert b"Sign the requisition" in signer.get(f"/requisitions/{r.pk}/").content
    signed = signer.post(f"/requisitions/{r.pk}/sign/", follow=True)
    assert b"The requisition is valid" in signed.content
    # The secretary's home page asks them to call it; the page offers the form.
    home = _client(world.secretary).get("/")
    assert b"Call the special meeting of Branch A Committee" in home.content
    secretary = _client(world.secretary)
    assert b"Call the meeting" in secretary.get(f"/requisitions/{r.pk}/").content
    # A date after the last allowed: refused, what was typed kept.
    late = (timezone.localdate() + timedelta(days=40)).isoformat() + "T19:00"
    refused = secretary.post(
        f"/requisitions/{r.pk}/call/", {"starts_at": late, "location": "Upstairs"}, follow=True
    )
    assert b"require a requisitioned meeting to be held by" in refused.content
    assert b"Upstairs" in refused.content
    assert not Meeting.objects.exists()
    when = (timezone.localdate() + timedelta(days=10)).isoformat() + "T19:00"
    called = secretary.post(
        f"/requisitions/{r.pk}/call/", {"starts_at": when, "location": "Upstairs"}
    )
    meeting = Meeting.objects.get()
    assert called["Location"] == f"/meetings/{meeting.pk}/"
    shown = client.get(f"/meetings/{meeting.pk}/")
    assert b"Requisitioned by 2 members" in shown.content


def test_outsiders_find_nothing_and_members_cannot_call(world: World) -> None:
    others = _branch(world)
    body = world.branch_committee
    _client(world.member).post(
        f"/bodies/{body.pk}/requisition/", {"agenda": "A", "reason": "B", "place": ""}
    )
    r = Requisition.objects.get()
    other = _client(world.other_secretary)
    assert other.get(f"/bodies/{body.pk}/requisition/").status_code == 403
    assert other.get(f"/requisitions/{r.pk}/").status_code == 404
    assert other.post(f"/requisitions/{r.pk}/sign/").status_code == 404
    assert b"A special meeting of Branch A" not in other.get("/requisitions/").content
    # A member who joined after it started does not see it; one who was there cannot call it.
    late = _client(make_member("m2@example.org", "M Two", world.branch_a))
    assert late.get(f"/requisitions/{r.pk}/").status_code == 404
    member = _client(others[1])
    assert member.post(f"/requisitions/{r.pk}/call/", {"starts_at": "x"}).status_code == 403
    assert RequisitionSignature.objects.count() == 1


def test_the_api_start_sign_withdraw_and_call(world: World) -> None:
    others = _branch(world)
    body = world.branch_committee
    member, signer, secretary = Api(world.member), Api(others[0]), Api(world.secretary)
    url = f"/bodies/{body.pk}/requisitions"
    is_error(member.post(url, {"agenda": "", "reason": "Why"}), 400)
    is_error(member.post(url, {"agenda": "A", "reason": "x" * 6000}), 422)
    is_error(Api(world.other_secretary).post(url, {"agenda": "A", "reason": "B"}), 403)
    assert not Requisition.objects.exists()
    started = member.post(url, {"agenda": "The fund\nThe treasurer", "reason": "Frozen."})
    assert started.status_code == 201, started.content
    r = started.json()
    assert r["agenda"] == ["The fund", "The treasurer"] and r["state"] == "open"
    assert (r["signatures"], r["required"], r["you_signed"]) == (1, 2, True)
    rid = r["id"]
    is_error(member.post(url, {"agenda": "Again", "reason": "Again"}), 400)
    is_error(Api(world.other_secretary).get(f"/requisitions/{rid}"), 404)
    is_error(
        secretary.post(f"/requisitions/{rid}/meeting", {"starts_at": "2099-01-01T18:00:00Z"}), 400
    )
    # The starter withdraws the only signature: it ends; they may start another.
    ended = member.delete(f"/requisitions/{rid}/signature").json()
    assert (ended["signatures"], ended["state"]) == (0, "withdrawn")
    is_error(member.post(f"/requisitions/{rid}/signature", {}), 400)
    again = member.post(url, {"agenda": "The fund\nThe treasurer", "reason": "Frozen."})
    assert again.status_code == 201, again.content
    rid = again.json()["id"]
    valid = signer.post(f"/requisitions/{rid}/signature", {}).json()
    assert valid["state"] == "valid" and valid["call_by"] and valid["hold_by"]
    is_error(signer.delete(f"/requisitions/{rid}/signature"), 400)
    is_error(
        member.post(f"/requisitions/{rid}/meeting", {"starts_at": "2099-01-01T18:00:00Z"}), 403
    )
    is_error(
        secretary.post(f"/requisitions/{rid}/meeting", {"starts_at": "2099-01-01T18:00:00Z"}), 400
    )
    is_error(secretary.post(f"/requisitions/{rid}/meeting", {"starts_at": "tomorrow"}), 422)
    when = (timezone.now() + timedelta(days=5)).isoformat()
    called = secretary.post(f"/requisitions/{rid}/meeting", {"starts_at": when, "location": "Hall"})
    assert called.status_code == 201, called.content
    assert called.json()["state"] == "called" and called.json()["meeting_id"]
    listed = member.get("/requisitions").json()["items"]
    assert listed[0]["id"] == rid and listed[0]["you_signed"]
    assert [x["state"] for x in listed] == ["called", "withdrawn"]
