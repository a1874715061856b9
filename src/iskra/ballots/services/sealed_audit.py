"""Benaloh's audit reported (docs/sealed.md, "Benaloh's audit"): a voter's browser that
encrypted a ballot and then opened it to check it tells the server the ballot's tracker, so
that the server refuses ever to cast it (``cast_sealed``) and the export lists it under
``"audited"`` for ``iskra ballot verify`` to check that none of them is on the board.

Only the tracker is sent: not the answers, not the randomness (the audit is checked in the
voter's browser; the answers would tell the server how that voter meant to vote). Reporting
takes a signed-in voter on the roll and is limited per person in the cache; the stored row
holds no person and no time (``SealedAudit``), and no audit log entry is written, since it
would say who audited when."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from iskra.ballots.models import Ballot, SealedAudit
from iskra.ballots.permissions import on_roll
from iskra.core import ratelimit
from iskra.core.errors import DomainError, PermissionDenied

# A tracker: base64url without padding of a SHA-256 digest.
TRACKER = re.compile(r"[A-Za-z0-9_-]{43}")
# Audits one voter may report in an hour on one ballot: a careful voter audits a few times;
# the limit keeps one person from filling the record with made-up trackers.
AUDITS_PER_HOUR = 20


@transaction.atomic
def report_audit(*, actor: Any, ballot: Ballot, tracker: str) -> SealedAudit:
    """Record that the ballot with this tracker was audited: it can never be cast. Refused
    for a tracker already on the board (it was cast: it cannot have been audited by an honest
    browser, and listing it would only make the record fail verification)."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not ballot.sealed:
        raise DomainError("Only a sealed ballot's encryptions are audited.")
    if not on_roll(actor, ballot):
        raise PermissionDenied("Only voters on the roll report an audit.")
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= timezone.now():
        raise DomainError("An audit is reported while the ballot is open.")
    if not isinstance(tracker, str) or not TRACKER.fullmatch(tracker):
        raise DomainError("That is not a ballot's tracker (43 letters, digits, - and _).")
    if ballot.sealed_board.filter(tracker=tracker).exists():
        raise DomainError("That ballot has been cast: a cast ballot is not an audited one.")
    if not ratelimit.allow(
        "sealed-audit", f"{ballot.pk}:{actor.pk}", limit=AUDITS_PER_HOUR, window=3600
    ):
        raise DomainError("Too many audits reported in the last hour; try again later.")
    audit, _ = SealedAudit.objects.get_or_create(ballot=ballot, tracker=tracker)
    return audit


def audited_trackers(ballot: Ballot) -> list[str]:
    """The audited trackers, sorted (their order says nothing about when they came)."""
    return sorted(ballot.sealed_audits.values_list("tracker", flat=True))
