"""Votes at a meeting: show of hands, roll call and card votes, counted by iskra.voting."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.meetings.models import Ballot, Meeting, Vote
from iskra.meetings.permissions import can_run_meeting
from iskra.meetings.services.common import (
    Quorum,
    _lock,
    card_weight,
    is_body_member,
    is_circulated_to,
    motion_rule,
    quorum,
)
from iskra.meetings.services.proxies import holder_for
from iskra.motions.models import Amendment, Motion, MotionStatus
from iskra.motions.signals import motion_carried
from iskra.organisation.models import Body, Seat
from iskra.organisation.permissions import require
from iskra.voting import count_motion


def _check_can_vote_on(meeting: Meeting, motion: Motion, amendment: Amendment | None) -> Quorum:
    # Judge on the rows as they are now, not as the caller last saw them.
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if amendment is not None:
        amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise DomainError("Votes are taken only while the meeting is in progress.")
    # A motion circulated to the body's unit is voted on to decide the unit's position.
    position_vote = is_circulated_to(meeting.body, motion)
    if motion.body_id != meeting.body_id and not position_vote:
        raise DomainError("This motion is not before this body.")
    if position_vote and motion.status != MotionStatus.IN_DISCUSSION:
        raise DomainError("The discussion of this motion is over.")
    if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
        raise DomainError("This motion is not open to a vote.")
    if amendment is not None:
        if amendment.motion_id == motion.pk and amendment.status == Amendment.Status.FALLEN:
            raise DomainError(
                f"Amendment {amendment.number} has fallen: the words it changes are no longer "
                "in the motion."
            )
        if amendment.motion_id != motion.pk or amendment.status != Amendment.Status.TABLED:
            raise DomainError("This amendment is not open to a vote.")
    elif position_vote:
        undecided = motion.amendments.filter(status=Amendment.Status.TABLED).exclude(
            votes__meeting=meeting, votes__state=Vote.State.COUNTED
        )
        if undecided.exists():
            raise DomainError(
                "Amendments are decided before the motion: vote on the tabled amendments first."
            )
    elif motion.amendments.filter(status=Amendment.Status.TABLED).exists():
        raise DomainError(
            "Amendments are decided before the motion: vote on the tabled amendments first."
        )
    if (
        position_vote
        and Vote.objects.filter(
            meeting=meeting, motion=motion, amendment=amendment, state=Vote.State.COUNTED
        ).exists()
    ):
        raise DomainError("The meeting has already voted on this.")
    if Vote.objects.filter(
        meeting=meeting, motion=motion, amendment=amendment, state=Vote.State.OPEN
    ).exists():
        raise DomainError("A vote on this is already open.")
    q = quorum(meeting)
    if not q.met:
        raise DomainError(
            f"The meeting is not quorate: {q.present} present, {q.required} needed. No vote can be taken."
        )
    return q


def _settle(vote: Vote, *, actor: Any, q: Quorum) -> Vote:
    """Count a vote with the body's rule and apply the outcome to the amendment or motion."""
    body = vote.meeting.body
    result = count_motion(
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        abstentions=vote.abstentions,
        present=Decimal(q.present),
        entitled=Decimal(q.entitled),
        rule=motion_rule(body, quorum=q.required),
    )
    vote.present, vote.entitled = q.present, q.entitled
    vote.carried = result.carried
    vote.result = result.to_dict()
    vote.state = Vote.State.COUNTED
    vote.counted_at = timezone.now()
    vote.save(
        update_fields=[
            "present",
            "entitled",
            "carried",
            "result",
            "state",
            "counted_at",
            "votes_for",
            "votes_against",
            "abstentions",
        ]
    )
    from iskra.motions.services import settle_amendment, transition

    # A vote on a motion circulated to the unit decides the unit's position (recorded by
    # record_position_from_meeting), not the motion or the amendment: neither is settled.
    position_vote = vote.motion.body_id != body.pk
    if position_vote:
        pass
    elif vote.amendment_id is not None and vote.amendment is not None:
        settle_amendment(actor=actor, amendment=vote.amendment, carried=result.carried)
    else:
        motion = (
            Motion.objects.select_for_update().select_related("body__unit").get(pk=vote.motion_id)
        )
        if motion.status == MotionStatus.ADMITTED:
            transition(
                motion, to=MotionStatus.IN_DISCUSSION, actor=actor, reason="Taken at a meeting"
            )
        transition(
            motion, to=MotionStatus.CARRIED if result.carried else MotionStatus.LOST, actor=actor
        )
        if result.carried:
            # The decisions app records the decision (see iskra.motions.signals).
            motion_carried.send(sender=Vote, motion=motion, actor=actor, vote=vote)
    record(
        actor=actor,
        action="vote.count",
        obj=vote,
        unit=body.unit,
        data={
            "carried": result.carried,
            "for": vote.votes_for,
            "against": vote.votes_against,
            "abstain": vote.abstentions,
            "method": vote.method,
            "position_vote": position_vote,
        },
    )
    from iskra.meetings.signals import vote_counted

    vote_counted.send(sender=Vote, vote=vote)
    return vote


