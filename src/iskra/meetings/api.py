"""The meetings API: notice, agenda, attendance and quorum, recorded votes and minutes —
the same services and loaders as the meeting pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from iskra.accounts.api_auth import person, request_user
from iskra.accounts.models import User
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_FILTER, WORD_FILTER, PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.apikit.schemas import Error
from iskra.core.errors import DomainError, NotFound
from iskra.meetings import services
from iskra.meetings.forms import parse_subject
from iskra.meetings.models import AgendaItem, Attendance, Ballot, Meeting, Proxy, Vote
from iskra.meetings.permissions import (
    can_list_meetings,
    can_run_meeting,
    load_meeting,
    load_vote,
    visible_meetings_q,
)
from iskra.meetings.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    ApproveMinutesIn,
    AttendanceOut,
    CardOut,
    CastIn,
    HandsIn,
    MarkAttendanceIn,
    MeetingIn,
    MeetingOut,
    MeetingPositionIn,
    MeetingReplyIn,
    MeetingReplyOut,
    MeetingSummaryOut,
    MinutesIn,
    OpenMeetingIn,
    OpenVoteIn,
    PeopleIn,
    ProxyIn,
    ProxyOut,
    RecordMeetingIn,
    RollCallBallotOut,
    SignInCodeIn,
    SignInIn,
    SubjectIn,
    TickedOut,
    VoteOut,
)
from iskra.motions.api import position_out
from iskra.motions.models import Amendment, Motion
from iskra.motions.permissions import load_motion
from iskra.motions.schemas import PositionOut
from iskra.organisation.models import Body
from iskra.organisation.permissions import load_body, require

router = Router(tags=["meetings"])


def _summary(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "body_id": m.body_id,
        "body_name": m.body.name,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "location": m.location,
        "status": m.status,
    }


def _ballot_out(b: Ballot) -> dict[str, Any]:
    return {
        "user_id": b.user_id,
        "name": b.user.full_name,
        "choice": b.choice,
        "weight": float(b.weight),
        "represents_unit_id": b.represents_unit_id,
        "split": {c: float(w) for c, w in b.parts()} if b.choice == "split" else None,
        "cast_by_id": b.cast_by_id,
    }


def _proxy_out(p: Proxy) -> dict[str, Any]:
    return {
        "member_id": p.member_id,
        "member_name": p.member.full_name,
        "holder_id": p.holder_id,
        "holder_name": p.holder.full_name,
        "state": p.state,
        "appointed_at": p.appointed_at,
        "ended_at": p.ended_at,
    }


def vote_out(v: Vote) -> dict[str, Any]:
    """A vote with its figures; names once it is counted (open voting, recorded by name)."""
    ballots = list(v.ballots.all())
    return {
        "id": v.pk,
        "meeting_id": v.meeting_id,
        "motion_id": v.motion_id,
        "amendment_id": v.amendment_id,
        "method": v.method,
        "state": v.state,
        "votes_for": float(v.votes_for),
        "votes_against": float(v.votes_against),
        "abstentions": float(v.abstentions),
        "present": v.present,
        "entitled": v.entitled,
        "carried": v.carried,
        "opened_at": v.opened_at,
        "counted_at": v.counted_at,
        "ballots": [_ballot_out(b) for b in ballots] if v.state == Vote.State.COUNTED else [],
        "voted": len(ballots),
    }


def _item_out(i: AgendaItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "position": i.position,
        "kind": i.kind,
        "title": i.title,
        "motion_id": i.motion_id,
        "notes": i.notes,
    }


def _attendance_out(a: Attendance) -> dict[str, Any]:
    return {
        "user_id": a.user_id,
        "name": a.user.full_name,
        "at": a.at,
        "marked_by_id": a.marked_by_id,
    }


def _meeting_out(user: User, meeting_id: int) -> dict[str, Any]:
    meeting = load_meeting(user, meeting_id)
    run = can_run_meeting(user, meeting.body)
    q = services.quorum(meeting)
    attendance = list(meeting.attendance.select_related("user").order_by("user__full_name"))
    return {
        **_summary(meeting),
        "notice": meeting.notice,
        "opened_at": meeting.opened_at,
        "closed_at": meeting.closed_at,
        "minutes": meeting.minutes,
        "minutes_approved_at": meeting.minutes_approved_at,
        "minutes_approved_at_meeting_id": meeting.minutes_approved_at_meeting_id,
        "agenda": [_item_out(i) for i in meeting.items.all()],
        "attendance": [_attendance_out(a) for a in attendance],
        "proxies": [
            _proxy_out(p)
            for p in services.active_proxies(meeting).select_related("member", "holder")
        ],
        "quorum": {
            "present": q.present,
            "entitled": q.entitled,
            "required": q.required,
            "met": q.met,
            "by_proxy": q.by_proxy,
        },
        "votes": [
            vote_out(v)
            for v in meeting.votes.prefetch_related("ballots__user").order_by("opened_at", "pk")
        ],
        "can_run": run,
        "signed_in": any(a.user_id == user.pk for a in attendance),
        "recorded_after": meeting.recorded_after,
        "opened_early_reason": meeting.opened_early_reason,
        # The code is for the room: only those who run the meeting read it here.
        "sign_in_code": meeting.sign_in_code if run else "",
        "replies": [
            {
                "user_id": r.user_id,
                "name": r.user.full_name,
                "answer": r.answer,
                "note": r.note,
                "recorded_by_id": r.recorded_by_id,
            }
            for r in meeting.replies.select_related("user").order_by("user__full_name")
        ],
    }


def _subject(meeting: Meeting, payload: SubjectIn) -> tuple[Motion, Amendment | None]:
    """The motion (or one of its amendments) being voted on: it must be on the agenda."""
    on_agenda = set(meeting.items.exclude(motion__isnull=True).values_list("motion_id", flat=True))
    code = (
        f"a{payload.amendment_id}" if payload.amendment_id is not None else f"m{payload.motion_id}"
    )
    subject = parse_subject(code, on_agenda)
    if subject is None or subject[0].pk != payload.motion_id:
        raise NotFound("That motion or amendment is not on this meeting's agenda.")
    return subject


@router.get("/meetings", response={200: list[MeetingSummaryOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_meetings(
    request: HttpRequest, body_id: int | None = ID_FILTER, status: str = WORD_FILTER
) -> Any:
    """Meetings, latest first; filter by body and status."""
    user = request_user(request)
    require(can_list_meetings(user), "Meetings are for members and officers.")
    meetings = (
        Meeting.objects.select_related("body")
        .filter(visible_meetings_q(user))
        .order_by("-starts_at")
    )
    if body_id is not None:
        meetings = meetings.filter(body_id=body_id)
    if status:
        if status not in Meeting.Status.values:
            raise DomainError("Unknown status: " + ", ".join(Meeting.Status.values) + ".")
        meetings = meetings.filter(status=status)
    return Paged(meetings, _summary)


@router.post("/meetings", response={201: MeetingOut, **ERRORS})
def schedule(request: HttpRequest, payload: MeetingIn) -> Any:
    """Call a meeting: notice with an iCalendar invitation goes to everyone who sits in it,
    and the motions given start the agenda."""
    user = request_user(request)
    body = load_body(user, payload.body_id)
    motions = [load_motion(user, pk) for pk in dict.fromkeys(payload.motion_ids)]
    meeting = services.schedule_meeting(
        actor=user,
        body=body,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        location=payload.location,
        notice=payload.notice,
        motions=motions,
    )
    return Status(201, _meeting_out(user, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def get_meeting(request: HttpRequest, meeting_id: PathId) -> Any:
    """Agenda, attendance, quorum (live) and votes."""
    return _meeting_out(request_user(request), meeting_id)


@router.get("/meetings/{meeting_id}/cards", response={200: list[CardOut], **ERRORS})
def get_cards(request: HttpRequest, meeting_id: PathId) -> Any:
    """A council's or conference's cards: each delegation's weight at a card vote, from the
    register on the meeting's snapshot date (today's until one is set). Empty for other bodies."""
    from django.utils import timezone

    meeting = load_meeting(request_user(request), meeting_id)
    if meeting.body.kind not in (Body.Kind.COUNCIL, Body.Kind.CONFERENCE):
        return []
    on = meeting.card_vote_snapshot_on or timezone.localdate()
    held = min(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
    cards = services.card_weights(meeting.body, on, held_on=held)
    return [{**c.__dict__, "weight": float(c.weight)} for c in cards]


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaItemOut, **ERRORS})
def add_agenda_item(request: HttpRequest, meeting_id: PathId, payload: AgendaItemIn) -> Any:
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    motion = load_motion(user, payload.motion_id) if payload.motion_id is not None else None
    item = services.add_agenda_item(
        actor=user,
        meeting=meeting,
        kind=payload.kind,
        title=payload.title,
        motion=motion,
        notes=payload.notes,
    )
    return Status(201, _item_out(item))


@router.post("/meetings/{meeting_id}/open", response={200: MeetingOut, **ERRORS})
def open_meeting(
    request: HttpRequest, meeting_id: PathId, payload: OpenMeetingIn | None = None
) -> Any:
    """Open the meeting; before the time it was called for only with a reason (recorded in
    the audit log and the minutes)."""
    user = request_user(request)
    reason = payload.reason if payload is not None else ""
    services.open_meeting(actor=user, meeting=load_meeting(user, meeting_id), reason=reason)
    return _meeting_out(user, meeting_id)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingOut, **ERRORS})
def close_meeting(request: HttpRequest, meeting_id: PathId) -> Any:
    """Close the meeting; draft minutes are generated from the record."""
    user = request_user(request)
    services.close_meeting(actor=user, meeting=load_meeting(user, meeting_id))
    return _meeting_out(user, meeting_id)


@router.post("/meetings/{meeting_id}/sign-in", response={201: AttendanceOut, 429: Error, **ERRORS})
def sign_in(request: HttpRequest, meeting_id: PathId, payload: SignInIn | None = None) -> Any:
    """A member of the body signs themselves in, while the meeting is open (with the room's
    code when the chair shows one)."""
    user = request_user(request)
    code = payload.code if payload is not None else ""
    attendance = services.sign_in(actor=user, meeting=load_meeting(user, meeting_id), code=code)
    return Status(201, _attendance_out(attendance))


@router.post("/meetings/{meeting_id}/attendance", response={201: AttendanceOut, **ERRORS})
def mark_attendance(request: HttpRequest, meeting_id: PathId, payload: MarkAttendanceIn) -> Any:
    """The secretary marks a member of the body present."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the secretary records attendance.")
    attendance = services.mark_attendance(actor=user, meeting=meeting, user=person(payload.user_id))
    return Status(201, _attendance_out(attendance))


