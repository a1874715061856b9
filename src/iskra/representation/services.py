"""Recall at any time: start a petition, reply to it, sign it, withdraw a signature; at the
threshold the recall ballot opens by itself; its count ends the holding or not.

The rules are the seat's body's standing orders (``recall_*``), copied onto the petition when
it starts, so that a later change does not move its goalposts.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots.models import Ballot
from iskra.ballots.permissions import holds_office_in
from iskra.ballots.services.setup import open_by_rule
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.notifications import notify, notify_selected
from iskra.core.words import visible
from iskra.meetings.services import body_members
from iskra.members.models import Membership, Status
from iskra.organisation.models import Body, Seat, SeatHolding, Unit
from iskra.organisation.services import end_holding_by_rule
from iskra.representation import gathering
from iskra.representation.models import RecallEligible, RecallPetition, RecallSignature

MAX_REASON = 5_000
MAX_REPLY = 5_000


def constituency(holding: SeatHolding) -> QuerySet[Membership]:
    """The memberships in good standing of those who elect this seat: the members of its
    constituency body, or of its constituency unit and the units below."""
    seat = holding.seat
    members = Membership.objects.filter(status=Status.MEMBER, user__is_active=True)
    if seat.constituency_body is not None:
        return members.filter(user__in=body_members(seat.constituency_body).values("pk"))
    if seat.constituency_unit is not None:
        return members.filter(unit__path__startswith=seat.constituency_unit.path)
    raise DomainError(
        f"The seat “{seat.title}” has no constituency recorded, so nobody can petition for a "
        "recall: its officers record who elects it first."
    )


def required_signatures(eligible: int, percent: int) -> int:
    """The signatures that open the recall ballot: ``percent`` of those who may sign, rounded
    up, at least one."""
    return max(1, math.ceil(eligible * percent / 100))


def _ballot_place(seat: Seat) -> tuple[Unit, Body | None]:
    """The unit and, if the seat's constituency is a body, the body of its ballots."""
    if seat.constituency_body is not None:
        return seat.constituency_body.unit, seat.constituency_body
    if seat.constituency_unit is not None:
        return seat.constituency_unit, None
    raise DomainError(f"The seat “{seat.title}” has no constituency recorded.")


# A petition still deciding: gathering signatures, or at its threshold (a ballot or a meeting).
LIVE = [RecallPetition.State.OPEN, RecallPetition.State.BALLOT, RecallPetition.State.MEETING]


def live_petition(holding: SeatHolding) -> RecallPetition | None:
    return (
        RecallPetition.objects.filter(holding=holding, state__in=LIVE)
        .order_by("-started_at")
        .first()
    )


def _url(petition: RecallPetition) -> str:
    return reverse("representation:petition", args=[petition.pk])


def _holding(holding: SeatHolding) -> SeatHolding:
    return (
        SeatHolding.objects.select_for_update(of=("self",))
        .select_related("seat__body__unit", "seat__constituency_unit", "holder")
        .get(pk=holding.pk)
    )


@transaction.atomic
def start_petition(*, actor: Any, holding: SeatHolding, reason: str) -> RecallPetition:
    """A member of the seat's constituency starts a petition to recall its holder, with the
    reason; it counts as their signature. Who may sign is fixed today."""
    holding = _holding(holding)
    seat, body = holding.seat, holding.seat.body
    if holding.ended_on is not None:
        raise DomainError(f"{holding.holder.full_name}'s term as {seat.title} has ended.")
    members = constituency(holding)
    mine = members.filter(user_id=getattr(actor, "pk", None) or 0).values_list("unit_id", flat=True)
    actor_unit = mine.first()
    if actor_unit is None:
        raise PermissionDenied(
            f"Only members of the constituency that elects {seat.title} can start its recall."
        )
    if actor.pk == holding.holder_id:
        raise PermissionDenied("You cannot petition for your own recall: you can resign instead.")
    if not visible(reason):
        raise DomainError("Say why the holder should be recalled: the members will read it.")
    if len(reason) > MAX_REASON:
        raise DomainError(f"The reason is too long: {MAX_REASON} characters at most.")
    if body.recall_by == Body.RecallBy.MEETING:
        from iskra.representation.no_confidence import deciding_body

        deciding_body(seat)  # a meeting to decide it must exist before members sign
    today = timezone.localdate()
    try:
        with transaction.atomic():
            petition = RecallPetition.objects.create(
                holding=holding,
                started_by=actor,
                reason=reason.strip(),
                started_at=timezone.now(),
                closes_on=today + timedelta(days=body.recall_period_days),
                eligible=0,
                required=1,
                spread_units=body.recall_spread_units,
            )
    except IntegrityError:
        raise DomainError(
            f"A petition to recall {holding.holder.full_name} is already under way: sign it "
            "instead."
        ) from None
    # Who may sign, fixed today: one INSERT … SELECT (100 000 members in one statement).
    eligible = gathering.fix_eligible(RecallEligible, petition, members)
    petition.eligible = eligible
    petition.required = required_signatures(eligible, body.recall_threshold_percent)
    petition.save(update_fields=["eligible", "required"])
    record(
        actor=actor,
        action="recall.start",
        obj=petition,
        unit=body.unit,
        data={
            "holding": holding.pk,
            "seat": seat.pk,
            "eligible": eligible,
            "required": petition.required,
            "spread_units": petition.spread_units,
            "closes_on": petition.closes_on,
        },
    )
    url = _url(petition)
    notify(
        users=[holding.holder_id],
        kind="recall.started",
        title=f"A petition to recall you as {seat.title} has started: you may reply beside it",
        url=url,
    )
    notify_selected(
        users=RecallEligible.objects.filter(petition=petition)
        .exclude(user_id__in=[actor.pk, holding.holder_id])
        .values_list("user_id", flat=True),
        kind="recall.started",
        title=f"Petition to recall {holding.holder.full_name} as {seat.title}",
        url=url,
    )
    _add_signature(petition, actor, actor_unit)
    return petition


