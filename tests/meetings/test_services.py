"""Meetings: notice, agenda, attendance and quorum, the four kinds of vote, minutes, calendar."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.models import Notification
from iskra.meetings import services as meetings
from iskra.meetings.models import AgendaItem, Ballot, Meeting, Vote
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.motions.models import MotionStatus
from iskra.organisation import services as org
from iskra.organisation.models import Body, Organisation, Seat
from tests.conftest import World, fresh, make_member
from tests.motions.helpers import audit_actions, audit_mark, motion_at, sitting

SOON = timedelta(hours=2)


def _schedule(world: World, **kw: Any) -> Meeting:
    return meetings.schedule_meeting(
        actor=fresh(kw.pop("actor", world.officer)),
        body=kw.pop("body", world.national_committee),
        title=kw.pop("title", "Meeting"),
        starts_at=kw.pop("starts_at", timezone.now() + SOON),
        **kw,
    )


def test_notice_email_with_ics_to_body_members(
    nc: World, django_capture_on_commit_callbacks: Any
) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    mark = audit_mark()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _schedule(nc, motions=[motion], location="Hall", notice="Bring a pen")
    assert audit_actions(mark) == ["meeting.agenda", "meeting.schedule"]
    members = set(meetings.body_members(nc.national_committee).values_list("email", flat=True))
    assert len(members) == 5
    assert {m.to[0] for m in mail.outbox} == members
    assert nc.member.email not in {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("invite.ics", "text/calendar")
    text = content if isinstance(content, str) else content.decode()
    assert "BEGIN:VEVENT" in text and "LOCATION:Hall" in text
    assert f"meeting-{meeting.pk}@iskra" in text
    assert Notification.objects.filter(kind="meeting.notice").count() == 5
    assert [i.motion for i in meeting.items.all()] == [motion]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", True), ("admin", True), ("secretary", False), ("committee_member", False)],
)
def test_who_calls_a_meeting(nc: World, who: str, allowed: bool) -> None:
    if allowed:
        assert _schedule(nc, actor=getattr(nc, who)).pk
    else:
        with pytest.raises(PermissionDenied):
            _schedule(nc, actor=getattr(nc, who))


def test_branch_secretary_calls_branch_meetings(world: World) -> None:
    _schedule(world, actor=world.secretary, body=world.branch_committee)
    with pytest.raises(PermissionDenied):
        _schedule(world, actor=world.other_secretary, body=world.branch_committee)


def test_a_chair_seat_runs_meetings_without_officer_rights(world: World) -> None:
    seat = org.create_seat(
        actor=world.admin, body=world.district_committee, role=Seat.Role.CHAIR, title="Chair"
    )
    org.appoint_to_seat(
        actor=world.admin, seat=seat, holder=world.member, started_on=timezone.localdate()
    )
    _schedule(world, actor=world.member, body=world.district_committee)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"title": " "}, "needs a title"),
        ({"starts_at": "past"}, "future"),
        ({"ends_at": "before"}, "end after"),
    ],
)
def test_schedule_refusals(nc: World, kw: dict[str, Any], message: str) -> None:
    now = timezone.now()
    if kw.get("starts_at") == "past":
        kw["starts_at"] = now - timedelta(minutes=1)
    if kw.get("ends_at") == "before":
        kw["ends_at"] = now + timedelta(minutes=30)
    with pytest.raises(DomainError, match=message):
        _schedule(nc, **kw)


def test_agenda(nc: World) -> None:
    meeting = _schedule(nc)
    officer = fresh(nc.officer)
    draft = motion_at(nc, MotionStatus.DRAFT, title="Draft")
    local = motion_at(nc, MotionStatus.ADMITTED, title="Local", body=nc.branch_committee)
    for motion, message in ((None, "Choose the motion"), (draft, "admitted"), (local, "this body")):
        with pytest.raises(DomainError, match=message):
            meetings.add_agenda_item(
                actor=officer, meeting=meeting, kind="motion", title="", motion=motion
            )
    with pytest.raises(DomainError, match="kind"):
        meetings.add_agenda_item(actor=officer, meeting=meeting, kind="x", title="T")
    with pytest.raises(DomainError, match="title"):
        meetings.add_agenda_item(actor=officer, meeting=meeting, kind="report", title=" ")
    with pytest.raises(PermissionDenied):
        meetings.add_agenda_item(
            actor=fresh(nc.secretary), meeting=meeting, kind="report", title="T"
        )
    meetings.add_agenda_item(actor=officer, meeting=meeting, kind="report", title="Treasurer")
    meetings.add_agenda_item(actor=officer, meeting=meeting, kind="other", title="AOB")
    assert [(i.position, i.kind) for i in AgendaItem.objects.filter(meeting=meeting)] == [
        (1, "report"),
        (2, "other"),
    ]


def test_quorum_from_body_policy(nc: World) -> None:
    meeting = _schedule(nc)
    # Five members, organisation default 25 % → 2 needed.
    assert Organisation.current().default_quorum_percent == 25
    q = meetings.quorum(meeting)
    assert (q.present, q.entitled, q.required, q.met) == (0, 5, 2, False)
    body = nc.national_committee
    body.quorum_percent = 60
    body.save()
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="opened at once (test)")
    for person in list(meetings.body_members(body))[:2]:
        meetings.sign_in(actor=person, meeting=meeting)
    q = meetings.quorum(meeting)
    assert (q.present, q.required, q.met) == (2, 3, False)
    body.quorum_percent = 40
    body.save()
    assert meetings.quorum(meeting).met


def test_general_meeting_entitles_every_member_in_good_standing(world: World) -> None:
    gm = org.create_body(
        actor=world.admin, unit=world.branch_a, kind=Body.Kind.GENERAL_MEETING, name="Branch A GM"
    )
    make_member("cand@example.org", "Cand", world.branch_a, Status.CANDIDATE)
    assert set(meetings.body_members(gm).values_list("email", flat=True)) == {
        "member@example.org",
        "secretary@example.org",
    }


def test_attendance(nc: World) -> None:
    meeting = _schedule(nc)
    mark = audit_mark()
    with pytest.raises(DomainError, match="not opened yet"):
        meetings.sign_in(actor=fresh(nc.committee_member), meeting=meeting)
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="opened at once (test)")
    mark = audit_mark()
    meetings.sign_in(actor=fresh(nc.committee_member), meeting=meeting)
    with pytest.raises(DomainError, match="already signed in"):
        meetings.sign_in(actor=fresh(nc.committee_member), meeting=meeting)
    with pytest.raises(DomainError, match="members of this body"):
        meetings.sign_in(actor=fresh(nc.member), meeting=meeting)
    with pytest.raises(PermissionDenied):
        meetings.mark_attendance(
            actor=fresh(nc.committee_member), meeting=meeting, user=fresh(nc.officer)
        )
    with pytest.raises(DomainError, match="not a member"):
        meetings.mark_attendance(actor=fresh(nc.officer), meeting=meeting, user=fresh(nc.member))
    att = meetings.mark_attendance(actor=fresh(nc.officer), meeting=meeting, user=fresh(nc.officer))
    assert att.marked_by == nc.officer
    assert audit_actions(mark) == ["meeting.attend", "meeting.attend"]
    meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    with pytest.raises(DomainError, match="closed"):
        meetings.mark_attendance(
            actor=fresh(nc.officer),
            meeting=meeting,
            user=meetings.body_members(nc.national_committee).get(email="nc0@example.org"),
        )


def test_open_and_close_meeting(nc: World) -> None:
    meeting = _schedule(nc)
    with pytest.raises(PermissionDenied):
        meetings.open_meeting(
            actor=fresh(nc.committee_member), meeting=meeting, reason="opened at once (test)"
        )
    with pytest.raises(DomainError, match="in progress"):
        meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    mark = audit_mark()
    meetings.open_meeting(actor=fresh(nc.officer), meeting=meeting, reason="opened at once (test)")
    with pytest.raises(DomainError, match="already been opened"):
        meetings.open_meeting(
            actor=fresh(nc.officer), meeting=meeting, reason="opened at once (test)"
        )
    meetings.close_meeting(actor=fresh(nc.officer), meeting=meeting)
    assert audit_actions(mark) == ["meeting.open", "meeting.close"]


def test_no_vote_without_quorum_or_outside_the_meeting(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    meeting = _schedule(nc, motions=[motion])
    officer = fresh(nc.officer)
    with pytest.raises(DomainError, match="in progress"):
        meetings.take_show_of_hands(
            actor=officer, meeting=meeting, motion=motion, votes_for=0, votes_against=0
        )
    meetings.open_meeting(actor=officer, meeting=meeting, reason="opened at once (test)")
    meetings.sign_in(actor=officer, meeting=meeting)
    for method in (Vote.Method.ROLL_CALL,):
        with pytest.raises(DomainError, match="not quorate: 1 present, 2 needed"):
            meetings.open_vote(actor=officer, meeting=meeting, motion=motion, method=method)
    with pytest.raises(DomainError, match="not quorate"):
        meetings.take_show_of_hands(
            actor=officer, meeting=meeting, motion=motion, votes_for=1, votes_against=0
        )
    assert not Vote.objects.exists()


def test_vote_subject_must_be_open_and_before_the_body(nc: World) -> None:
    draft = motion_at(nc, MotionStatus.SUBMITTED, title="Submitted")
    local = motion_at(nc, MotionStatus.IN_DISCUSSION, title="Local", body=nc.branch_committee)
    s = sitting(nc)
    officer = fresh(nc.officer)
    for motion, message in ((draft, "not open to a vote"), (local, "not before this body")):
        with pytest.raises(DomainError, match=message):
            meetings.take_show_of_hands(
                actor=officer, meeting=s.meeting, motion=motion, votes_for=1, votes_against=0
            )


def test_show_of_hands(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.ADMITTED)
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    with pytest.raises(PermissionDenied):
        meetings.take_show_of_hands(
            actor=fresh(nc.committee_member),
            meeting=s.meeting,
            motion=motion,
            votes_for=3,
            votes_against=0,
        )
    with pytest.raises(DomainError, match=r"More votes \(6\) than members present \(5\)"):
        meetings.take_show_of_hands(
            actor=officer,
            meeting=s.meeting,
            motion=motion,
            votes_for=3,
            votes_against=2,
            abstentions=1,
        )
    with pytest.raises(DomainError, match="negative"):
        meetings.take_show_of_hands(
            actor=officer, meeting=s.meeting, motion=motion, votes_for=-1, votes_against=0
        )
    mark = audit_mark()
    vote = meetings.take_show_of_hands(
        actor=officer, meeting=s.meeting, motion=motion, votes_for=2, votes_against=2, abstentions=1
    )
    # A tie is lost under a strict simple majority; an admitted motion passes through
    # discussion on its way to its fate.
    assert vote.carried is False
    assert (vote.present, vote.entitled) == (5, 5)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.LOST
    assert audit_actions(mark) == ["motion.in_discussion", "motion.lost", "vote.count"]
    assert not hasattr(motion, "decision") or motion.decision is None  # type: ignore[truthy-function]


def test_secret_votes_go_to_the_ballot_machinery(nc: World) -> None:
    """A meeting cannot take a secret vote itself; it points to a secret ballot of the body."""
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    with pytest.raises(DomainError, match="Put to a secret ballot"):
        meetings.open_vote(
            actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method=Vote.Method.SECRET
        )
    body = nc.national_committee
    body.votes_are_secret = True
    body.save()
    with pytest.raises(DomainError, match="Put to a secret ballot"):
        meetings.open_vote(
            actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method=Vote.Method.ROLL_CALL
        )
    with pytest.raises(DomainError, match="secret vote"):
        meetings.take_show_of_hands(
            actor=fresh(nc.officer), meeting=s.meeting, motion=motion, votes_for=1, votes_against=0
        )


def test_open_vote_refusals(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    with pytest.raises(DomainError, match="roll call or a card"):
        meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="hands")
    with pytest.raises(DomainError, match="conferences and councils"):
        meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="card")
    with pytest.raises(PermissionDenied):
        meetings.open_vote(
            actor=fresh(nc.committee_member), meeting=s.meeting, motion=motion, method="roll_call"
        )
    meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="roll_call")
    with pytest.raises(DomainError, match="already open"):
        meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="roll_call")
    with pytest.raises(DomainError, match="still open"):
        meetings.close_meeting(actor=officer, meeting=s.meeting)


def test_roll_call_records_names(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    Notification.objects.all().delete()
    mark = audit_mark()
    vote = meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="roll_call")
    assert Notification.objects.filter(kind="vote.open").count() == 5
    choices = ["for", "for", "for", "against", "abstain"]
    for person, choice in zip(s.present, choices, strict=True):
        meetings.cast_named_vote(actor=person, vote=vote, choice=choice)
    with pytest.raises(DomainError, match="already voted"):
        meetings.cast_named_vote(actor=s.present[0], vote=vote, choice="against")
    with pytest.raises(DomainError, match="for, against or abstain"):
        meetings.cast_named_vote(actor=s.present[0], vote=vote, choice="maybe")
    # Someone not on the body is refused at once (403), not told to sign in first.
    with pytest.raises(PermissionDenied, match="Only members of the body vote"):
        meetings.cast_named_vote(actor=fresh(nc.member), vote=vote, choice="for")
    with pytest.raises(PermissionDenied):
        meetings.close_vote(actor=fresh(nc.committee_member), vote=vote)
    vote = meetings.close_vote(actor=officer, vote=vote)
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (3, 1, 1)
    assert vote.carried
    names = dict(Ballot.objects.filter(vote=vote).values_list("user_id", "choice"))
    assert names == {p.pk: c for p, c in zip(s.present, choices, strict=True)}
    with pytest.raises(DomainError, match="closed"):
        meetings.cast_named_vote(actor=s.present[4], vote=vote, choice="for")
    with pytest.raises(DomainError, match="already counted"):
        meetings.close_vote(actor=officer, vote=vote)
    actions = audit_actions(mark)
    assert actions[0] == "vote.open" and actions.count("vote.cast") == 5
    assert actions[-3:] == ["motion.carried", "decision.record", "vote.count"]


def test_a_non_member_signed_in_earlier_cannot_vote(nc: World) -> None:
    """A seat ended mid-meeting: the former holder's rights end with it."""
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    vote = meetings.open_vote(
        actor=fresh(nc.officer), meeting=s.meeting, motion=motion, method="roll_call"
    )
    holding = nc.committee_member.seat_holdings.get()
    holding.started_on = timezone.localdate() + timedelta(days=1)  # not (yet) current
    holding.save()
    with pytest.raises(DomainError, match="Only members of the body"):
        meetings.cast_named_vote(actor=fresh(nc.committee_member), vote=vote, choice="for")


