"""Signing in, marking attendance, opening and closing a meeting."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.accounts.services import TooManyRequests
from iskra.audit.services import record
from iskra.core import ratelimit
from iskra.core.errors import DomainError
from iskra.core.web import FieldError
from iskra.core.words import visible
from iskra.meetings.models import Attendance, Meeting, Reply, Vote
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.services.common import _lock, body_members, is_body_member
from iskra.meetings.services.minutes import generate_minutes
from iskra.meetings.services.proxies import cancel_on_attending
from iskra.organisation.permissions import require

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or off a screen


# Wrong room codes allowed before signing in with a code stops for a while: per person per
# meeting, and per meeting (all people together, against many accounts trying in turn). A code
# is 6 characters of 32 (about 10^9); at these limits guessing it takes years, while a member who
# mistypes a few times is only told to wait or to ask the secretary.
CODE_TRIES_PER_PERSON = 5
CODE_TRIES_PER_MEETING = 50
CODE_TRIES_WINDOW = 15 * 60
CODE_LOCKED = "Too many wrong codes. Wait 15 minutes, or ask the secretary to mark you present."


def sign_in(*, actor: Any, meeting: Meeting, code: str = "") -> Attendance:
    """A member signs themselves in: only while the meeting is open, with the room's code when
    the chair shows one. Wrong codes are limited (``CODE_TRIES_*``): past the limit signing in
    with a code is refused (429) for the rest of the window, and the first refusal is audited."""
    require(
        is_body_member(actor, meeting.body), "Only members of this body can sign in to its meeting."
    )
    _check_code(actor=actor, meeting=meeting, code=code)
    return _sign_in(actor=actor, meeting=meeting, code=code)


def _code_keys(actor: Any, meeting: Meeting) -> list[tuple[str, str, int]]:
    return [
        ("meeting-code", f"{meeting.pk}:{actor.pk}", CODE_TRIES_PER_PERSON),
        # Keyed on the code too: showing a new code gives the room a fresh count.
        ("meeting-code-room", f"{meeting.pk}:{meeting.sign_in_code}", CODE_TRIES_PER_MEETING),
    ]


def _check_code(*, actor: Any, meeting: Meeting, code: str) -> None:
    """Outside the sign-in's transaction, so that a wrong code is counted (and a lockout
    audited) even though the sign-in itself is refused."""
    meeting = Meeting.objects.select_related("body__unit").get(pk=meeting.pk)
    expected = meeting.sign_in_code
    if not expected:
        return
    keys = _code_keys(actor, meeting)
    if any(ratelimit.used(s, k, window=CODE_TRIES_WINDOW) >= n for s, k, n in keys):
        raise TooManyRequests(CODE_LOCKED)
    if code.strip().upper() == expected:
        return
    # ``limit=n - 1``: the n-th wrong code is the one refused, audited, and the last tried.
    within = [ratelimit.allow(s, k, limit=n - 1, window=CODE_TRIES_WINDOW) for s, k, n in keys]
    if not all(within):
        with transaction.atomic():
            record(
                actor=actor,
                action="meeting.sign_in_locked",
                obj=meeting,
                unit=meeting.body.unit,
                data={"window_minutes": CODE_TRIES_WINDOW // 60},
            )
        raise TooManyRequests(f"That is not the code shown in the room. {CODE_LOCKED}")
    # A wrong code within the limits: the sign-in below refuses it with its own message.


@transaction.atomic
def _sign_in(*, actor: Any, meeting: Meeting, code: str) -> Attendance:
    current = _lock(meeting)
    if current.recorded_after:
        raise DomainError("This meeting was held earlier; its secretary records who was there.")
    if current.status == Meeting.Status.SCHEDULED:
        raise DomainError("The meeting has not opened yet: sign in once the chair opens it.")
    if current.sign_in_code and code.strip().upper() != current.sign_in_code:
        raise DomainError("That is not the code shown in the room.")
    return _attend(meeting=current, user=actor, marked_by=None, actor=actor)


@transaction.atomic
def mark_attendance(*, actor: Any, meeting: Meeting, user: User) -> Attendance:
    require(can_run_meeting(actor, meeting.body), "Only the secretary records attendance.")
    if not is_body_member(user, meeting.body):
        raise DomainError(f"{user} is not a member of {meeting.body.name}.")
    return _attend(meeting=meeting, user=user, marked_by=actor, actor=actor)


def _attend(*, meeting: Meeting, user: User, marked_by: Any, actor: Any) -> Attendance:
    # Judge on the meeting as it is now: it may have closed since the caller read it.
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, user=user, at=timezone.now(), marked_by=marked_by
            )
    except IntegrityError:
        raise DomainError(f"{user} is already signed in.") from None
    # Someone who sent apologies and came after all is present, not both: the apology gives way
    # (found by a volunteer's walk: the same person listed as present and as sending apologies).
    withdrawn = Reply.objects.filter(
        meeting=meeting, user=user, answer=Reply.Answer.APOLOGIES
    ).update(answer=Reply.Answer.ATTENDING, note="", at=attendance.at, recorded_by=marked_by)
    data: dict[str, Any] = {"meeting": meeting.pk, "user": user.pk}
    if withdrawn:
        data["apologies_withdrawn"] = True
    # A member who comes in person votes in person: their proxy, if they named one, ends.
    if cancel_on_attending(meeting=meeting, user=user, actor=actor):
        data["proxy_cancelled"] = True
    record(actor=actor, action="meeting.attend", obj=attendance, unit=meeting.body.unit, data=data)
    return attendance


@transaction.atomic
def mark_present(*, actor: Any, meeting: Meeting, users: list[User]) -> int:
    """The secretary ticks members present from the body's list; those already marked are left
    as they are. Returns how many were newly marked."""
    require(can_run_meeting(actor, meeting.body), "Only the secretary records attendance.")
    current = _lock(meeting)
    if current.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    if not users:
        raise DomainError("Tick at least one member.")
    members = set(
        body_members(current.body).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True)
    )
    strangers = [u for u in users if u.pk not in members]
    if strangers:
        raise DomainError(f"{strangers[0]} is not a member of {current.body.name}.")
    already = set(current.attendance.values_list("user_id", flat=True))
    marked = 0
    for user in users:
        if user.pk not in already:
            _attend(meeting=current, user=user, marked_by=actor, actor=actor)
            already.add(user.pk)
            marked += 1
    return marked


@transaction.atomic
def undo_attendance(*, actor: Any, meeting: Meeting, user: User) -> None:
    """The chair or secretary takes back a sign-in (someone signed in by mistake, or left)."""
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary undoes a sign-in.")
    current = _lock(meeting)
    if current.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    attendance = current.attendance.filter(user=user).first()
    if attendance is None:
        raise DomainError(f"{user} is not signed in.")
    attendance.delete()
    record(
        actor=actor,
        action="meeting.attend_undo",
        obj=current,
        unit=current.body.unit,
        data={"meeting": current.pk, "user": user.pk},
    )


@transaction.atomic
def reply(*, actor: Any, meeting: Meeting, answer: str, note: str = "") -> Reply:
    """A member answers the notice: attending, or apologies. They may change their answer
    until the meeting opens."""
    require(is_body_member(actor, meeting.body), "Only members of this body reply to its notice.")
    current = _lock(meeting)
    if current.status != Meeting.Status.SCHEDULED:
        raise DomainError("The meeting has started: replies are taken before it opens.")
    return _reply(meeting=current, user=actor, answer=answer, note=note, actor=actor, by=None)


@transaction.atomic
def record_apologies(*, actor: Any, meeting: Meeting, users: list[User], note: str = "") -> int:
    """The secretary records members' apologies (sent by phone, by a friend, …)."""
    require(can_run_meeting(actor, meeting.body), "Only the secretary records apologies.")
    current = _lock(meeting)
    if current.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    if not users:
        raise DomainError("Tick at least one member.")
    present = set(current.attendance.values_list("user_id", flat=True))
    for user in users:
        if not is_body_member(user, current.body):
            raise DomainError(f"{user} is not a member of {current.body.name}.")
        if user.pk in present:
            raise DomainError(f"{user} is marked present: undo that first.")
        _reply(
            meeting=current,
            user=user,
            answer=Reply.Answer.APOLOGIES,
            note=note,
            actor=actor,
            by=actor,
        )
    return len(users)


