"""Filling a seat that a recall or a vote of no confidence left vacant: the elected substitute
takes it, or a by-election takes nominations from the constituency and then its ballot.

- ``fill_vacancy``: a current substitute who is still a member in good standing of the
  constituency takes the seat (recorded with no actor: the rules decided); otherwise a
  by-election is drafted (``draft_by_election``) with a nominations period
  (``Body.nomination_days``).
- Members of the constituency nominate (themselves, or another member, who accepts); the
  nominee may withdraw until nominations close.
- The worker's sweep (``close_due_nominations``) closes nominations on time: the accepted
  nominees become the draft ballot's candidates (a yes/no question for a single candidate, so
  the constituency can still say no) and the unit's officers are told to appoint its scrutineer
  and open it. With nobody nominated, nominations stay open for another period.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots.models import Ballot, Question
from iskra.ballots.services import add_question_by_rule
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify, notify_members_under
from iskra.meetings.services import body_members, is_body_member
from iskra.members.models import Membership, Status
from iskra.organisation.models import Seat, SeatHolding
from iskra.organisation.selectors import unit_officer_holdings
from iskra.organisation.services import appoint_by_rule
from iskra.representation.models import ByElection, Nomination, Substitute
from iskra.representation.services import _ballot_place, draft_by_election


def in_constituency(user: Any, seat: Seat) -> bool:
    """A member in good standing of the seat's constituency (the members of its unit, or the
    members of the body that elects it)."""
    unit, body = _ballot_place(seat)
    if body is not None:
        return is_body_member(user, body)
    return Membership.objects.filter(
        user_id=getattr(user, "pk", None) or 0,
        status=Status.MEMBER,
        unit__path__startswith=unit.path,
    ).exists()


def current_substitute(seat: Seat) -> Substitute | None:
    return (
        Substitute.objects.filter(seat=seat, ended_at__isnull=True).select_related("member").first()
    )


def record_substitute(*, actor: Any, holding: SeatHolding, member: User) -> Substitute:
    """The substitute elected with the holder (called with the election's record, whose
    permission it shares); an earlier substitute for the seat stands down."""
    seat = holding.seat
    if member.pk == holding.holder_id:
        raise DomainError("The substitute is someone other than the holder.")
    if not in_constituency(member, seat):
        raise DomainError(
            "The substitute named is not a member in good standing of the constituency."
        )
    now = timezone.now()
    Substitute.objects.filter(seat=seat, ended_at__isnull=True).update(ended_at=now)
    substitute = Substitute.objects.create(
        seat=seat, member=member, elected_with=holding, recorded_at=now
    )
    record(
        actor=actor,
        action="seat.substitute",
        obj=holding,
        unit=seat.body.unit,
        data={"seat": seat.pk, "substitute": member.pk},
    )
    return substitute


def fill_vacancy(seat: Seat, *, why: str, created_by: User) -> Ballot | None:
    """The seat fell vacant (``why``): its elected substitute takes it, or a by-election is
    drafted. Returns the by-election's ballot, or None when the substitute took the seat."""
    substitute = current_substitute(seat)
    if substitute is not None and in_constituency(substitute.member, seat):
        holding = appoint_by_rule(actor=None, seat=seat, holder=substitute.member)
        substitute.ended_at = timezone.now()
        substitute.took_seat = holding
        substitute.save(update_fields=["ended_at", "took_seat"])
        record(
            actor=None,
            action="seat.substitute_took",
            obj=holding,
            unit=seat.body.unit,
            data={"seat": seat.pk, "holder": substitute.member_id, "why": why},
        )
        notify(
            users=[substitute.member_id],
            kind="recall.substitute",
            title=f"{why}: as the elected substitute, you now hold {seat.title}",
            url=reverse("representation:record", args=[holding.pk]),
        )
        return None
    return draft_by_election(seat, why=why, created_by=created_by)