def _conference(world: World) -> tuple[Body, list[Any]]:
    """A national conference with a delegate from each branch; Branch A has 2 members (and
    gets 3 more later), Branch B has 3."""
    conf = org.create_body(
        actor=world.admin, unit=world.national, kind=Body.Kind.CONFERENCE, name="Conference"
    )
    conf.supporters_required = 0
    conf.min_notice_days = 0
    conf.quorum_percent = 50
    conf.save()
    delegates = []
    for unit, who in ((world.branch_a, world.member), (world.branch_b, world.committee_member)):
        seat = org.create_seat(
            actor=world.admin,
            body=conf,
            role=Seat.Role.DELEGATE,
            title=f"Delegate of {unit.name}",
            represents_unit=unit,
        )
        org.appoint_to_seat(
            actor=world.admin,
            seat=seat,
            holder=who,
            started_on=timezone.localdate() - timedelta(days=1),
        )
        delegates.append(fresh(who))
    return conf, delegates


def test_card_vote_weights_at_the_snapshot_date(world: World) -> None:
    conf, (delegate_a, delegate_b) = _conference(world)
    # Three members join Branch A five days ago (after the snapshot); one Branch B member
    # lapsed three days ago (in good standing at the snapshot).
    recent = timezone.now() - timedelta(days=5)
    for n in range(3):
        user = make_member(f"new{n}@example.org", f"New {n}", world.branch_a)
        MembershipEvent.objects.filter(membership__user=user).update(at=recent)
    lapsed = Membership.objects.get(user=world.officer)
    lapsed.status = Status.LAPSED
    lapsed.save()
    MembershipEvent.objects.create(
        membership=lapsed,
        from_status=Status.MEMBER,
        to_status=Status.LAPSED,
        at=timezone.now() - timedelta(days=3),
        reason="test",
    )
    motion = motion_at(world, MotionStatus.IN_DISCUSSION, body=conf)
    meeting = meetings.schedule_meeting(
        actor=fresh(world.officer),
        body=conf,
        title="Conference",
        starts_at=timezone.now() + SOON,
        motions=[motion],
    )
    meeting.card_vote_snapshot_on = timezone.localdate() - timedelta(days=10)
    meeting.save()
    meetings.open_meeting(actor=fresh(world.admin), meeting=meeting, reason="opened at once (test)")
    for d in (delegate_a, delegate_b):
        meetings.sign_in(actor=d, meeting=meeting)
    assert meetings.members_in_good_standing_on(world.branch_a, timezone.localdate()) == 5
    assert meetings.members_in_good_standing_on(world.branch_b, timezone.localdate()) == 2
    vote = meetings.open_vote(
        actor=fresh(world.admin), meeting=meeting, motion=motion, method="card"
    )
    a = meetings.cast_named_vote(actor=delegate_a, vote=vote, choice="for")
    b = meetings.cast_named_vote(actor=delegate_b, vote=vote, choice="against")
    assert (a.weight, a.represents_unit) == (Decimal(2), world.branch_a)
    assert (b.weight, b.represents_unit) == (Decimal(3), world.branch_b)
    vote = meetings.close_vote(actor=fresh(world.admin), vote=vote)
    assert (vote.votes_for, vote.votes_against) == (2, 3)
    assert vote.carried is False


