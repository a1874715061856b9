"""Meeting pages: allowed and forbidden, the live controls by POST, bad input never a 500,
the invitation and the secret-token calendar feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from iskra.meetings import services as meetings
from iskra.meetings.models import Attendance, Ballot, Meeting, Vote
from iskra.motions.models import Motion, MotionStatus
from tests.conftest import World, fresh
from tests.motions.helpers import motion_at

PERSONAS = [
    "member",
    "secretary",
    "other_secretary",
    "officer",
    "committee_member",
    "outsider",
    "admin",
]


@pytest.fixture
def setup(nc: World) -> tuple[World, Meeting, Motion]:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    meeting = meetings.schedule_meeting(
        actor=fresh(nc.officer),
        body=nc.national_committee,
        title="Live meeting",
        starts_at=timezone.now() + timedelta(hours=1),
        motions=[motion],
    )
    return nc, meeting, motion


@pytest.mark.parametrize(
    ("template", "allowed", "forbidden"),
    [
        ("/meetings/", set(PERSONAS) - {"outsider"}, 200),  # the list itself shows no secrets
        ("/meetings/{m}/", set(PERSONAS) - {"outsider"}, 404),
        ("/meetings/{m}/invite.ics", set(PERSONAS) - {"outsider"}, 404),
        ("/meetings/{m}/minutes/", {"officer", "admin"}, 403),
        ("/bodies/{body}/meetings/new/", {"officer", "admin"}, 403),
    ],
)
def test_permission_matrix(
    client: Client,
    setup: tuple[World, Meeting, Motion],
    template: str,
    allowed: set[str],
    forbidden: int,
) -> None:
    w, meeting, _ = setup
    url = template.format(m=meeting.pk, body=w.national_committee.pk)
    got = {}
    for who in PERSONAS:
        client.force_login(getattr(w, who))
        got[who] = client.get(url).status_code
    expected = {who: 200 if who in allowed else forbidden for who in PERSONAS}
    if "{" in template:
        expected["outsider"] = 404  # bodies and meetings are not even named to outsiders
    assert got == expected


def test_outsider_sees_no_meeting_list_contents(
    client: Client, setup: tuple[World, Meeting, Motion]
) -> None:
    w, _, _ = setup
    client.force_login(w.outsider)
    response = client.get("/meetings/")
    assert response.status_code == 200
    assert "Live meeting" not in response.content.decode()


def test_invitation_is_icalendar(client: Client, setup: tuple[World, Meeting, Motion]) -> None:
    w, meeting, _ = setup
    client.force_login(w.member)
    response = client.get(f"/meetings/{meeting.pk}/invite.ics")
    assert response["Content-Type"] == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.content


def test_calendar_feed_by_secret_token(
    client: Client, setup: tuple[World, Meeting, Motion]
) -> None:
    w, _, _ = setup
    token = meetings.calendar_feed_for(fresh(w.officer)).token
    anonymous = Client()
    response = anonymous.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert b"Live meeting" in response.content
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404
    assert anonymous.get(f"/calendar/{token[:-1]}.ics").status_code == 404
    officer = fresh(w.officer)
    officer.is_active = False
    officer.save()
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404


def test_running_a_meeting_by_post(client: Client, setup: tuple[World, Meeting, Motion]) -> None:
    w, meeting, motion = setup
    base = f"/meetings/{meeting.pk}"
    # A committee member cannot open it; the officer can.
    client.force_login(w.committee_member)
    client.post(f"{base}/open/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    client.force_login(w.officer)
    # Before its time, only with a reason.
    client.post(f"{base}/open/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    client.post(f"{base}/open/", {"reason": "Everyone is here"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_PROGRESS
    # Sign in: body members yes; an ordinary member is refused with a message.
    client.force_login(w.member)
    assert client.post(f"{base}/sign-in/").status_code in {302, 403}
    assert not Attendance.objects.filter(meeting=meeting, user=w.member).exists()
    for person in meetings.body_members(w.national_committee):
        client.force_login(person)
        client.post(f"{base}/sign-in/")
    assert meeting.attendance.count() == 5
    page = client.get(base + "/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    # Show of hands with more votes than present: refused; a roll call then works.
    client.force_login(w.officer)
    client.post(
        f"{base}/hands/",
        {"subject": f"m{motion.pk}", "votes_for": 9, "votes_against": 0, "abstentions": 0},
    )
    assert not Vote.objects.exists()
    client.post(f"{base}/vote/", {"subject": f"m{motion.pk}", "method": "secret"})
    assert not Vote.objects.exists()
    client.post(f"{base}/vote/", {"subject": f"m{motion.pk}", "method": "roll_call"})
    vote = Vote.objects.get()
    for person in meetings.body_members(w.national_committee):
        client.force_login(person)
        client.post(f"/votes/{vote.pk}/cast/", {"choice": "for"})
        client.post(f"/votes/{vote.pk}/cast/", {"choice": "against"})  # second is refused
    assert Ballot.objects.filter(vote=vote).count() == 5
    assert set(Ballot.objects.values_list("choice", flat=True)) == {"for"}
    client.force_login(w.committee_member)
    client.post(f"/votes/{vote.pk}/close/")
    vote.refresh_from_db()
    assert vote.state == Vote.State.OPEN
    client.force_login(w.officer)
    client.post(f"/votes/{vote.pk}/close/")
    vote.refresh_from_db()
    assert vote.carried is True
    client.post(f"{base}/agenda/", {"kind": "report", "title": "Report"})
    client.post(f"{base}/close/", {"confirm": "yes"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    response = client.post(f"{base}/minutes/", {"minutes": "Edited minutes"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Edited minutes"


HUGE = "99999999999999999999999"


def test_bad_input_never_500(setup: tuple[World, Meeting, Motion]) -> None:
    w, meeting, motion = setup
    client = Client(raise_request_exception=False)
    client.force_login(w.officer)
    meetings.open_meeting(actor=fresh(w.officer), meeting=meeting, reason="opened at once (test)")
    base = f"/meetings/{meeting.pk}"
    for url in [
        "/meetings/999999/",
        f"/meetings/{HUGE}/",
        "/meetings/?body=abc",
        f"{base}/approve/{HUGE}/",
        "/calendar/%00.ics",
    ]:
        assert client.get(url).status_code in {200, 404, 405}, url
    posts = [
        (f"/bodies/{w.national_committee.pk}/meetings/new/", {}),
        (
            f"/bodies/{w.national_committee.pk}/meetings/new/",
            {"title": "T", "starts_at": "yesterday"},
        ),
        (
            f"/bodies/{w.national_committee.pk}/meetings/new/",
            {"title": "T", "starts_at": "2001-01-01T10:00"},
        ),
        (
            f"/bodies/{w.national_committee.pk}/meetings/new/",
            {"title": "T", "starts_at": "2030-02-30T10:00"},
        ),
        (
            f"/bodies/{w.national_committee.pk}/meetings/new/",
            {"title": "T", "starts_at": "2030-01-01T10:00", "motions": [HUGE, "abc"]},
        ),
        (f"/bodies/{HUGE}/meetings/new/", {}),
        (f"{base}/mark/", {}),
        (f"{base}/mark/", {"email": "nobody@example.org"}),
        (f"{base}/mark/", {"email": "not an email"}),
        (f"{base}/agenda/", {}),
        (f"{base}/agenda/", {"kind": "motion", "title": "x"}),
        (f"{base}/hands/", {}),
        (f"{base}/hands/", {"subject": f"m{HUGE}", "votes_for": 1, "votes_against": 0}),
        (f"{base}/hands/", {"subject": f"a{HUGE}", "votes_for": 1, "votes_against": 0}),
        (f"{base}/hands/", {"subject": "zz", "votes_for": "-1", "votes_against": "x"}),
        (f"{base}/hands/", {"subject": f"m{motion.pk}", "votes_for": "1e9", "votes_against": 0}),
        (f"{base}/vote/", {"subject": f"m{motion.pk}", "method": "bogus"}),
        (f"{base}/vote/", {"subject": f"m{motion.pk}", "method": "card"}),
        (f"{base}/bogus/", {}),
        (f"{base}/minutes/", {}),
        (f"{base}/approve/{meeting.pk}/", {}),
        (f"{base}/approve/999999/", {}),
        ("/votes/999999/cast/", {"choice": "for"}),
        (f"/votes/{HUGE}/close/", {}),
    ]
    for url, data in posts:
        status = client.post(url, data).status_code
        assert status in {200, 302, 403, 404}, (url, data, status)


def test_a_refused_show_of_hands_shows_each_figure_s_error_and_keeps_them(
    client: Client, setup: tuple[World, Meeting, Motion]
) -> None:
    """Found by a volunteer's walk: bad figures gave one sentence at the top for the whole form,
    and the figures typed were lost."""
    w, meeting, motion = setup
    base = f"/meetings/{meeting.pk}"
    client.force_login(w.officer)
    client.post(f"{base}/open/", {"reason": "Everyone is here"})
    for person in meetings.body_members(w.national_committee):
        Attendance.objects.create(meeting=meeting, user=person, at=timezone.now())
    subject = f"m{motion.pk}"
    page = client.post(
        f"{base}/hands/",
        {"subject": subject, "votes_for": "-3", "votes_against": "lots", "abstentions": "1"},
        follow=True,
    ).content.decode()
    assert f'id="f-{subject}" name="votes_for" value="-3" required aria-invalid="true"' in page
    assert 'name="votes_against" value="lots" required aria-invalid="true"' in page
    assert f'id="fe-{subject}"' in page and f'id="ge-{subject}"' in page
    assert f'id="b-{subject}" name="abstentions" value="1">' in page  # no error on it
    assert not Vote.objects.exists()
    # A refusal by the rules (more votes than present): the message, the figures kept.
    page = client.post(
        f"{base}/hands/",
        {"subject": subject, "votes_for": "40", "votes_against": "2", "abstentions": "0"},
        follow=True,
    ).content.decode()
    assert "More votes (42) than members present" in page
    assert 'name="votes_for" value="40"' in page and not Vote.objects.exists()
    # Right figures: recorded, and the form is empty again.
    page = client.post(
        f"{base}/hands/",
        {"subject": subject, "votes_for": "3", "votes_against": "1", "abstentions": "0"},
        follow=True,
    ).content.decode()
    assert Vote.objects.get().votes_for == 3 and "Carried." in page
