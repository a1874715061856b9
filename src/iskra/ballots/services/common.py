"""What every verb of a ballot shares: credentials and trackers, the casting lock, the questions as the voter sees them."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from typing import Any

from django.db import connection

from iskra.ballots.models import (
    Ballot,
)
from iskra.ballots.permissions import can_manage
from iskra.core.errors import DomainError
from iskra.organisation.permissions import require

logger = logging.getLogger("iskra.ballots.services")

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


def _lock_draft(actor: Any, ballot: Ballot) -> Ballot:
    """The draft ballot, locked for a change, once the actor is known to be allowed it."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    require(can_manage(actor, ballot), "Only officers of the unit change this ballot.")
    if ballot.state != Ballot.State.DRAFT:
        raise DomainError("An opened ballot cannot be changed.")
    return ballot


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