@transaction.atomic
def reply(*, actor: Any, petition: RecallPetition, text: str) -> RecallPetition:
    """The holder's reply, shown beside the reason (they may change it while it is live)."""
    petition = _lock(petition)
    if getattr(actor, "pk", None) != petition.holding.holder_id:
        raise PermissionDenied("Only the holder of the seat replies to its recall petition.")
    if petition.state not in LIVE:
        raise DomainError("This petition has ended.")
    if not visible(text):
        raise DomainError("Write your reply.")
    if len(text) > MAX_REPLY:
        raise DomainError(f"The reply is too long: {MAX_REPLY} characters at most.")
    petition.reply = text.strip()
    petition.replied_at = timezone.now()
    petition.save(update_fields=["reply", "replied_at"])
    record(
        actor=actor,
        action="recall.reply",
        obj=petition,
        unit=petition.holding.seat.body.unit,
        data={"petition": petition.pk},
    )
    return petition


def _lock(petition: RecallPetition) -> RecallPetition:
    return (
        RecallPetition.objects.select_for_update(of=("self",))
        .select_related("holding__seat__body__unit", "holding__holder")
        .get(pk=petition.pk)
    )


def _refuse_unless_gathering(petition: RecallPetition, doing: str) -> None:
    gathering.refuse_if_lapsed(petition, doing)
    if petition.state == RecallPetition.State.BALLOT:
        raise DomainError(
            f"The petition reached its threshold and the recall ballot decides now: {doing} "
            "is over."
        )
    if petition.state == RecallPetition.State.MEETING:
        raise DomainError(
            f"The petition reached its threshold and the next meeting decides now: {doing} is over."
        )
    if petition.state != RecallPetition.State.OPEN:
        raise DomainError(f"The petition has ended: {doing} is over.")


@transaction.atomic
def sign(*, actor: Any, petition: RecallPetition) -> RecallPetition:
    """Sign (or sign again after withdrawing). Only members of the constituency on the day the
    petition started; never twice (a unique constraint)."""
    petition = _lock(petition)
    _refuse_unless_gathering(petition, "signing")
    unit_id = gathering.eligible_unit(RecallEligible, petition, actor)
    if unit_id is not None and not gathering.in_good_standing(actor):
        raise PermissionDenied(
            "Only members in good standing sign: yours has lapsed or is suspended."
        )
    if unit_id is None:
        raise PermissionDenied(
            "Only members of the seat's constituency on "
            f"{timezone.localtime(petition.started_at):%-d %B %Y}, when the petition started, "
            "can sign it."
        )
    if actor.pk == petition.holding.holder_id:
        raise PermissionDenied("You cannot sign the petition for your own recall.")
    return _add_signature(petition, actor, unit_id)


def _add_signature(petition: RecallPetition, actor: Any, unit_id: int) -> RecallPetition:
    gathering.add_signature(
        RecallSignature,
        petition,
        actor,
        unit_id,
        action="recall.sign",
        unit=petition.holding.seat.body.unit,
    )
    _check_threshold(petition)
    return petition