def _reply(*, meeting: Meeting, user: User, answer: str, note: str, actor: Any, by: Any) -> Reply:
    if answer not in Reply.Answer.values:
        raise DomainError("Answer attending or apologies.")
    if len(note) > 300:
        raise DomainError("Keep the note under 300 characters.")
    row, _ = Reply.objects.update_or_create(
        meeting=meeting,
        user=user,
        defaults={"answer": answer, "note": note.strip(), "at": timezone.now(), "recorded_by": by},
    )
    record(
        actor=actor,
        action="meeting.reply",
        obj=meeting,
        unit=meeting.body.unit,
        data={"meeting": meeting.pk, "user": user.pk, "answer": answer},
    )
    return row


@transaction.atomic
def set_sign_in_code(*, actor: Any, meeting: Meeting, show: bool = True) -> Meeting:
    """Show a new short code for the room (members sign in with it), or stop asking for one."""
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary sets the code.")
    current = _lock(meeting)
    if current.status == Meeting.Status.CLOSED:
        raise DomainError("The meeting is closed.")
    current.sign_in_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6)) if show else ""
    current.save(update_fields=["sign_in_code"])
    record(
        actor=actor,
        action="meeting.code",
        obj=current,
        unit=current.body.unit,
        data={"shown": show},
    )
    return current