@router.post("/meetings/{meeting_id}/hands", response={201: VoteOut, **ERRORS})
def show_of_hands(request: HttpRequest, meeting_id: PathId, payload: HandsIn) -> Any:
    """The chair enters the totals of a show of hands; it is counted at once."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    motion, amendment = _subject(meeting, payload)
    vote = services.take_show_of_hands(
        actor=user,
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        abstentions=payload.abstentions,
    )
    return Status(201, vote_out(vote))


@router.post("/meetings/{meeting_id}/votes", response={201: VoteOut, **ERRORS})
def open_vote(request: HttpRequest, meeting_id: PathId, payload: OpenVoteIn) -> Any:
    """Open a roll call or card vote; each member present then votes by name."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    motion, amendment = _subject(meeting, payload)
    vote = services.open_vote(
        actor=user, meeting=meeting, motion=motion, amendment=amendment, method=payload.method
    )
    return Status(201, vote_out(vote))


@router.get("/votes/{vote_id}", response={200: VoteOut, **ERRORS})
def get_vote(request: HttpRequest, vote_id: PathId) -> Any:
    return vote_out(load_vote(request_user(request), vote_id))


@router.post("/votes/{vote_id}/ballots", response={201: RollCallBallotOut, **ERRORS})
def cast(request: HttpRequest, vote_id: PathId, payload: CastIn) -> Any:
    """Cast your named vote: for, against or abstain. In a card vote a delegation may split
    its card: ``choice`` "split" with ``split_for``, ``split_against`` and ``split_abstain``
    adding up to the card. ``on_behalf_of``: cast the vote of a member whose proxy you hold
    (you are at the meeting, they are not)."""
    user = request_user(request)
    vote = load_vote(user, vote_id)
    parts = (payload.split_for, payload.split_against, payload.split_abstain)
    member = None
    if payload.on_behalf_of is not None:
        member = User.objects.filter(pk=payload.on_behalf_of).first()
        if member is None:
            raise DomainError("You do not hold that member's proxy at this meeting.")
    ballot = services.cast_named_vote(
        actor=user,
        vote=vote,
        choice=payload.choice,
        split=parts if any(p is not None for p in parts) else None,
        on_behalf_of=member,
    )
    return Status(201, _ballot_out(ballot))