def open_nominations(seat: Seat, ballot: Ballot, *, why: str) -> ByElection:
    """The drafted by-election takes nominations for the body's days; its ballot is planned to
    open the day after they close. The constituency is told."""
    days = seat.body.nomination_days
    close_on = timezone.localdate() + timedelta(days=days)
    opens = timezone.now() + timedelta(days=days + 1)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=opens, closes_at=opens + timedelta(days=7))
    by_election = ByElection.objects.create(
        seat=seat,
        ballot=ballot,
        why=why[:300],
        nominations_close_on=close_on,
        created_at=timezone.now(),
    )
    unit, body = _ballot_place(seat)
    url = reverse("representation:by_election", args=[by_election.pk])
    title = f"Nominations are open for {seat.title} until {close_on:%-d %B}"
    if body is not None:
        notify(
            users=list(body_members(body).values_list("pk", flat=True)),
            kind="recall.nominations",
            title=title,
            url=url,
        )
    else:
        notify_members_under(path=unit.path, kind="recall.nominations", title=title, url=url)
    record(
        actor=None,
        action="by_election.nominations",
        obj=ballot,
        unit=unit,
        data={"seat": seat.pk, "close_on": close_on.isoformat()},
    )
    return by_election


def _lock(by_election: ByElection) -> ByElection:
    return (
        ByElection.objects.select_for_update(of=("self",))
        .select_related("seat__body__unit", "seat__constituency_unit", "seat__constituency_body")
        .get(pk=by_election.pk)
    )


def _check_open(by_election: ByElection) -> None:
    if (
        by_election.state != ByElection.State.NOMINATING
        or timezone.localdate() > by_election.nominations_close_on
    ):
        raise DomainError("Nominations for this by-election have closed.")


@transaction.atomic
def nominate(*, actor: Any, by_election: ByElection, nominee: User) -> Nomination:
    """A member of the constituency nominates a candidate; nominating oneself stands at once,
    another member is asked to accept."""
    by_election = _lock(by_election)
    seat = by_election.seat
    if not in_constituency(actor, seat):
        raise PermissionDenied(f"Only members of the constituency of {seat.title} nominate.")
    _check_open(by_election)
    if not in_constituency(nominee, seat):
        raise DomainError("The person named is not a member in good standing of the constituency.")
    now = timezone.now()
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                by_election=by_election,
                nominee=nominee,
                nominated_by=actor,
                at=now,
                accepted_at=now if nominee.pk == actor.pk else None,
            )
    except IntegrityError:
        raise DomainError(f"{nominee} is already nominated.") from None
    record(
        actor=actor,
        action="by_election.nominate",
        obj=by_election.ballot,
        unit=seat.body.unit,
        data={"by_election": by_election.pk, "nominee": nominee.pk},
    )
    if nominee.pk != actor.pk:
        notify(
            users=[nominee],
            kind="recall.nominated",
            title=f"{actor} has nominated you for {seat.title}: accept or decline",
            url=reverse("representation:by_election", args=[by_election.pk]),
        )
    return nomination


def _nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("nominee").get(pk=nomination.pk)


@transaction.atomic
def accept_nomination(*, actor: Any, nomination: Nomination) -> Nomination:
    by_election = _lock(nomination.by_election)
    nomination = _nomination(nomination)
    if nomination.nominee_id != actor.pk:
        raise PermissionDenied("Only the nominee accepts their nomination.")
    _check_open(by_election)
    if nomination.withdrawn_at is not None:
        raise DomainError("This nomination was withdrawn.")
    if nomination.accepted_at is not None:
        raise DomainError("You have already accepted.")
    nomination.accepted_at = timezone.now()
    nomination.save(update_fields=["accepted_at"])
    record(
        actor=actor,
        action="by_election.accept",
        obj=by_election.ballot,
        unit=by_election.seat.body.unit,
        data={"by_election": by_election.pk, "nominee": actor.pk},
    )
    return nomination