@transaction.atomic
def take_show_of_hands(
    *,
    actor: Any,
    meeting: Meeting,
    motion: Motion,
    votes_for: int,
    votes_against: int,
    abstentions: int = 0,
    amendment: Amendment | None = None,
) -> Vote:
    meeting = _lock(meeting)
    require(
        can_run_meeting(actor, meeting.body), "Only the chair enters the result of a show of hands."
    )
    if meeting.body.votes_are_secret:
        raise DomainError("This body's rules require a secret vote.")
    if min(votes_for, votes_against, abstentions) < 0:
        raise DomainError("Vote figures cannot be negative.")
    q = _check_can_vote_on(meeting, motion, amendment)
    if votes_for + votes_against + abstentions > q.present:
        raise DomainError(
            f"More votes ({votes_for + votes_against + abstentions}) than members present ({q.present})."
        )
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        method=Vote.Method.SHOW_OF_HANDS,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        opened_at=timezone.now(),
        taken_by=actor,
    )
    return _settle(vote, actor=actor, q=q)


@transaction.atomic
def open_vote(
    *, actor: Any, meeting: Meeting, motion: Motion, method: str, amendment: Amendment | None = None
) -> Vote:
    """Open a roll call or card vote: each member present votes in the app, by name."""
    meeting = _lock(meeting)
    require(can_run_meeting(actor, meeting.body), "Only the chair opens a vote.")
    if method == Vote.Method.SECRET or meeting.body.votes_are_secret:
        raise DomainError(
            "A secret vote is taken by secret ballot: use “Put to a secret ballot” on the motion's page (a ballot of this body's members, with a scrutineer)."
        )
    if method not in {Vote.Method.ROLL_CALL, Vote.Method.CARD}:
        raise DomainError("Choose a roll call or a card vote.")
    if method == Vote.Method.CARD and meeting.body.kind not in {
        Body.Kind.CONFERENCE,
        Body.Kind.COUNCIL,
    }:
        raise DomainError("Card votes are for conferences and councils of delegates.")
    _check_can_vote_on(meeting, motion, amendment)
    vote = Vote.objects.create(
        meeting=meeting,
        motion=motion,
        amendment=amendment,
        method=method,
        opened_at=timezone.now(),
        taken_by=actor,
    )
    attendees = list(meeting.attendance.values_list("user_id", flat=True))
    notify(
        users=attendees,
        kind="vote.open",
        title=f"Vote now: {vote}",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )
    record(
        actor=actor,
        action="vote.open",
        obj=vote,
        unit=meeting.body.unit,
        data={
            "method": method,
            "motion": motion.pk,
            "amendment": amendment.pk if amendment else None,
        },
    )
    return vote