@router.post("/votes/{vote_id}/close", response={200: VoteOut, **ERRORS})
def close_vote(request: HttpRequest, vote_id: PathId) -> Any:
    """Close and count the vote with the body's rule; a carried motion becomes a decision."""
    user = request_user(request)
    vote = services.close_vote(actor=user, vote=load_vote(user, vote_id))
    return vote_out(vote)


@router.put("/meetings/{meeting_id}/minutes", response={200: MeetingOut, **ERRORS})
def save_minutes(request: HttpRequest, meeting_id: PathId, payload: MinutesIn) -> Any:
    user = request_user(request)
    services.save_minutes(actor=user, meeting=load_meeting(user, meeting_id), text=payload.text)
    return _meeting_out(user, meeting_id)


@router.post("/meetings/{meeting_id}/minutes/approve", response={200: MeetingOut, **ERRORS})
def approve_minutes(request: HttpRequest, meeting_id: PathId, payload: ApproveMinutesIn) -> Any:
    """Record that a later meeting of the body, in progress, approved these minutes."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    at_meeting = load_meeting(user, payload.at_meeting_id)
    services.approve_minutes(actor=user, meeting=meeting, at_meeting=at_meeting)
    return _meeting_out(user, meeting_id)


@router.post("/meetings/{meeting_id}/positions", response={201: PositionOut, **ERRORS})
def record_position(request: HttpRequest, meeting_id: PathId, payload: MeetingPositionIn) -> Any:
    """Record the unit's position on a motion circulated to it, as this meeting voted on it
    and on its amendments, with the mandate for its delegates."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    position = services.record_position_from_meeting(
        actor=user,
        meeting=meeting,
        motion=load_motion(user, payload.motion_id),
        stance=payload.stance,
        mandate=payload.mandate,
        mandate_note=payload.mandate_note,
    )
    return Status(201, position_out(position))


