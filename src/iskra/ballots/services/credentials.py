"""Issuing voters their one-time links (and a sealed ballot's reminders): what the
``send_credentials`` task runs. It imports neither the tasks nor the verbs that queue them."""

from __future__ import annotations

import secrets

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from iskra.ballots.dates import when
from iskra.ballots.models import Ballot, DeliveryFailure, RollEntry
from iskra.ballots.services.common import hash_credential
from iskra.core.email import send_now


def issue_credentials(*, ballot_id: int, roll_entry_ids: list[int], reminder: bool = False) -> int:
    """Give each voter among ``roll_entry_ids`` who has not voted a new one-time link (only its
    hash is kept) and email it. Returns how many were sent (the task that calls this keeps no
    figure: see ``tasks.send_credentials``).

    A reminder issues a new link too; the earlier one stops working, and the email says so.
    """
    ballot = Ballot.objects.select_related("unit").get(pk=ballot_id)
    if ballot.state != Ballot.State.OPEN:
        return 0
    if ballot.sealed:
        return _remind_sealed(ballot, roll_entry_ids) if reminder else 0
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
            DeliveryFailure.objects.create(
                ballot=ballot, roll_entry=entry, error=str(exc)[:300], at=timezone.now()
            )
    return sent


def _remind_sealed(ballot: Ballot, roll_entry_ids: list[int]) -> int:
    """A sealed ballot's reminder goes to everyone on the roll: the server cannot tell who has
    voted (a ballot carries an anonymous credential), and must not try. It carries no
    credential and no link of its own: when the ballot closes, and to vote with the credential
    the credential authority sent."""
    entries = list(RollEntry.objects.filter(pk__in=roll_entry_ids).select_related("user"))
    closes_at = when(ballot.closes_at)
    page = reverse("ballots:vote", args=[ballot.pk])
    sent = 0
    for entry in entries:
        try:
            send_now(
                to=entry.user.email,
                template="ballots/email/sealed_reminder",
                context={
                    "name": entry.user.full_name,
                    "ballot": ballot.title,
                    "closes_at": closes_at,
                    "page": page,
                },
            )
            sent += 1
        except Exception as exc:
            DeliveryFailure.objects.create(
                ballot=ballot, roll_entry=entry, error=str(exc)[:300], at=timezone.now()
            )
    return sent