@transaction.atomic
def withdraw(*, actor: Any, petition: RecallPetition) -> RecallPetition:
    """Take a signature back, while the petition is gathering signatures."""
    petition = _lock(petition)
    _refuse_unless_gathering(petition, "withdrawing a signature")
    gathering.withdraw_signature(
        RecallSignature,
        petition,
        actor,
        action="recall.withdraw",
        unit=petition.holding.seat.body.unit,
    )
    return petition


def signed_units(petition: RecallPetition) -> int:
    """How many units the live signatures come from (for the spread rule)."""
    return gathering.signed_units(RecallSignature, petition)


def has_signed(user: Any, petition: RecallPetition) -> bool:
    return gathering.has_signed(RecallSignature, user, petition)


def _check_threshold(petition: RecallPetition) -> None:
    if gathering.reached(RecallSignature, petition):
        if petition.holding.seat.body.recall_by == Body.RecallBy.MEETING:
            from iskra.representation.recall_meeting import put_to_meeting

            put_to_meeting(petition)
        else:
            _open_recall_ballot(petition)


def _decide(petition: RecallPetition, *, carried: bool, reason: str, data: dict[str, Any]) -> None:
    """The constituency decided (a ballot, a meeting): carried, the holding ends with
    ``reason`` and the seat is filled (its substitute, or a by-election); lost, the holder
    stays. Recorded with no actor and with what decided it (``data``)."""
    holding = petition.holding
    petition.ended_at = timezone.now()
    if carried:
        end_holding_by_rule(holding=holding, reason=reason, data={**data, "petition": petition.pk})
        petition.state = RecallPetition.State.RECALLED
        petition.by_election = _draft_by_election(petition)
    else:
        petition.state = RecallPetition.State.NOT_RECALLED
    petition.save(update_fields=["state", "ended_at", "by_election"])
    record(
        actor=None,
        action="recall.recalled" if carried else "recall.not_recalled",
        obj=petition,
        unit=holding.seat.body.unit,
        data={"petition": petition.pk, **data},
    )


def draw_scrutineer(petition: RecallPetition, ballot_unit: Any) -> User:
    """The recall ballot's scrutineer, drawn by lot (nobody's choice, so neither the holder's
    friends nor the petitioners'): a member of the constituency who did not sign and holds no
    office in the ballot's unit; failing that, any member of the organisation outside it."""
    holder_id = petition.holding.holder_id
    signers = RecallSignature.objects.filter(petition=petition).values("signer_id")
    pool = list(
        RecallEligible.objects.filter(petition=petition)
        .exclude(user_id__in=signers)
        .exclude(user_id=holder_id)
        .values_list("user_id", flat=True)
    )
    probe = Ballot(unit=ballot_unit)
    rng = secrets.SystemRandom()
    rng.shuffle(pool)
    for user_id in pool[:200]:
        user = User.objects.get(pk=user_id)
        if not holds_office_in(user, probe):
            return user
    outside = (
        Membership.objects.filter(status=Status.MEMBER, user__is_active=True)
        .exclude(unit__path__startswith=ballot_unit.path)
        .exclude(user_id__in=signers)
        .values_list("user_id", flat=True)
    )
    others = list(outside[:2000])
    rng.shuffle(others)
    for user_id in others[:200]:
        user = User.objects.get(pk=user_id)
        if not holds_office_in(user, probe):
            return user
    raise DomainError(
        "No independent scrutineer can be drawn for the recall ballot: every member holds an "
        "office in the unit or signed the petition."
    )


def _open_recall_ballot(petition: RecallPetition) -> None:
    holding = petition.holding
    seat, body = holding.seat, holding.seat.body
    unit, constituency_body = _ballot_place(seat)
    scrutineer = draw_scrutineer(petition, unit)
    name = holding.holder.full_name
    ballot = open_by_rule(
        unit=unit,
        constituency_body=constituency_body,
        title=f"Recall of {name} as {seat.title}",
        description=(
            f"{petition.signatures} members of the constituency signed a petition to recall "
            f"{name}, reaching the threshold of {petition.required}. The reason, and "
            f"{name}'s reply, are on the petition's page."
        ),
        question=f"Should {name} be recalled as {seat.title}?",
        closes_at=timezone.now() + timedelta(days=body.recall_ballot_days),
        scrutineer=scrutineer,
        created_by=petition.started_by,
    )
    petition.state = RecallPetition.State.BALLOT
    petition.ballot = ballot
    petition.save(update_fields=["state", "ballot"])
    record(
        actor=None,
        action="recall.threshold",
        obj=petition,
        unit=body.unit,
        data={
            "petition": petition.pk,
            "signatures": petition.signatures,
            "required": petition.required,
            "ballot": ballot.pk,
            "scrutineer": scrutineer.pk,
        },
    )
    ballot_url = reverse("ballots:detail", args=[ballot.pk])
    notify(
        users=[holding.holder_id],
        kind="recall.ballot",
        title="The petition to recall you reached its threshold: the recall ballot is open",
        url=ballot_url,
    )
    notify(
        users=[scrutineer.pk],
        kind="recall.scrutineer",
        title=f"You were drawn by lot as scrutineer of “{ballot.title}”",
        url=ballot_url,
    )


