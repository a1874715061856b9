"""Issue 11, points 1, 3, 4: calling with the body's notice, recording a meeting held earlier,
replies and apologies, the register ticked in bulk, the room's code, opening early only with a
reason, undoing a sign-in, and a non-member's vote refused at once — services, pages and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.meetings import services as meetings
from iskra.meetings.models import Meeting, Reply
from iskra.motions.models import MotionStatus
from iskra.organisation.models import Body
from tests.api.test_cycle_api import Api
from tests.conftest import World, fresh
from tests.motions.helpers import motion_at, sitting


def _call(w: World, hours: float = 2) -> Meeting:
    return meetings.schedule_meeting(
        actor=fresh(w.officer),
        body=w.national_committee,
        title="Branch meeting",
        starts_at=timezone.now() + timedelta(hours=hours),
    )


def _login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


# Notice (point 1)


def test_less_notice_than_the_standing_orders_is_refused_with_the_rule(nc: World) -> None:
    Body.objects.filter(pk=nc.national_committee.pk).update(min_notice_days=7)
    body = Body.objects.get(pk=nc.national_committee.pk)
    with pytest.raises(DomainError, match="standing orders of National Committee require 7 days"):
        meetings.schedule_meeting(
            actor=fresh(nc.officer),
            body=body,
            title="Too soon",
            starts_at=timezone.now() + timedelta(days=6),
        )
    meeting = meetings.schedule_meeting(
        actor=fresh(nc.officer),
        body=body,
        title="In time",
        starts_at=timezone.now() + timedelta(days=8),
    )
    assert meeting.pk


def test_new_bodies_default_to_a_weeks_notice(nc: World) -> None:
    assert Body._meta.get_field("min_notice_days").default == 7


def test_call_page_keeps_what_was_typed_and_names_the_rule(client: Client, nc: World) -> None:
    Body.objects.filter(pk=nc.national_committee.pk).update(min_notice_days=7)
    _login(client, nc.officer)
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/bodies/{nc.national_committee.pk}/meetings/new/",
        {"title": "Emergency meeting", "starts_at": when, "location": "Hall"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "require 7 days" in page and 'value="Emergency meeting"' in page
    assert 'value="Hall"' in page
    assert not Meeting.objects.filter(title="Emergency meeting").exists()


def test_api_refuses_short_notice_with_json(nc: World) -> None:
    Body.objects.filter(pk=nc.national_committee.pk).update(min_notice_days=3)
    response = Api(nc.officer).post(
        "/meetings",
        {
            "body_id": nc.national_committee.pk,
            "title": "Soon",
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "3 days' notice" in response.json()["detail"]


def test_call_and_record_links_on_unit_body_and_list(client: Client, nc: World) -> None:
    _login(client, nc.officer)
    body = nc.national_committee
    new, record = f"/bodies/{body.pk}/meetings/new/", f"/bodies/{body.pk}/meetings/record/"
    for url in (f"/units/{body.unit_id}/", f"/bodies/{body.pk}/", "/meetings/"):
        page = client.get(url).content.decode()
        assert new in page and record in page, url
    # A member who does not run the body's meetings is not offered them.
    page = _login(Client(), nc.member).get(f"/bodies/{body.pk}/").content.decode()
    assert new not in page


# Recording a meeting held earlier (point 1)


def test_record_a_meeting_held_earlier(client: Client, nc: World) -> None:
    _login(client, nc.officer)
    when = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/bodies/{nc.national_committee.pk}/meetings/record/",
        {"title": "Held in the pub", "starts_at": when, "location": "The Crown"},
    )
    meeting = Meeting.objects.get(title="Held in the pub")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/register/"
    assert meeting.recorded_after and meeting.status == Meeting.Status.IN_PROGRESS
    assert meeting.notice_sent_at is None
    assert AuditEntry.objects.filter(action="meeting.record").exists()
    members = list(meetings.body_members(nc.national_committee))
    meetings.mark_present(actor=fresh(nc.officer), meeting=meeting, users=members[:3])
    # Members cannot sign themselves in to a meeting already held.
    with pytest.raises(DomainError, match="held earlier"):
        meetings.sign_in(actor=members[4], meeting=meeting)
    closed = meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert "Held offline" in closed.minutes and "Present (3)" in closed.minutes


def test_recording_a_future_meeting_is_refused_keeping_the_form(client: Client, nc: World) -> None:
    _login(client, nc.officer)
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/bodies/{nc.national_committee.pk}/meetings/record/",
        {"title": "Not yet", "starts_at": when},
    )
    assert response.status_code == 200
    assert "held in the past" in response.content.decode()
    assert 'value="Not yet"' in response.content.decode()


def test_record_via_api(nc: World) -> None:
    api = Api(nc.officer)
    response = api.post(
        "/meeting-records",
        {
            "body_id": nc.national_committee.pk,
            "title": "Offline",
            "starts_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_after"] is True
    refused = Api(nc.member).post(
        "/meeting-records",
        {
            "body_id": nc.national_committee.pk,
            "title": "Offline",
            "starts_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
    )
    assert refused.status_code == 403 and "detail" in refused.json()


# Replies and apologies (point 3)


def test_members_reply_before_the_meeting_and_secretary_records_apologies(nc: World) -> None:
    meeting = _call(nc)
    member = fresh(nc.committee_member)
    meetings.reply(actor=member, meeting=meeting, answer="attending")
    meetings.reply(actor=member, meeting=meeting, answer="apologies", note="Working late")
    row = Reply.objects.get(meeting=meeting, user=member)
    assert (row.answer, row.note, row.recorded_by) == ("apologies", "Working late", None)
    with pytest.raises(PermissionDenied):
        meetings.reply(actor=fresh(nc.member), meeting=meeting, answer="attending")
    others = [p for p in meetings.body_members(nc.national_committee) if p.pk != member.pk][:2]
    assert meetings.record_apologies(actor=fresh(nc.officer), meeting=meeting, users=others) == 2
    with pytest.raises(PermissionDenied):
        meetings.record_apologies(actor=member, meeting=meeting, users=others)
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="All here early")
    with pytest.raises(DomainError, match="before it opens"):
        meetings.reply(actor=member, meeting=meeting, answer="attending")
    closed = meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert "Apologies (3)" in closed.minutes


def test_reply_from_the_page_and_the_api(client: Client, nc: World) -> None:
    meeting = _call(nc)
    _login(client, nc.committee_member)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Will you attend?" in page
    response = client.post(f"/meetings/{meeting.pk}/reply/", {"answer": "attending"}, follow=True)
    assert "down as attending" in response.content.decode()
    api = Api(nc.committee_member)
    answer = api.post(f"/meetings/{meeting.pk}/reply", {"answer": "apologies", "note": "Ill"})
    assert answer.status_code == 200 and answer.json()["answer"] == "apologies"
    bad = api.post(f"/meetings/{meeting.pk}/reply", {"answer": "maybe"})
    assert bad.status_code == 400 and "detail" in bad.json()
    detail = Api(nc.officer).get(f"/meetings/{meeting.pk}").json()
    assert [r["answer"] for r in detail["replies"]] == ["apologies"]


# The register (point 3)


def test_register_ticks_in_bulk_searches_and_keeps_ticks_on_refusal(
    client: Client, nc: World
) -> None:
    meeting = _call(nc)
    _login(client, nc.officer)
    members = list(meetings.body_members(nc.national_committee).order_by("full_name"))
    page = client.get(f"/meetings/{meeting.pk}/register/").content.decode()
    assert all(m.full_name in page for m in members)
    found = client.get(f"/meetings/{meeting.pk}/register/", {"q": members[0].full_name})
    assert members[1].full_name not in found.content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/register/",
        {"people": [members[0].pk, members[1].pk], "action": "present"},
        follow=True,
    )
    assert "2 members marked present" in response.content.decode()
    assert set(meeting.attendance.values_list("user_id", flat=True)) == {
        members[0].pk,
        members[1].pk,
    }
    # Apologies for someone present are refused; the ticks stay as they were.
    refused = client.post(
        f"/meetings/{meeting.pk}/register/",
        {"people": [members[0].pk, members[2].pk], "action": "apologies"},
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and "undo that first" in text
    assert f'value="{members[2].pk}" id="p{members[2].pk}" checked' in text
    assert not Reply.objects.filter(meeting=meeting).exists()
    # Undo a sign-in.
    client.post(f"/meetings/{meeting.pk}/register/{members[0].pk}/undo/")
    assert not meeting.attendance.filter(user=members[0]).exists()
    assert AuditEntry.objects.filter(action="meeting.attend_undo").exists()
    # Not the secretary: 403.
    other = _login(Client(), nc.committee_member)
    assert other.get(f"/meetings/{meeting.pk}/register/").status_code == 403


def test_register_api(nc: World) -> None:
    meeting = _call(nc)
    members = list(meetings.body_members(nc.national_committee))
    api = Api(nc.officer)
    ticked = api.post(f"/meetings/{meeting.pk}/register", {"user_ids": [m.pk for m in members]})
    assert ticked.status_code == 200 and ticked.json() == {"count": len(members)}
    stranger = api.post(f"/meetings/{meeting.pk}/register", {"user_ids": [nc.member.pk]})
    assert stranger.status_code == 400 and "not a member" in stranger.json()["detail"]
    undone = api.delete(f"/meetings/{meeting.pk}/attendance/{members[0].pk}")
    assert undone.status_code == 204
    refused = Api(nc.committee_member).post(
        f"/meetings/{meeting.pk}/register", {"user_ids": [members[0].pk]}
    )
    assert refused.status_code == 403


# Opening, signing in with the room's code (point 3)


def test_opening_before_its_time_needs_a_reason_which_is_recorded(
    client: Client, nc: World
) -> None:
    meeting = _call(nc)
    _login(client, nc.officer)
    response = client.post(f"/meetings/{meeting.pk}/open/", {"reason": ""})
    assert response.status_code == 200
    assert "only with a reason" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.SCHEDULED
    response = client.post(f"/meetings/{meeting.pk}/open/", {"reason": "The hall closes early"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_PROGRESS
    assert meeting.opened_early_reason == "The hall closes early"
    entry = AuditEntry.objects.filter(action="meeting.open").latest("pk")
    assert entry.data["reason"] == "The hall closes early"
    closed = meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert "The hall closes early" in closed.minutes


def test_api_open_early_without_reason_is_400(nc: World) -> None:
    meeting = _call(nc)
    api = Api(nc.officer)
    refused = api.post(f"/meetings/{meeting.pk}/open", {})
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    # Found from outside: a reason of zero-width characters passed as a reason.
    invisible = api.post(f"/meetings/{meeting.pk}/open", {"reason": " \u200b\u2060\ufeff "})
    assert invisible.status_code == 400 and "reason" in invisible.json()["detail"]
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.SCHEDULED
    opened = api.post(f"/meetings/{meeting.pk}/open", {"reason": "Quorate early"})
    assert opened.status_code == 200 and opened.json()["opened_early_reason"] == "Quorate early"


def test_opening_at_its_time_needs_no_reason(nc: World) -> None:
    meeting = _call(nc)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    opened = meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert opened.status == Meeting.Status.IN_PROGRESS and opened.opened_early_reason == ""


def test_sign_in_only_while_open_and_with_the_code(client: Client, nc: World) -> None:
    meeting = _call(nc)
    member = fresh(nc.committee_member)
    with pytest.raises(DomainError, match="not opened yet"):
        meetings.sign_in(actor=member, meeting=meeting)
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="early")
    with pytest.raises(PermissionDenied):
        meetings.set_sign_in_code(actor=member, meeting=meeting)
    code = meetings.set_sign_in_code(actor=fresh(nc.officer), meeting=meeting).sign_in_code
    assert len(code) == 6
    _login(client, member)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert code not in page and "Code shown in the room" in page
    wrong = client.post(f"/meetings/{meeting.pk}/sign-in/", {"code": "XXXXXX"}, follow=True)
    assert "not the code" in wrong.content.decode()
    client.post(f"/meetings/{meeting.pk}/sign-in/", {"code": code.lower()})
    assert meeting.attendance.filter(user=member).exists()
    # The chair shows a new code; the old one no longer works. The API only shows it to them.
    new = Api(nc.officer).post(f"/meetings/{meeting.pk}/code", {"show": True}).json()
    assert new["sign_in_code"] and new["sign_in_code"] != code
    assert Api(nc.committee_member).get(f"/meetings/{meeting.pk}").json()["sign_in_code"] == ""
    other = meetings.body_members(nc.national_committee).exclude(pk=member.pk).first()
    assert other is not None
    api_other = Api(other)
    assert api_other.post(f"/meetings/{meeting.pk}/sign-in", {"code": code}).status_code == 400
    ok = api_other.post(f"/meetings/{meeting.pk}/sign-in", {"code": new["sign_in_code"]})
    assert ok.status_code == 201


def test_wrong_room_codes_are_limited_per_person_and_audited(nc: World) -> None:
    """Found from outside: the room's code could be guessed by trying codes in a loop."""
    meeting = _call(nc)
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="early")
    code = meetings.set_sign_in_code(actor=fresh(nc.officer), meeting=meeting).sign_in_code
    guesser, honest = list(
        meetings.body_members(nc.national_committee).exclude(pk=nc.officer.pk)[:2]
    )
    api = Api(guesser)
    tries = meetings.CODE_TRIES_PER_PERSON
    answers = [
        api.post(f"/meetings/{meeting.pk}/sign-in", {"code": "ZZZZZ" + str(n)})
        for n in range(2, 2 + tries)
    ]
    assert [a.status_code for a in answers] == [400] * (tries - 1) + [429]
    assert "Too many wrong codes" in answers[-1].json()["detail"]
    # Locked out even with the right code, for the window; nothing was written but the audit.
    right = api.post(f"/meetings/{meeting.pk}/sign-in", {"code": code})
    assert right.status_code == 429 and not meeting.attendance.filter(user=guesser).exists()
    locked = AuditEntry.objects.filter(action="meeting.sign_in_locked")
    assert locked.count() == 1 and locked.get().actor_id == guesser.pk
    # Someone else in the room is not locked out by the guesser.
    assert Api(honest).post(f"/meetings/{meeting.pk}/sign-in", {"code": code}).status_code == 201
    # The secretary can still mark the guesser present.
    meetings.mark_attendance(actor=fresh(nc.officer), meeting=meeting, user=guesser)
    assert meeting.attendance.filter(user=guesser).exists()