@router.post("/meeting-records", response={201: MeetingOut, **ERRORS})
def record_meeting(request: HttpRequest, payload: RecordMeetingIn) -> Any:
    """Record a meeting held earlier (offline): no notice is sent; enter its attendance and
    votes, then close it for the minutes."""
    user = request_user(request)
    body = load_body(user, payload.body_id)
    motions = [load_motion(user, pk) for pk in dict.fromkeys(payload.motion_ids)]
    meeting = services.record_meeting(
        actor=user,
        body=body,
        title=payload.title,
        starts_at=payload.starts_at,
        location=payload.location,
        notes=payload.notes,
        motions=motions,
    )
    return Status(201, _meeting_out(user, meeting.pk))


@router.post("/meetings/{meeting_id}/reply", response={200: MeetingReplyOut, **ERRORS})
def reply(request: HttpRequest, meeting_id: PathId, payload: MeetingReplyIn) -> Any:
    """Answer the notice: attending or apologies (until the meeting opens)."""
    user = request_user(request)
    row = services.reply(
        actor=user,
        meeting=load_meeting(user, meeting_id),
        answer=payload.answer,
        note=payload.note,
    )
    return {
        "user_id": row.user_id,
        "name": user.full_name,
        "answer": row.answer,
        "note": row.note,
        "recorded_by_id": row.recorded_by_id,
    }


