"""The verbs of a secret ballot: define, check, open (freeze the roll, send credentials),
cast, extend, close and count, publish, challenge, and the scrutineer's sign-off."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots import storage, tally
from iskra.ballots.dates import when
from iskra.ballots.models import (
    Ballot,
    BoardEntry,
    CastBallot,
    Challenge,
    Extension,
    Option,
    Preset,
    Question,
    RollEntry,
)
from iskra.ballots.permissions import (
    can_manage,
    holds_office_in,
    in_constituency_unit,
    is_scrutineer,
    on_roll,
)
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify
from iskra.members.models import Status
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require

logger = logging.getLogger(__name__)

TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def hash_credential(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_tracker() -> str:
    code = "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(12))
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def normalise_tracker(typed: str) -> str:
    """A tracker code as a voter may type it — in lower case, with spaces, without hyphens or
    with a phone's typographic dashes — in the form it is stored (ABCD-EFGH-JKLM). Anything that
    is not 12 characters once spaces and dashes are gone comes back cleaned, not padded, so the
    look-up finds nothing and says so."""
    # Spaces, hyphens, the typographic dashes a phone may substitute (U+2010-U+2015), dots.
    code = re.sub(r"[\s\-\u2010-\u2015_.]", "", typed.upper())[:64]
    if len(code) == 12:
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"
    return code


def _lock_for_casting(ballot_id: int, *, exclusive: bool) -> None:
    """Casting holds a shared lock and closing an exclusive one (PostgreSQL advisory locks), so
    the close waits for every cast in flight and no cast slips in after the count. SQLite runs
    one writing transaction at a time, which gives the same guarantee."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [7017, ballot_id])


# --- Defining ----------------------------------------------------------------------------------


YES_NO_PRESETS = {
    Preset.UK_INDUSTRIAL_ACTION,
    Preset.UNION_TWO_THIRDS,
    Preset.SIMPLE_MAJORITY,
    Preset.RECALL,
}

STATUTORY_STATEMENT = (
    "If you take part in a strike or other industrial action, you may be in breach of your "
    "contract of employment.\n\nHowever, if you are dismissed for taking part in a strike or "
    "other industrial action which is called officially and is otherwise lawful, the dismissal "
    "will be unfair if it takes place fewer than twelve weeks after you started taking part in "
    "the action, and depending on the circumstances may be unfair if it takes place later."
)


@transaction.atomic
def create_ballot(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    preset: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    paper_text: str = "",
    question: str = "",
    filter_workplace: str = "",
    filter_employer: str = "",
    filter_job_title: str = "",
    important_public_service: bool = False,
    constituency_body: Any = None,
    min_published_ballots: int | None = None,
) -> Ballot:
    require(is_officer_of(actor, unit), "Only officers of the unit define its ballots.")
    if min_published_ballots is None:
        min_published_ballots = Ballot._meta.get_field("min_published_ballots").get_default()
    if not 1 <= min_published_ballots <= 1_000_000:
        raise DomainError("The publication minimum is a number of ballots, at least 1.")
    if preset not in Preset.values:
        raise DomainError("Choose the kind of ballot.")
    if not title.strip():
        raise DomainError("A ballot needs a title.")
    if closes_at <= opens_at:
        raise DomainError("The ballot must close after it opens.")
    if constituency_body is not None and not constituency_body.unit.path.startswith(unit.path):
        raise DomainError("The constituency body must belong to the ballot's unit or one below it.")
    if preset == Preset.UK_INDUSTRIAL_ACTION and not paper_text.strip():
        paper_text = STATUTORY_STATEMENT
    ballot = Ballot.objects.create(
        unit=unit,
        title=title.strip(),
        preset=preset,
        opens_at=opens_at,
        closes_at=closes_at,
        description=description.strip(),
        paper_text=paper_text.strip(),
        filter_workplace=filter_workplace.strip(),
        filter_employer=filter_employer.strip(),
        filter_job_title=filter_job_title.strip(),
        important_public_service=important_public_service,
        constituency_body=constituency_body,
        min_published_ballots=min_published_ballots,
        created_by=actor,
        created_at=timezone.now(),
    )
    if preset in YES_NO_PRESETS and question.strip():
        add_question(
            actor=actor,
            ballot=ballot,
            kind=Question.Kind.YES_NO,
            text=question.strip(),
            options=["Yes", "No"],
        )
    record(
        actor=actor,
        action="ballot.create",
        obj=ballot,
        unit=unit,
        data={
            "title": ballot.title,
            "preset": preset,
            "min_published_ballots": min_published_ballots,
        },
    )
    return ballot