def test_wrong_room_codes_from_many_accounts_lock_only_the_current_code(
    nc: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("iskra.meetings.services.attendance.CODE_TRIES_PER_MEETING", 3)
    meeting = _call(nc)
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="early")
    meetings.set_sign_in_code(actor=fresh(nc.officer), meeting=meeting)
    people = list(meetings.body_members(nc.national_committee).exclude(pk=nc.officer.pk)[:4])
    assert len(people) == 4
    with pytest.raises(DomainError, match="not the code"):
        meetings.sign_in(actor=fresh(people[0]), meeting=meeting, code="ZZZZZ2")
    with pytest.raises(DomainError, match="not the code"):
        meetings.sign_in(actor=fresh(people[1]), meeting=meeting, code="ZZZZZ3")
    with pytest.raises(DomainError, match="Too many wrong codes"):
        meetings.sign_in(actor=fresh(people[2]), meeting=meeting, code="ZZZZZ4")
    current = Meeting.objects.get(pk=meeting.pk).sign_in_code
    with pytest.raises(DomainError, match="Too many wrong codes"):
        meetings.sign_in(actor=fresh(people[3]), meeting=meeting, code=current)
    # The chair shows a new code: the room starts afresh.
    new = meetings.set_sign_in_code(actor=fresh(nc.officer), meeting=meeting).sign_in_code
    meetings.sign_in(actor=fresh(people[3]), meeting=meeting, code=new)
    assert meeting.attendance.filter(user=people[3]).exists()