def _people(user_ids: list[int]) -> list[User]:
    people = list(User.objects.filter(pk__in=set(user_ids)))
    if len(people) != len(set(user_ids)):
        raise NotFound("No such person.")
    return people


@router.post("/meetings/{meeting_id}/register", response={200: TickedOut, **ERRORS})
def tick_present(request: HttpRequest, meeting_id: PathId, payload: PeopleIn) -> Any:
    """The secretary marks members of the body present, in bulk (those already marked stay)."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the secretary records attendance.")
    count = services.mark_present(actor=user, meeting=meeting, users=_people(payload.user_ids))
    return {"count": count}


@router.post("/meetings/{meeting_id}/apologies", response={200: TickedOut, **ERRORS})
def apologies(request: HttpRequest, meeting_id: PathId, payload: PeopleIn) -> Any:
    """The secretary records members' apologies."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the secretary records apologies.")
    count = services.record_apologies(
        actor=user, meeting=meeting, users=_people(payload.user_ids), note=payload.note
    )
    return {"count": count}


@router.delete("/meetings/{meeting_id}/attendance/{user_id}", response={204: None, **ERRORS})
def undo_attendance(request: HttpRequest, meeting_id: PathId, user_id: PathId) -> Any:
    """The chair or secretary undoes a sign-in."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the chair or secretary undoes a sign-in.")
    services.undo_attendance(actor=user, meeting=meeting, user=person(user_id))
    return Status(204, None)


@router.post("/meetings/{meeting_id}/code", response={200: MeetingOut, **ERRORS})
def sign_in_code(request: HttpRequest, meeting_id: PathId, payload: SignInCodeIn) -> Any:
    """Show a new sign-in code for the room, or stop asking for one."""
    user = request_user(request)
    services.set_sign_in_code(actor=user, meeting=load_meeting(user, meeting_id), show=payload.show)
    return _meeting_out(user, meeting_id)


@router.get("/meetings/{meeting_id}/proxies", response={200: list[ProxyOut], **ERRORS})
def list_proxies(request: HttpRequest, meeting_id: PathId) -> Any:
    """The proxies standing for the meeting: who votes for whom (as public as its attendance)."""
    meeting = load_meeting(request_user(request), meeting_id)
    return [
        _proxy_out(p) for p in services.active_proxies(meeting).select_related("member", "holder")
    ]


@router.post("/meetings/{meeting_id}/proxy", response={201: ProxyOut, **ERRORS})
def appoint_proxy(request: HttpRequest, meeting_id: PathId, payload: ProxyIn) -> Any:
    """Name your proxy for the meeting (where the body's standing orders allow proxies, by their
    deadline); a proxy you named before gives way to this one."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    holder = User.objects.filter(pk=payload.holder_id).first()
    if holder is None:
        raise DomainError(f"The person named is not a member of {meeting.body.name}.")
    proxy = services.appoint_proxy(actor=user, meeting=meeting, holder=holder)
    return Status(201, _proxy_out(proxy))


@router.delete("/meetings/{meeting_id}/proxy", response={200: ProxyOut, **ERRORS})
def withdraw_proxy(request: HttpRequest, meeting_id: PathId) -> Any:
    """Take back the proxy you named (until the meeting opens)."""
    user = request_user(request)
    proxy = services.withdraw_proxy(actor=user, meeting=load_meeting(user, meeting_id))
    return _proxy_out(proxy)


@router.post(
    "/meetings/{meeting_id}/proxies/{member_id}/decline", response={200: ProxyOut, **ERRORS}
)
def decline_proxy(request: HttpRequest, meeting_id: PathId, member_id: PathId) -> Any:
    """Decline a member's proxy you hold (before the meeting opens); they are told."""
    user = request_user(request)
    meeting = load_meeting(user, meeting_id)
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        raise DomainError("You do not hold that proxy.")
    return _proxy_out(services.decline_proxy(actor=user, meeting=meeting, member=member))