@transaction.atomic
def cast_named_vote(
    *,
    actor: Any,
    vote: Vote,
    choice: str,
    split: tuple[Any, Any, Any] | None = None,
    on_behalf_of: User | None = None,
) -> Ballot:
    """Cast a named vote: for, against or abstain; in a card vote a delegation may also split
    its card (``choice`` "split", ``split`` the parts for, against and abstaining, adding up to
    the card). ``on_behalf_of``: a member whose proxy ``actor`` holds; the vote is theirs (one
    per member, in person or by proxy) and shown as cast by proxy."""
    vote = Vote.objects.select_for_update().select_related("meeting__body__unit").get(pk=vote.pk)
    # Someone not on the body is refused at once (403), whatever the state of the vote: telling
    # them to sign in first would send them on an errand that cannot succeed.
    require(is_body_member(actor, vote.meeting.body), "Only members of the body vote.")
    if vote.state != Vote.State.OPEN:
        raise DomainError("This vote is closed.")
    if choice not in Ballot.Choice.values:
        raise DomainError("Vote for, against or abstain.")
    if choice == Ballot.Choice.SPLIT and vote.method != Vote.Method.CARD:
        raise DomainError("Only a card can be split between for and against: this is a roll call.")
    if not vote.meeting.attendance.filter(user_id=actor.pk).exists():
        raise DomainError("Sign in to the meeting before voting.")
    voter = actor
    if on_behalf_of is not None:
        holder_for(vote.meeting, member=on_behalf_of, holder=actor)
        if not is_body_member(on_behalf_of, vote.meeting.body):
            raise DomainError(f"{on_behalf_of} is no longer a member of {vote.meeting.body.name}.")
        voter = on_behalf_of
    weight, unit = (Decimal(1), None)
    if vote.method == Vote.Method.CARD:
        weight, unit = card_weight(vote.meeting, voter)
        if unit is not None:
            # One card per delegate seat: a seat whose holder changed during the vote does
            # not cast the unit's card twice.
            cast = Ballot.objects.filter(vote=vote, represents_unit=unit).count()
            seats = Seat.objects.filter(body=vote.meeting.body, represents_unit=unit).count()
            if cast >= seats:
                raise DomainError(f"The card of {unit.name} has already been cast in this vote.")
    parts = _split_parts(choice, split, weight)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                vote=vote,
                user=voter,
                cast_by=actor if voter is not actor else None,
                choice=choice,
                weight=weight,
                represents_unit=unit,
                at=timezone.now(),
                split_for=parts[0] if parts else None,
                split_against=parts[1] if parts else None,
                split_abstain=parts[2] if parts else None,
            )
    except IntegrityError:
        if voter is not actor:
            raise DomainError(f"{voter} has already voted on this.") from None
        proxy = Ballot.objects.filter(vote=vote, user=actor, cast_by__isnull=False).first()
        if proxy is not None:
            raise DomainError(
                f"Your proxy, {proxy.cast_by}, voted for you on this before you came."
            ) from None
        raise DomainError("You have already voted on this.") from None
    record(
        actor=actor,
        action="vote.cast",
        obj=ballot,
        unit=vote.meeting.body.unit,
        data={
            "vote": vote.pk,
            "choice": choice,
            "weight": weight,
            **({"on_behalf_of": voter.pk} if voter is not actor else {}),
            **({"split": [str(p) for p in parts]} if parts else {}),
        },
    )
    return ballot


def _split_parts(
    choice: str, split: tuple[Any, Any, Any] | None, weight: Decimal
) -> tuple[Decimal, Decimal, Decimal] | None:
    """A split card's parts, checked: whole or hundredths, none negative, adding up to the
    card's weight (the delegation casts all of it, no more)."""
    if choice != Ballot.Choice.SPLIT:
        if split is not None and any(split):
            raise DomainError("Give the parts of a card only when you split it.")
        return None
    if split is None:
        raise DomainError("Say how much of the card goes for, against and abstaining.")
    try:
        given = [Decimal(str(p or 0)) for p in split]
        if any(not p.is_finite() for p in given):
            raise ValueError
        parts = tuple(p.quantize(Decimal("0.01")) for p in given)
    except (ArithmeticError, ValueError):
        raise DomainError("The parts of the card are numbers.") from None
    if any(p < 0 for p in parts):
        raise DomainError("No part of the card can be negative.")
    if any(p != q for p, q in zip(given, parts, strict=True)):
        raise DomainError("Give the parts of the card in whole numbers or hundredths.")
    total = sum(parts, Decimal(0))
    if total != weight:
        raise DomainError(
            f"Your card is {weight.normalize():f}: the parts add up to "
            f"{total.normalize():f}. Split all of it."
        )
    return parts[0], parts[1], parts[2]


@transaction.atomic
def close_vote(*, actor: Any, vote: Vote) -> Vote:
    from iskra.voting import aggregate_card_votes

    vote = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting__body__unit", "amendment", "motion")
        .get(pk=vote.pk)
    )
    require(can_run_meeting(actor, vote.meeting.body), "Only the chair closes a vote.")
    if vote.state != Vote.State.OPEN:
        raise DomainError("This vote is already counted.")
    totals = aggregate_card_votes([part for b in vote.ballots.all() for part in b.parts()])
    vote.votes_for = totals.votes_for
    vote.votes_against = totals.votes_against
    vote.abstentions = totals.abstentions
    return _settle(vote, actor=actor, q=quorum(vote.meeting))
