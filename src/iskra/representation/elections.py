"""Recording a seat's election: the holder elected by a ballot of the seat's constituency (its
declared result names them) or at a meeting of it, kept with the holding (``Election``).

Who records it: the officers who manage the seat's body, or — for a delegate's seat — the
officers of the unit the delegate represents (the branch secretary sends in the branch's
delegates). The appointment itself is the organisation's (its reserved-place check included)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.ballots.models import Ballot
from iskra.core.errors import DomainError
from iskra.core.web import FieldError
from iskra.meetings.models import Meeting
from iskra.members.models import Membership, Status
from iskra.organisation.models import Seat, SeatHolding, Unit
from iskra.organisation.permissions import require
from iskra.organisation.services import appoint_by_rule
from iskra.representation.models import Election
from iskra.representation.permissions import can_record_election
from iskra.representation.services import _ballot_place


def electing_unit(seat: Seat) -> Unit:
    return _ballot_place(seat)[0]


def constituency_members(seat: Seat) -> Any:
    """The members in good standing of the seat's constituency, by name (whom it elects)."""
    from iskra.accounts.models import User
    from iskra.meetings.services import body_members

    unit, body = _ballot_place(seat)
    if body is not None:
        members = body_members(body).filter(membership__status=Status.MEMBER)
    else:
        members = User.objects.filter(
            membership__unit__path__startswith=unit.path, membership__status=Status.MEMBER
        )
    return members.order_by("full_name", "pk")


def ballots_for(seat: Seat) -> list[Ballot]:
    """The counted ballots of the seat's constituency that elected someone, newest first."""
    unit, body = _ballot_place(seat)
    found = Ballot.objects.filter(unit=unit, state=Ballot.State.CLOSED)
    found = found.filter(constituency_body=body) if body else found
    return [b for b in found.order_by("-closed_at")[:50] if elected_names(b)]


def meetings_for(seat: Seat) -> list[Meeting]:
    """The meetings of the constituency's bodies that have been held, newest first."""
    unit = electing_unit(seat)
    return list(
        Meeting.objects.filter(
            body__unit=unit, status__in=[Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED]
        )
        .select_related("body")
        .order_by("-starts_at")[:50]
    )


def elected_names(ballot: Ballot) -> list[str]:
    questions = (ballot.result or {}).get("questions") or []
    return [name for q in questions for name in (q.get("elected") or [])]


def _named(holder: Any, names: list[str]) -> bool:
    """Whether one of the ballot's elected options names the holder (their full name, alone or
    followed by more: "Ann Lee (Riverside)")."""
    mine = " ".join(str(holder.full_name).split()).casefold()
    for name in names:
        label = " ".join(name.split()).casefold()
        if mine and (label == mine or label.startswith(mine + " ")):
            return True
    return False


@transaction.atomic
def record_election(
    *,
    actor: Any,
    seat: Seat,
    holder: Any,
    ballot: Ballot | None = None,
    meeting: Meeting | None = None,
    started_on: date | None = None,
    substitute: Any = None,
) -> SeatHolding:
    """The holder now holds the seat, elected by ``ballot`` or at ``meeting``; the election is
    kept with the holding, and ``substitute``, where one was elected with them. Refused, writing nothing, when the ballot is not the constituency's,
    is not counted or did not elect them, or the meeting is not the constituency's or has not
    been held."""
    seat = Seat.objects.select_related("body__unit", "constituency_body__unit").get(pk=seat.pk)
    require(
        can_record_election(actor, seat),
        f"Only officers of {seat.body.unit.name} (or, for a delegate, of the unit they "
        "represent) record who was elected.",
    )
    unit, body = _ballot_place(seat)
    if not Membership.objects.filter(
        user_id=holder.pk, status=Status.MEMBER, unit__path__startswith=unit.path
    ).exists():
        # Not named: the id may be anyone's, whom this person may not know.
        raise FieldError(
            "holder", "The person named is not a member in good standing of the constituency."
        )
    if (ballot is None) == (meeting is None):
        raise FieldError("how", "Say whether they were elected by a ballot or at a meeting.")
    if ballot is not None:
        if ballot.unit_id != unit.pk or (
            body is not None and ballot.constituency_body_id != body.pk
        ):
            # Not named: it may be another unit's, which this person may not see.
            raise FieldError(
                "ballot", f"That is not a ballot of {body.name if body else unit.name}."
            )
        if ballot.state != Ballot.State.CLOSED:
            raise FieldError("ballot", f"“{ballot.title}” has not been counted yet.")
        names = elected_names(ballot)
        if not _named(holder, names):
            raise FieldError(
                "holder",
                f"“{ballot.title}” elected {', '.join(names) or 'nobody'}: {holder} is not among "
                "them.",
            )
        if (
            Election.objects.filter(
                ballot=ballot, holding__holder=holder, holding__seat__body=seat.body
            )
            .filter(holding__ended_on__isnull=True)
            .exists()
        ):
            raise FieldError(
                "holder", f"{holder} already holds a seat of {seat.body.name} by this ballot."
            )
    if meeting is not None:
        if meeting.body.unit_id != unit.pk:
            raise FieldError("meeting", f"That is not a meeting of {unit.name}.")
        if meeting.status == Meeting.Status.SCHEDULED:
            raise FieldError("meeting", f"“{meeting.title}” has not been held yet.")
        from iskra.meetings.services import quorum

        q = quorum(meeting)
        if not q.met:
            raise FieldError(
                "meeting",
                f"“{meeting.title}” was not quorate ({q.present} present, {q.required} needed): "
                "it could not elect anyone. Record who was there on its register first.",
            )
    start = started_on or timezone.localdate()
    held_on = (
        timezone.localtime(ballot.closed_at).date()
        if ballot is not None and ballot.closed_at
        else timezone.localtime(meeting.starts_at).date()
        if meeting is not None
        else start
    )
    if start < held_on:
        raise FieldError("started_on", "The term starts on or after the day of the election.")
    holding = appoint_by_rule(actor=actor, seat=seat, holder=holder, started_on=start)
    if substitute is not None:
        # Elected with them: takes the seat if it falls vacant by recall or no confidence.
        from iskra.representation.byelections import record_substitute

        try:
            record_substitute(actor=actor, holding=holding, member=substitute)
        except DomainError as exc:
            raise FieldError("substitute", exc.message) from None
    election = Election.objects.create(
        holding=holding,
        ballot=ballot,
        meeting=meeting,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record(
        actor=actor,
        action="seat.elected",
        obj=holding,
        unit=seat.body.unit,
        data={
            "seat": seat.pk,
            "holder": holder.pk,
            "ballot": election.ballot_id,
            "meeting": election.meeting_id,
        },
    )
    return holding