@transaction.atomic
def withdraw_nomination(*, actor: Any, nomination: Nomination) -> Nomination:
    """The nominee declines or withdraws (until nominations close); whoever nominated them may
    withdraw it until they accept."""
    by_election = _lock(nomination.by_election)
    nomination = _nomination(nomination)
    nominee = nomination.nominee_id == actor.pk
    if not nominee and not (
        nomination.nominated_by_id == actor.pk and nomination.accepted_at is None
    ):
        raise PermissionDenied(
            "Only the nominee, or who nominated them before they accept, withdraws it."
        )
    _check_open(by_election)
    if nomination.withdrawn_at is not None:
        raise DomainError("This nomination was already withdrawn.")
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["withdrawn_at"])
    record(
        actor=actor,
        action="by_election.withdraw",
        obj=by_election.ballot,
        unit=by_election.seat.body.unit,
        data={"by_election": by_election.pk, "nominee": nomination.nominee_id},
    )
    return nomination


def standing(by_election: ByElection) -> list[Nomination]:
    """The accepted nominations that stand, by name."""
    return list(
        by_election.nominations.filter(accepted_at__isnull=False, withdrawn_at__isnull=True)
        .select_related("nominee")
        .order_by("nominee__full_name", "pk")
    )


def _labels(nominations: list[Nomination]) -> list[str]:
    """The ballot's option for each candidate: their name; two of one name are told apart by
    their unit (and, failing that, a number), as a ballot's options must differ."""
    names = [n.nominee.full_name for n in nominations]
    labels: list[str] = []
    for n, name in zip(nominations, names, strict=True):
        if names.count(name) > 1:
            unit = (
                Membership.objects.filter(user_id=n.nominee_id)
                .values_list("unit__name", flat=True)
                .first()
            )
            name = f"{name} ({unit})" if unit else name
        while name in labels:
            name = f"{name} ({len(labels) + 1})"
        labels.append(name)
    return labels


def close_due_nominations() -> int:
    """The worker's sweep: by-elections whose nominations closed before today get their
    candidates (or another period, with nobody nominated). Returns how many closed."""
    closed = 0
    due = ByElection.objects.filter(
        state=ByElection.State.NOMINATING, nominations_close_on__lt=timezone.localdate()
    )
    for by_election in due.order_by("pk"):
        with transaction.atomic():
            by_election = _lock(by_election)
            if by_election.state != ByElection.State.NOMINATING:
                continue
            closed += _close(by_election)
    return closed


def _close(by_election: ByElection) -> int:
    seat = by_election.seat
    unit, _body = _ballot_place(seat)
    officers = list(unit_officer_holdings(unit).values_list("holder_id", flat=True).distinct())
    url = reverse("representation:by_election", args=[by_election.pk])
    candidates = _labels(standing(by_election))
    if not candidates:
        by_election.nominations_close_on = timezone.localdate() + timedelta(
            days=seat.body.nomination_days
        )
        by_election.save(update_fields=["nominations_close_on"])
        record(
            actor=None,
            action="by_election.no_nominations",
            obj=by_election.ballot,
            unit=unit,
            data={
                "by_election": by_election.pk,
                "reopened_until": str(by_election.nominations_close_on),
            },
        )
        notify(
            users=officers,
            kind="recall.nominations",
            title=f"Nobody was nominated for {seat.title}: nominations are open again",
            url=url,
        )
        return 0
    if len(candidates) == 1:
        add_question_by_rule(
            ballot=by_election.ballot,
            kind=Question.Kind.YES_NO,
            text=f"Should {candidates[0]} hold {seat.title}?",
            options=["Yes", "No"],
        )
    else:
        add_question_by_rule(
            ballot=by_election.ballot,
            kind=Question.Kind.STV,
            text=f"Who should hold {seat.title}?",
            options=candidates,
            seats=1,
        )
    by_election.state = ByElection.State.BALLOT
    by_election.save(update_fields=["state"])
    record(
        actor=None,
        action="by_election.candidates",
        obj=by_election.ballot,
        unit=unit,
        data={"by_election": by_election.pk, "candidates": candidates},
    )
    notify(
        users=officers,
        kind="recall.nominations",
        title=f"Nominations for {seat.title} closed with {len(candidates)} candidate"
        f"{'s' if len(candidates) != 1 else ''}: appoint a scrutineer and open the ballot",
        url=reverse("ballots:detail", args=[by_election.ballot_id]),
    )
    return 1