def test_minutes_generated_edited_and_approved_at_a_later_meeting(nc: World) -> None:
    motion = motion_at(nc, MotionStatus.IN_DISCUSSION)
    s = sitting(nc, [motion])
    officer = fresh(nc.officer)
    vote = meetings.open_vote(actor=officer, meeting=s.meeting, motion=motion, method="roll_call")
    for n, person in enumerate(s.present):
        meetings.cast_named_vote(actor=person, vote=vote, choice="against" if n == 0 else "for")
    meetings.close_vote(actor=officer, vote=vote)
    with pytest.raises(DomainError, match="after the meeting closes"):
        meetings.save_minutes(actor=officer, meeting=s.meeting, text="x")
    meetings.close_meeting(actor=officer, meeting=s.meeting)
    s.meeting.refresh_from_db()
    minutes = s.meeting.minutes
    assert "**Present (5):**" in minutes
    assert all(p.full_name in minutes for p in s.present)
    assert "The motion: roll call, for 4, against 1, abstentions 0 — **carried**." in minutes
    assert f"Against: {s.present[0].full_name}" in minutes
    assert minutes == meetings.generate_minutes(s.meeting)
    with pytest.raises(PermissionDenied):
        meetings.save_minutes(actor=fresh(nc.committee_member), meeting=s.meeting, text="x")
    mark = audit_mark()
    meetings.save_minutes(actor=officer, meeting=s.meeting, text=minutes + "\nCorrected.")
    # Approval: only at a later meeting of the same body, while it is in progress.
    other_body = _schedule(nc, actor=nc.admin, body=nc.district_committee)
    later = _schedule(nc, starts_at=timezone.now() + timedelta(days=7))
    earlier_meeting = Meeting.objects.create(
        body=nc.national_committee,
        title="Earlier",
        starts_at=s.meeting.starts_at - timedelta(days=30),
        created_by=nc.officer,
        status=Meeting.Status.IN_PROGRESS,
    )
    with pytest.raises(DomainError, match="later meeting of the same body"):
        meetings.approve_minutes(actor=officer, meeting=s.meeting, at_meeting=other_body)
    with pytest.raises(DomainError, match="later meeting of the same body"):
        meetings.approve_minutes(actor=officer, meeting=s.meeting, at_meeting=earlier_meeting)
    with pytest.raises(DomainError, match="in progress"):
        meetings.approve_minutes(actor=officer, meeting=s.meeting, at_meeting=later)
    meetings.open_meeting(actor=officer, meeting=later, reason="opened at once (test)")
    later.refresh_from_db()
    with pytest.raises(PermissionDenied):
        meetings.approve_minutes(
            actor=fresh(nc.committee_member), meeting=s.meeting, at_meeting=later
        )
    meetings.approve_minutes(actor=officer, meeting=s.meeting, at_meeting=later)
    s.meeting.refresh_from_db()
    assert s.meeting.minutes_approved_at_meeting == later
    assert s.meeting.minutes.endswith("Corrected.")
    with pytest.raises(DomainError, match="Approved minutes cannot be changed"):
        meetings.save_minutes(actor=officer, meeting=s.meeting, text="rewrite")
    with pytest.raises(DomainError, match="not awaiting approval"):
        meetings.approve_minutes(actor=officer, meeting=s.meeting, at_meeting=later)
    assert audit_actions(mark)[0] == "meeting.minutes"
    assert "meeting.minutes_approved" in audit_actions(mark)


def test_calendar_feed(nc: World) -> None:
    feed = meetings.calendar_feed_for(fresh(nc.officer))
    assert meetings.calendar_feed_for(fresh(nc.officer)).token == feed.token
    assert len(feed.token) >= 40
    meeting = _schedule(nc, title="Feed me")
    _schedule(nc, actor=nc.secretary, body=nc.branch_committee, title="Branch only")
    ics = meetings.calendar_for(fresh(nc.officer))
    assert "Feed me" in ics and "Branch only" not in ics
    assert f"meeting-{meeting.pk}@iskra" in ics
    # A member with no seat sees general meetings of their units only.
    gm = org.create_body(
        actor=nc.admin, unit=nc.branch_a, kind=Body.Kind.GENERAL_MEETING, name="GM"
    )
    gm.min_notice_days = 0  # called for the next hours
    _schedule(nc, actor=nc.secretary, body=gm, title="Branch AGM")
    member_ics = meetings.calendar_for(fresh(nc.member))
    assert "Branch AGM" in member_ics and "Feed me" not in member_ics