def _lock_draft(actor: Any, ballot: Ballot) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(can_manage(actor, ballot), "Only officers of the unit change this ballot.")
    if ballot.state != Ballot.State.DRAFT:
        raise DomainError("An opened ballot cannot be changed.")
    return ballot


@transaction.atomic
def add_question(
    *,
    actor: Any,
    ballot: Ballot,
    kind: str,
    text: str,
    options: list[str],
    seats: int = 1,
    max_choices: int = 1,
) -> Question:
    ballot = _lock_draft(actor, ballot)
    if kind not in Question.Kind.values:
        raise DomainError("Choose the kind of question.")
    labels = [o.strip() for o in options if o.strip()]
    if kind == Question.Kind.YES_NO:
        labels = labels or ["Yes", "No"]
        if len(labels) != 2:
            raise DomainError("A yes/no question has exactly two options.")
    if not text.strip():
        raise DomainError("Write the question.")
    if len(set(labels)) != len(labels):
        raise DomainError("Two options have the same name.")
    if kind == Question.Kind.STV and not 1 <= seats < max(2, len(labels)):
        raise DomainError("An STV election needs more candidates than seats.")
    if kind == Question.Kind.APPROVAL and not 1 <= max_choices <= max(1, len(labels)):
        raise DomainError("'Choose up to' must be between 1 and the number of options.")
    position = (ballot.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    question = Question.objects.create(
        ballot=ballot,
        position=position,
        kind=kind,
        text=text.strip(),
        seats=seats,
        max_choices=max_choices,
    )
    Option.objects.bulk_create(
        [Option(question=question, position=i + 1, label=label) for i, label in enumerate(labels)]
    )
    record(
        actor=actor,
        action="ballot.question",
        obj=question,
        unit=ballot.unit,
        data={"kind": kind, "options": labels},
    )
    return question


@transaction.atomic
def appoint_scrutineer(*, actor: Any, ballot: Ballot, scrutineer: User) -> Ballot:
    ballot = _lock_draft(actor, ballot)
    if holds_office_in(scrutineer, ballot):
        raise DomainError(
            f"{scrutineer} holds an office in {ballot.unit.name}; the scrutineer must be independent of it."
        )
    ballot.scrutineer = scrutineer
    ballot.save(update_fields=["scrutineer"])
    record(
        actor=actor,
        action="ballot.scrutineer",
        obj=ballot,
        unit=ballot.unit,
        data={"scrutineer": scrutineer.pk},
    )
    return ballot


def constituency(ballot: Ballot) -> QuerySet[User]:
    """Who is entitled: members in good standing of the unit (or of a body), narrowed by the
    workplace, employer and job filters recorded on member profiles."""
    if ballot.constituency_body is not None:
        from iskra.meetings.services import body_members

        people = body_members(ballot.constituency_body).filter(membership__status=Status.MEMBER)
    else:
        people = User.objects.filter(
            membership__unit__path__startswith=ballot.unit.path, membership__status=Status.MEMBER
        )
    if ballot.filter_workplace:
        people = people.filter(workplace__iexact=ballot.filter_workplace)
    if ballot.filter_employer:
        people = people.filter(employer__iexact=ballot.filter_employer)
    if ballot.filter_job_title:
        people = people.filter(job_title__iexact=ballot.filter_job_title)
    return people.filter(is_active=True)


def problems(ballot: Ballot, *, now: datetime | None = None) -> list[str]:
    """Everything that stops this ballot from opening (shown on its page; opening refuses)."""
    now = now or timezone.now()
    found = []
    if ballot.state != Ballot.State.DRAFT:
        found.append("The ballot is no longer a draft.")
    if ballot.scrutineer_id is None:
        found.append("No scrutineer has been appointed.")
    elif holds_office_in(ballot.scrutineer, ballot):
        found.append("The scrutineer holds an office in the unit.")
    questions = list(ballot.questions.prefetch_related("options"))
    if not questions:
        found.append("The ballot has no question.")
    for q in questions:
        n = len(q.options.all())
        if n < 2:
            found.append(f"Question {q.position} needs at least two options.")
        if q.kind == Question.Kind.STV and q.seats >= n:
            found.append(f"Question {q.position} elects {q.seats} but has only {n} candidates.")
    if ballot.closes_at <= now:
        found.append("The closing time is in the past.")
    if ballot.closes_at <= ballot.opens_at:
        found.append("The ballot closes before it opens.")
    if not constituency(ballot).exists():
        found.append(
            "The roll would be empty: nobody in the constituency is a member in good standing."
        )
    if ballot.preset == Preset.UK_INDUSTRIAL_ACTION and not ballot.paper_text.strip():
        found.append("An industrial action ballot paper needs the statutory statement.")
    return found


@transaction.atomic
def open_ballot(*, actor: Any, ballot: Ballot) -> Ballot:
    """Freeze the roll, open voting and send every voter their credential."""
    ballot = _lock_draft(actor, ballot)
    blocking = problems(ballot)
    if blocking:
        raise DomainError("The ballot cannot open yet: " + " ".join(blocking))
    now = timezone.now()
    people = list(constituency(ballot).values_list("pk", flat=True))
    RollEntry.objects.bulk_create(
        [
            RollEntry(
                ballot=ballot,
                user_id=pk,
                credential_hash=hash_credential(secrets.token_urlsafe(24)),
            )
            for pk in people
        ],
        batch_size=5000,
    )
    ballot.state = Ballot.State.OPEN
    ballot.opened_at = now
    if ballot.opens_at > now:
        ballot.opens_at = now
    ballot.roll_size = len(people)
    ballot.save(update_fields=["state", "opened_at", "opens_at", "roll_size"])
    record(
        actor=actor,
        action="ballot.open",
        obj=ballot,
        unit=ballot.unit,
        data={"roll_size": ballot.roll_size, "closes_at": ballot.closes_at},
    )
    ballot_id = ballot.pk
    transaction.on_commit(lambda: queue_credentials(ballot_id=ballot_id))
    return ballot


def queue_credentials(*, ballot_id: int, reminder: bool = False, batch: int = 500) -> None:
    """One background task per batch of the whole roll; each issues fresh credentials and
    emails them. A reminder's tasks carry the whole roll too, and the worker skips whoever has
    voted when it sends: a task listing only those who have not voted would be the turnout so
    far, in a table anyone with the database can read."""
    from iskra.ballots.tasks import send_credentials

    ids = list(
        RollEntry.objects.filter(ballot_id=ballot_id).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        send_credentials.enqueue(
            ballot_id=ballot_id, roll_entry_ids=ids[start : start + batch], reminder=reminder
        )


def issue_credentials(*, ballot_id: int, roll_entry_ids: list[int], reminder: bool = False) -> int:
    """Give each voter among ``roll_entry_ids`` who has not voted a new one-time link (only its
    hash is kept) and email it. Returns how many were sent (the task that calls this keeps no
    figure: see ``tasks.send_credentials``).

    A reminder issues a new link too; the earlier one stops working, and the email says so.
    """
    from iskra.core.email import send_now

    ballot = Ballot.objects.select_related("unit").get(pk=ballot_id)
    if ballot.state != Ballot.State.OPEN:
        return 0
    entries = list(
        RollEntry.objects.filter(pk__in=roll_entry_ids, mark__isnull=True).select_related("user")
    )
    tokens = {}
    for entry in entries:
        raw = secrets.token_urlsafe(24)
        tokens[entry.pk] = raw
        entry.credential_hash = hash_credential(raw)
    # One parameterised UPDATE run for every row (psycopg pipelines it): bulk_update's CASE
    # expression cost more than rendering the emails (1 ms per voter at 500 per batch).
    table = RollEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET credential_hash = %s WHERE id = %s",  # noqa: S608
            [(e.credential_hash, e.pk) for e in entries],
        )
    sent = 0
    closes_at = when(ballot.closes_at)
    for entry in entries:
        link = reverse("ballots:vote_by_link", args=[ballot.pk, tokens[entry.pk]])
        try:
            send_now(
                to=entry.user.email,
                template="ballots/email/credential",
                context={
                    "name": entry.user.full_name,
                    "ballot": ballot.title,
                    "closes_at": closes_at,
                    "link": link,
                    "reminder": reminder,
                },
            )
            sent += 1
        except Exception as exc:
            from iskra.ballots.models import DeliveryFailure

            DeliveryFailure.objects.create(
                ballot=ballot, roll_entry=entry, error=str(exc)[:300], at=timezone.now()
            )
    return sent


REMINDER_SENT = (
    "Reminders are going out: everyone on the roll who has not voted yet gets a new voting "
    "link by email, and the link in their earlier emails stops working. How many that is is "
    "not shown: before the close it would be the turnout so far."
)


@transaction.atomic
def send_reminders(*, actor: Any, ballot: Ballot) -> None:
    """Email a new voting link to everyone on the roll who has not voted yet. Nothing here
    counts them, or records who they are: not the message, not the audit entry, not the tasks
    (each carries a batch of the whole roll; the worker skips who has voted when it sends)."""
    ballot = Ballot.objects.select_related("unit").get(pk=ballot.pk)
    require(
        can_manage(actor, ballot) or is_scrutineer(actor, ballot),
        "Only officers or the scrutineer send reminders.",
    )
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= timezone.now():
        raise DomainError("Reminders go out while the ballot is open.")
    ballot_id = ballot.pk
    transaction.on_commit(lambda: queue_credentials(ballot_id=ballot_id, reminder=True))
    record(actor=actor, action="ballot.remind", obj=ballot, unit=ballot.unit)


# --- Casting -----------------------------------------------------------------------------------


# Questions cannot change once a ballot has opened (add_question needs a draft), so each
# process keeps them: the voting page and the cast read them on every request. Keyed on the
# opening time too, so that a reused id (SQLite after a rollback) never finds another's.
_OPEN_QUESTIONS: dict[tuple[int, Any], list[dict[str, Any]]] = {}


def questions_data(ballot: Ballot) -> list[dict[str, Any]]:
    key = (ballot.pk, ballot.opened_at)
    cached = _OPEN_QUESTIONS.get(key) if ballot.opened_at is not None else None
    if cached is None:
        cached = [
            {
                "id": q.pk,
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "seats": q.seats,
                "max_choices": q.max_choices,
                "options": [o.label for o in q.options.all()],
            }
            for q in ballot.questions.prefetch_related("options")
        ]
        if ballot.opened_at is not None and ballot.state != Ballot.State.DRAFT:
            if len(_OPEN_QUESTIONS) >= 1000:
                _OPEN_QUESTIONS.clear()
            _OPEN_QUESTIONS[key] = cached
    # Callers may annotate the dicts (the voting page does): hand out copies.
    return [{**q, "options": list(q["options"])} for q in cached]


class AlreadyVoted(DomainError):
    status_code = 409


# The casting statements, written out (tables as in the models' default names; nothing in
# them comes from input except through parameters).
_ROLL_ENTRY_SELECT = (
    "SELECT r.id, CASE WHEN b.state = %s AND b.closes_at > %s THEN 1 ELSE 0 END"
    " FROM ballots_rollentry r JOIN ballots_ballot b ON b.id = r.ballot_id WHERE "
)
_ROLL_ENTRY_SQL = {
    "credential_hash": _ROLL_ENTRY_SELECT + "r.credential_hash = %s AND r.ballot_id = %s",
    "user_id": _ROLL_ENTRY_SELECT + "r.user_id = %s AND r.ballot_id = %s",
}
_MARK_SQL = "INSERT INTO ballots_votemark (id, roll_entry_id) VALUES (%s, %s)"
_CAST_SQL = (
    "INSERT INTO ballots_castballot (id, ballot_id, tracker, content) VALUES (%s, %s, %s, %s)"
)


def _uuid_value() -> Any:
    # As the UUIDField would store it: a uuid on PostgreSQL, 32 hex digits on SQLite.
    value = uuid.uuid4()
    return value if connection.features.has_native_uuid_field else value.hex


def _store_ballot(cursor: Any, *, ballot_id: int, tracker: str, content: dict[str, Any]) -> None:
    cursor.execute(_CAST_SQL, [_uuid_value(), ballot_id, tracker, json.dumps(content)])


def _is_open(ballot_id: int) -> bool:
    current = Ballot.objects.only("state", "closes_at").get(pk=ballot_id)
    return current.state == Ballot.State.OPEN and current.closes_at > timezone.now()


def cast_ballot(
    *,
    ballot: Ballot,
    answers: dict[str, Any],
    credential: str | None = None,
    user: Any = None,
    questions: list[dict[str, Any]] | None = None,
) -> str:
    """Record one vote. In one transaction: the roll entry is marked (its uniqueness refuses a
    second vote, under any concurrency) and the ballot is stored with no link to the voter.
    Returns the tracker code. Nothing about the voter is written anywhere with the ballot.
    ``questions`` (from ``questions_data(ballot)``) saves reading them again.

    The paper must answer every question on it and nothing else (``tally.validate_paper``):
    a question left out, an unknown question or option is refused before anything is written,
    so the credential stays unused. A blank answer is only ever an explicit "blank". The paper
    is judged once the voter is known to be on the roll: its errors name the questions and
    options, which are not for someone without a credential."""
    if questions is None:
        questions = questions_data(ballot)
    if credential is not None:
        who_column, who_value = "credential_hash", hash_credential(credential)
    elif user is not None and getattr(user, "is_authenticated", False):
        who_column, who_value = "user_id", user.pk
    else:
        raise PermissionDenied("Sign in, or use the link from your email, to vote.")
    tracker = new_tracker()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _lock_for_casting(ballot.pk, exclusive=False)
            # The hot path of a ballot under load, so plain SQL (the ORM's query building was a
            # fifth of the CPU a cast costs): read after the lock, in one query, the roll entry
            # and whether the ballot is still open; then the mark (its uniqueness refuses a
            # second vote) and the ballot, which holds nothing about the voter.
            cursor.execute(
                _ROLL_ENTRY_SQL[who_column],
                [
                    Ballot.State.OPEN,
                    connection.ops.adapt_datetimefield_value(timezone.now()),
                    who_value,
                    ballot.pk,
                ],
            )
            row = cursor.fetchone()
            is_open = bool(row[1]) if row is not None else _is_open(ballot.pk)
            if not is_open:
                raise DomainError("This ballot is not open for voting.")
            if row is None:
                raise PermissionDenied(
                    "This voting link is not valid: it may have been replaced by a newer one. Use the newest email, or sign in to vote."
                    if credential is not None
                    else "You are not on the roll for this ballot. If you think you should be, raise a challenge."
                )
            try:
                clean = tally.validate_paper(questions, answers)
            except ValueError as exc:
                raise DomainError(str(exc)) from None
            cursor.execute(_MARK_SQL, [_uuid_value(), row[0]])
            _store_ballot(cursor, ballot_id=ballot.pk, tracker=tracker, content=clean)
    except IntegrityError:
        Ballot.objects.filter(pk=ballot.pk).update(
            refused_second_attempts=F("refused_second_attempts") + 1
        )
        raise AlreadyVoted(
            "You have already voted in this ballot. Your vote was recorded once and has not been changed."
        ) from None
    return tracker


def voter_by_credential(ballot: Ballot, credential: str) -> User | None:
    """Whose credential this is (to email them their tracker after an API vote)."""
    entry = (
        RollEntry.objects.filter(ballot=ballot, credential_hash=hash_credential(credential))
        .select_related("user")
        .first()
    )
    return entry.user if entry is not None else None


def email_tracker(*, ballot: Ballot, voter: Any, tracker: str) -> None:
    """Email the voter their tracker code, from this process's memory.

    Never queued in the database: a queued task is a row holding the voter's address, the
    tracker and a timestamp — with the published board, a record of how they voted. It is sent
    outside the request (an SMTP exchange would hold up the vote); a failed or lost send loses
    only this copy of the code, which the voter was also shown."""
    from iskra.core.email import send_from_memory

    if voter is None or not getattr(voter, "email", ""):
        return
    try:
        send_from_memory(
            to=voter.email,
            template="ballots/email/tracker",
            context={
                "name": voter.full_name,
                "ballot": ballot.title,
                "tracker": tracker,
                "closes_at": when(ballot.closes_at),
                "ballot_url": reverse("ballots:detail", args=[ballot.pk]),
            },
        )
    except Exception:
        logger.warning("tracker email to a voter of ballot %s failed", ballot.pk)


def voted(ballot: Ballot, user: Any) -> bool | None:
    """The member's own roll status: None if not on the roll, else whether they voted."""
    entry = (
        RollEntry.objects.filter(ballot=ballot, user_id=getattr(user, "pk", None) or 0)
        .select_related("mark")
        .first()
    )
    if entry is None:
        return None
    return hasattr(entry, "mark")


# --- Challenges and extensions ------------------------------------------------------------------


@transaction.atomic
def raise_challenge(*, actor: Any, ballot: Ballot, reason: str) -> Challenge:
    if ballot.state != Ballot.State.OPEN:
        raise DomainError("Challenges are raised while the ballot is open.")
    if on_roll(actor, ballot):
        raise DomainError("You are on the roll already.")
    if not in_constituency_unit(actor, ballot):
        raise DomainError("Only members of the unit can challenge this roll.")
    if not reason.strip():
        raise DomainError(
            "Say why you believe you are entitled to vote (e.g. your workplace and job)."
        )
    try:
        with transaction.atomic():
            challenge = Challenge.objects.create(
                ballot=ballot, user=actor, reason=reason.strip(), created_at=timezone.now()
            )
    except IntegrityError:
        raise DomainError(
            "You have already raised a challenge; the scrutineer will decide it."
        ) from None
    record(actor=actor, action="ballot.challenge", obj=challenge, unit=ballot.unit)
    if ballot.scrutineer_id:
        notify(
            users=[ballot.scrutineer_id],
            kind="ballot.challenge",
            title=f"Roll challenge to decide: {ballot.title}",
            url=reverse("ballots:detail", args=[ballot.pk]),
        )
    return challenge


@transaction.atomic
def decide_challenge(*, actor: Any, challenge: Challenge, uphold: bool, reason: str) -> Challenge:
    challenge = (
        Challenge.objects.select_for_update()
        .select_related("ballot__unit", "user")
        .get(pk=challenge.pk)
    )
    ballot = challenge.ballot
    require(is_scrutineer(actor, ballot), "Only the scrutineer decides challenges.")
    if challenge.state != Challenge.State.PENDING:
        raise DomainError("This challenge has been decided.")
    if uphold and ballot.state != Ballot.State.OPEN:
        raise DomainError("The ballot has closed; nobody can be added to the roll now.")
    if not reason.strip():
        raise DomainError("Record the reason for the decision.")
    challenge.state = Challenge.State.UPHELD if uphold else Challenge.State.REJECTED
    challenge.decided_at = timezone.now()
    challenge.decision_reason = reason.strip()
    challenge.save(update_fields=["state", "decided_at", "decision_reason"])
    if uphold:
        entry = RollEntry.objects.create(
            ballot=ballot,
            user=challenge.user,
            credential_hash=hash_credential(secrets.token_urlsafe(24)),
            added_on_challenge=True,
        )
        Ballot.objects.filter(pk=ballot.pk).update(roll_size=F("roll_size") + 1)
        ballot_id, entry_id = ballot.pk, entry.pk
        transaction.on_commit(
            lambda: issue_credentials(ballot_id=ballot_id, roll_entry_ids=[entry_id])
        )
    record(
        actor=actor,
        action="ballot.challenge_decide",
        obj=challenge,
        unit=ballot.unit,
        data={"upheld": uphold, "reason": challenge.decision_reason},
    )
    return challenge


@transaction.atomic
def extend_ballot(*, actor: Any, ballot: Ballot, closes_at: datetime, reason: str) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(can_manage(actor, ballot), "Only officers of the unit extend a ballot.")
    now = timezone.now()
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= now:
        raise DomainError("Only an open ballot can be extended, before its closing time passes.")
    if closes_at <= ballot.closes_at:
        raise DomainError("A ballot can only be extended, never shortened.")
    if not reason.strip():
        raise DomainError("Record the reason for extending the ballot.")
    Extension.objects.create(
        ballot=ballot,
        old_closes_at=ballot.closes_at,
        new_closes_at=closes_at,
        reason=reason.strip(),
        by=actor,
        at=now,
    )
    old = ballot.closes_at
    ballot.closes_at = closes_at
    ballot.save(update_fields=["closes_at"])
    record(
        actor=actor,
        action="ballot.extend",
        obj=ballot,
        unit=ballot.unit,
        data={"from": old, "to": closes_at, "reason": reason.strip()},
    )
    return ballot


# --- Closing, counting, publishing --------------------------------------------------------------


def rule_for(ballot: Ballot) -> Any:
    opened = timezone.localtime(ballot.opened_at or ballot.opens_at).date()
    return tally.ballot_rule(
        ballot.preset,
        opened_on=opened,
        important_public_service=ballot.important_public_service,
        turnout_rule_repealed=ballot.turnout_rule_repealed,
    )


@transaction.atomic
def close_ballot(
    *, ballot_id: int, now: datetime | None = None, release_pages: bool = True
) -> bool:
    """Close a ballot whose time has come, count it and publish the board. Called by the worker;
    refuses to close early. Returns whether it closed.

    In the same transaction the marks and ballots are rewritten in a random order
    (``storage.rewrite_in_random_order``); after the commit the pages that held them in casting
    order are released (``compact_closed_ballots``; ``release_pages=False`` leaves that to the
    caller, which closes several at once)."""
    import random

    _lock_for_casting(ballot_id, exclusive=True)
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot_id)
    now = now or timezone.now()
    if ballot.state != Ballot.State.OPEN or ballot.closes_at > now:
        return False
    contents = list(CastBallot.objects.filter(ballot=ballot).values_list("tracker", "content"))
    # The board's order is random, so it says nothing about the order in which votes came.
    random.SystemRandom().shuffle(contents)
    hashes = tally.chain(str(ballot.pk), contents)
    BoardEntry.objects.bulk_create(
        [
            BoardEntry(ballot=ballot, position=i + 1, tracker=t, content=c, chain_hash=h)
            for i, ((t, c), h) in enumerate(zip(contents, hashes, strict=True))
        ],
        batch_size=5000,
    )
    result = tally.tally(
        questions=questions_data(ballot),
        contents=[c for _, c in contents],
        entitled=ballot.roll_size,
        rule=rule_for(ballot),
    )
    ballot.state = Ballot.State.CLOSED
    ballot.closed_at = now
    ballot.board_hash = hashes[-1] if hashes else tally.genesis(str(ballot.pk))
    result["board_hash"] = ballot.board_hash
    ballot.result = result
    ballot.save(update_fields=["state", "closed_at", "board_hash", "result"])
    record(
        actor=None,
        action="ballot.close",
        obj=ballot,
        unit=ballot.unit,
        data={
            "cast": result["cast"],
            "entitled": result["entitled"],
            "board_hash": ballot.board_hash,
        },
    )
    if ballot.motion_id is not None:
        _settle_motion(ballot, result)
    people = list(RollEntry.objects.filter(ballot=ballot).values_list("user_id", flat=True))
    notify(
        users=people,
        kind="ballot.result",
        title=f"Result: {ballot.title}",
        url=reverse("ballots:result", args=[ballot.pk]),
    )
    storage.rewrite_in_random_order(ballot.pk)
    if release_pages:
        transaction.on_commit(compact_closed_ballots, robust=True)
    return True