@transaction.atomic
def open_meeting(*, actor: Any, meeting: Meeting, reason: str = "") -> Meeting:
    """Open the meeting at its time; earlier only with a reason, which the audit log and the
    minutes keep."""
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary opens the meeting.")
    if meeting.status != Meeting.Status.SCHEDULED:
        raise DomainError("The meeting has already been opened.")
    reason = visible(reason)
    early = timezone.now() < meeting.starts_at
    if early and not reason:
        raise FieldError(
            "reason",
            f"The meeting is called for {timezone.localtime(meeting.starts_at):%-d %B %Y, %H:%M}: "
            "it can be opened before its time only with a reason, which the minutes record.",
        )
    if len(reason) > 1000:
        raise FieldError("reason", "Keep the reason under 1000 characters.")
    meeting.status = Meeting.Status.IN_PROGRESS
    meeting.opened_at = timezone.now()
    meeting.opened_early_reason = reason if early else ""
    meeting.save(update_fields=["status", "opened_at", "opened_early_reason"])
    record(
        actor=actor,
        action="meeting.open",
        obj=meeting,
        unit=meeting.body.unit,
        data={"early": early, "reason": reason} if early else {},
    )
    return meeting


def closing_problems(meeting: Meeting) -> list[str]:
    """What stops the meeting being closed now (the confirmation page lists them)."""
    problems = []
    if meeting.status != Meeting.Status.IN_PROGRESS:
        problems.append(
            f"The meeting is {meeting.get_status_display().lower()}, not in progress: "
            "only a meeting in progress can be closed."
        )
    if meeting.votes.filter(state=Vote.State.OPEN).exists():
        problems.append("A vote is still open; close it first.")
    return problems


@transaction.atomic
def close_meeting(*, actor: Any, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair or secretary closes the meeting.")
    problems = closing_problems(meeting)
    if problems:
        raise DomainError(problems[0])
    meeting.status = Meeting.Status.CLOSED
    meeting.closed_at = timezone.now()
    meeting.minutes = generate_minutes(meeting)
    meeting.save(update_fields=["status", "closed_at", "minutes"])
    record(actor=actor, action="meeting.close", obj=meeting, unit=meeting.body.unit)
    return meeting
