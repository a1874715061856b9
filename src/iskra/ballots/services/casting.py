"""Casting a vote: the mark on the roll and the ballot stored apart, in one transaction; the tracker email."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import tally
from iskra.ballots.dates import when
from iskra.ballots.models import (
    Ballot,
    RollEntry,
)
from iskra.ballots.services.common import (
    _lock_for_casting,
    hash_credential,
    logger,
    new_tracker,
    questions_data,
)
from iskra.core.errors import DomainError, PermissionDenied


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
    if ballot.sealed:
        raise DomainError(
            "This ballot is sealed: votes are encrypted in the voter's browser and posted to "
            "/api/v1/ballots/{id}/sealed/ballots (or cast on its voting page)."
        )
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