def compact_closed_ballots() -> int:
    """Release the pages that still hold closed ballots' marks and ballots in the order they
    were cast (``storage.release_old_pages``), and record it on those ballots. Runs after the
    close commits, and on every sweep of the worker until it succeeds. Returns how many ballots
    it settled."""
    if connection.in_atomic_block:
        # A VACUUM cannot run inside a transaction; the next sweep will do it.
        return 0
    pending = list(
        Ballot.objects.filter(
            state=Ballot.State.CLOSED, storage_compacted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if not pending or not storage.release_old_pages(pending):
        return 0
    return Ballot.objects.filter(pk__in=pending).update(storage_compacted_at=timezone.now())


def _settle_motion(ballot: Ballot, result: dict[str, Any]) -> None:
    """A motion put to this ballot is carried or lost by its yes/no question's result."""
    from iskra.decisions.services import record_decision
    from iskra.motions.models import Motion, MotionStatus
    from iskra.motions.services import transition

    assert ballot.motion_id is not None
    motion = (
        Motion.objects.select_for_update().select_related("body__unit").get(pk=ballot.motion_id)
    )
    if motion.status != MotionStatus.IN_DISCUSSION:
        return
    carried = bool(result["questions"] and result["questions"][0].get("passed"))
    transition(
        motion,
        to=MotionStatus.CARRIED if carried else MotionStatus.LOST,
        actor=None,
        reason=f"Decided by secret ballot: {ballot.title}",
    )
    if carried:
        record_decision(actor=None, motion=motion, vote=None)


@transaction.atomic
def put_motion_to_ballot(
    *,
    actor: Any,
    motion: Any,
    opens_at: datetime,
    closes_at: datetime,
    preset: str = Preset.SIMPLE_MAJORITY,
    of_body: bool = False,
) -> Ballot:
    """Decide a motion by secret ballot: of every member in good standing in the body's scope
    (an all-member ballot) or, for bodies whose rules require secret votes, of the body itself.
    The ballot is a draft for the officers to check, give a scrutineer and open."""
    from iskra.motions.models import Amendment, Motion, MotionStatus
    from iskra.motions.permissions import can_manage_motion

    motion = Motion.objects.select_for_update().select_related("body__unit").get(pk=motion.pk)
    require(can_manage_motion(actor, motion), "Only the body's officers put a motion to a ballot.")
    if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
        raise DomainError("Only an admitted motion can be put to a ballot.")
    if motion.amendments.filter(status=Amendment.Status.TABLED).exists():
        raise DomainError(
            "Amendments are decided before the motion: deal with the tabled amendments first."
        )
    if Ballot.objects.filter(motion=motion).exclude(state=Ballot.State.CLOSED).exists():
        raise DomainError("This motion already has a ballot.")
    if preset not in YES_NO_PRESETS:
        raise DomainError("A motion is decided by a yes/no ballot.")
    if motion.status == MotionStatus.ADMITTED:
        from iskra.motions.services import transition

        transition(motion, to=MotionStatus.IN_DISCUSSION, actor=actor, reason="Put to a ballot")
    ballot = create_ballot(
        actor=actor,
        unit=motion.body.unit,
        title=f"Ballot on the motion: {motion.title}",
        preset=preset,
        opens_at=opens_at,
        closes_at=closes_at,
        description=f"{motion.body.name} puts this motion to a secret ballot.",
        paper_text=motion.text,
        question=f"Do you support the motion “{motion.title}”?",
        constituency_body=motion.body if of_body else None,
    )
    ballot.motion = motion
    ballot.save(update_fields=["motion"])
    record(
        actor=actor,
        action="motion.to_ballot",
        obj=motion,
        unit=motion.body.unit,
        data={"ballot": ballot.pk},
    )
    return ballot


def close_due_ballots(*, now: datetime | None = None) -> int:
    """The worker's sweep: close every ballot whose time has come, then release the storage of
    every closed ballot not yet settled (one rebuild for all of them)."""
    now = now or timezone.now()
    due = Ballot.objects.filter(state=Ballot.State.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    )
    closed = sum(close_ballot(ballot_id=pk, now=now, release_pages=False) for pk in list(due))
    compact_closed_ballots()
    return closed


# --- What is published ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """Whether the bulletin board and the figures for each answer are published, and if not,
    why — in words for the members who read it."""

    breakdown: bool
    reason: str


def publication(ballot: Ballot) -> Publication:
    """The board and every breakdown of the count (figures per answer, blank answers, count
    sheets, threshold arithmetic) are published only if at least ``min_published_ballots``
    ballots were cast: with fewer, anyone who knows who voted (the scrutineer sees the roll;
    members talk) could tell how they voted. Turnout and the outcome are always published.
    (Iskra keeps no unit with a ballot, so there is no per-unit subtotal to withhold.)"""
    if ballot.state != Ballot.State.CLOSED:
        return Publication(False, NOT_YET_COUNTED)
    cast = int(ballot.result.get("cast", 0))
    minimum = ballot.min_published_ballots
    if cast >= minimum:
        return Publication(True, "")
    counted = (
        "No ballot was cast"
        if cast == 0
        else f"Only {cast} ballot{'s' if cast != 1 else ''} {'were' if cast != 1 else 'was'} cast"
    )
    return Publication(
        False,
        f"{counted}, fewer than this ballot's publication minimum of {minimum}: the bulletin "
        "board and the figures for each answer are withheld, because with so few ballots they "
        "would show how people voted. Turnout and the outcome are published.",
    )


NOT_YET_COUNTED = (
    "Results are published when the ballot closes; nothing is counted or shown before."
)


def board_is_public(ballot: Ballot) -> bool:
    return publication(ballot).breakdown


# What a withheld result keeps: turnout, the rule, the board's final hash, and each question's
# outcome.
_RESULT_ALWAYS = ("entitled", "cast", "turnout", "turnout_arithmetic", "rule", "board_hash")
_QUESTION_ALWAYS = ("question", "kind", "cast", "passed", "elected", "method")


def public_result(ballot: Ballot) -> dict[str, Any]:
    """The result as it may be shown: whole, or without its breakdown below the minimum (then
    with ``withheld`` giving the reason). The stored result keeps everything."""
    result: dict[str, Any] = ballot.result
    shown = publication(ballot)
    if shown.breakdown:
        return result
    return {
        **{k: result[k] for k in _RESULT_ALWAYS if k in result},
        "withheld": shown.reason,
        "questions": [
            {**{k: q[k] for k in _QUESTION_ALWAYS if k in q}, "withheld": True}
            for q in result.get("questions", [])
        ],
    }


@transaction.atomic
def sign_report(*, actor: Any, ballot: Ballot) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(is_scrutineer(actor, ballot), "Only the scrutineer signs the report.")
    if ballot.state != Ballot.State.CLOSED:
        raise DomainError("The report is signed after the count.")
    if ballot.report_signed_at is not None:
        raise DomainError("The report is already signed.")
    if ballot.challenges.filter(state=Challenge.State.PENDING).exists():
        raise DomainError("Decide every challenge before signing.")
    ballot.report_signed_at = timezone.now()
    ballot.report_signed_by = actor
    ballot.save(update_fields=["report_signed_at", "report_signed_by"])
    record(
        actor=actor,
        action="ballot.report_signed",
        obj=ballot,
        unit=ballot.unit,
        data={"board_hash": ballot.board_hash},
    )
    return ballot


def export(ballot: Ballot) -> dict[str, Any]:
    """The published record: definition, board with its chain, result. Enough to recount —
    when at least the publication minimum of ballots was cast; below it, the board is empty
    and the result has no breakdown (``public_result``)."""
    if ballot.state != Ballot.State.CLOSED:
        raise DomainError("A ballot is exported after its count.")
    public = board_is_public(ballot)
    return {
        "format": "iskra-ballot-export/1",
        "ballot": {
            "ref": str(ballot.pk),
            "title": ballot.title,
            "preset": ballot.preset,
            "opened_on": timezone.localtime(ballot.opened_at or ballot.opens_at).date().isoformat(),
            "important_public_service": ballot.important_public_service,
            "turnout_rule_repealed": ballot.turnout_rule_repealed,
            "entitled": ballot.roll_size,
            "min_published_ballots": ballot.min_published_ballots,
        },
        "questions": questions_data(ballot),
        "board_public": public,
        "board": [
            {"tracker": e.tracker, "content": e.content, "hash": e.chain_hash}
            for e in ballot.board.all()
        ]
        if public
        else [],
        "board_hash": ballot.board_hash,
        "result": public_result(ballot),
    }