def test_a_member_with_apologies_who_comes_is_present_not_both(client: Client, nc: World) -> None:
    """Found by a volunteer's walk: apologies and present both shown for one person."""
    meeting = _call(nc)
    comer, self_signer = list(
        meetings.body_members(nc.national_committee).exclude(pk=nc.officer.pk)[:2]
    )
    meetings.record_apologies(actor=fresh(nc.officer), meeting=meeting, users=[comer])
    meetings.reply(actor=fresh(self_signer), meeting=meeting, answer="apologies", note="ill")
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="early")
    meetings.mark_present(actor=fresh(nc.officer), meeting=meeting, users=[comer])
    meetings.sign_in(actor=fresh(self_signer), meeting=meeting)
    assert not meeting.replies.filter(answer=Reply.Answer.APOLOGIES).exists()
    entry = AuditEntry.objects.filter(action="meeting.attend").latest("pk")
    assert entry.data["apologies_withdrawn"] is True
    _login(client, nc.officer)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"{comer.full_name} (apologies)" not in page
    register = client.get(f"/meetings/{meeting.pk}/register/").content.decode()
    rows = register.split("<tbody>")[-1].split("</tbody>")[0]
    assert rows.count("<strong>present</strong>") == 2 and "apologies" not in rows
    closed = meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert "Apologies" not in closed.minutes


# The open roll call (point 4)


def test_roll_call_shows_present_of_entitled_and_outsider_gets_403(
    client: Client, nc: World
) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    vote = meetings.open_vote(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    q = meetings.quorum(s.meeting)
    _login(client, s.present[0])
    page = client.get(f"/meetings/{s.meeting.pk}/").content.decode()
    assert f"{q.present} present of {q.entitled} entitled" in page
    outsider = Api(nc.member)
    response = outsider.post(f"/votes/{vote.pk}/ballots", {"choice": "for"})
    assert response.status_code == 403
    assert "Only members of the body" in response.json()["detail"]
    page = _login(Client(), nc.member).get(f"/meetings/{s.meeting.pk}/").content.decode()
    assert "you can follow the vote, not cast one" in page