def settle(ballot: Ballot, result: dict[str, Any]) -> None:
    """The recall ballot is counted: carried, the holding ends as recalled (the ballot named)
    and a by-election is drafted for the seat; lost, the holder stays."""
    petition = (
        RecallPetition.objects.select_for_update(of=("self",))
        .select_related("holding__seat__body__unit", "holding__holder")
        .filter(ballot=ballot)
        .first()
    )
    if petition is None or petition.state != RecallPetition.State.BALLOT:
        # A recall motion the body put to a ballot of its own: lost, the holder stays (carried,
        # ``motion_carried`` settles it).
        motion_id = getattr(ballot, "motion_id", None)
        questions = result.get("questions") or []
        if motion_id and not (questions and questions[0].get("passed")):
            from iskra.motions.models import Motion
            from iskra.representation.recall_meeting import settle_recall_motion

            settle_recall_motion(Motion.objects.get(pk=motion_id), carried=False)
        return
    questions = result.get("questions") or []
    _decide(
        petition,
        carried=bool(questions and questions[0].get("passed")),
        reason=f"Recalled by ballot: {ballot.title}",
        data={"ballot": ballot.pk},
    )


def _draft_by_election(petition: RecallPetition) -> Ballot | None:
    from iskra.representation.byelections import fill_vacancy

    return fill_vacancy(
        petition.holding.seat,
        why=f"{petition.holding.holder.full_name} was recalled",
        created_by=petition.started_by,
    )


def draft_by_election(seat: Seat, *, why: str, created_by: User) -> Ballot:
    """The seat is vacant (``why``): a by-election is drafted for its constituency; it takes
    nominations (``byelections``), whose candidates its officers then open the ballot with."""
    from iskra.ballots.services.setup import draft_by_rule
    from iskra.organisation.selectors import unit_officer_holdings

    unit, constituency_body = _ballot_place(seat)
    ballot = draft_by_rule(
        unit=unit,
        constituency_body=constituency_body,
        title=f"By-election: {seat.title}",
        description=(
            f"{why}; this ballot elects who holds {seat.title} now. Members of the "
            "constituency nominate the candidates; when nominations close they are the "
            "ballot's, and its officers appoint a scrutineer and open it."
        ),
        question=f"Who should hold {seat.title}?",
        created_by=created_by,
    )
    from iskra.representation.byelections import open_nominations

    by_election = open_nominations(seat, ballot, why=why)
    notify(
        users=list(unit_officer_holdings(unit).values_list("holder_id", flat=True).distinct()),
        kind="recall.by_election",
        title=f"{seat.title} is vacant ({why}): nominations for the by-election are open",
        url=reverse("representation:by_election", args=[by_election.pk]),
    )
    return ballot


def lapse_due_petitions() -> int:
    """The worker's sweep: petitions past their period without reaching the threshold lapse.
    Also petitions whose holder left the seat in the meantime end."""
    today = timezone.localdate()
    lapsed = 0
    for petition in RecallPetition.objects.filter(
        state=RecallPetition.State.OPEN, closes_on__lt=today
    ).select_related("holding__seat__body__unit"):
        with transaction.atomic():
            n = RecallPetition.objects.filter(
                pk=petition.pk, state=RecallPetition.State.OPEN
            ).update(state=RecallPetition.State.LAPSED, ended_at=timezone.now())
            if n:
                lapsed += 1
                record(
                    actor=None,
                    action="recall.lapsed",
                    obj=petition,
                    unit=petition.holding.seat.body.unit,
                    data={"petition": petition.pk, "signatures": petition.signatures},
                )
    RecallPetition.objects.filter(
        state=RecallPetition.State.OPEN, holding__ended_on__isnull=False
    ).update(state=RecallPetition.State.ENDED, ended_at=timezone.now())
    return lapsed
