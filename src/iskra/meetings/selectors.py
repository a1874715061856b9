"""Reads for meetings: how a leader or delegate voted next to their branch's mandate, and the
motions circulated to a unit that its meetings vote on to decide its position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from iskra.meetings.models import Ballot, Meeting, Vote
from iskra.motions.models import Motion, MotionStatus, Position
from iskra.organisation.models import Body, SeatHolding


@dataclass
class RecordedVote:
    vote: Vote
    choice: str
    weight: Any
    mandate: Position | None
    split_words: str = ""
    by_proxy: str = ""  # the proxy's name, where their proxy cast it

    @property
    def followed_mandate(self) -> bool | None:
        """Whether an instructed delegate voted as instructed (None where no instruction)."""
        if (
            self.mandate is None
            or self.mandate.mandate != Position.Mandate.INSTRUCTED
            or self.vote.amendment_id
        ):
            return None
        wanted = {"support": "for", "oppose": "against"}.get(self.mandate.stance)
        return None if wanted is None else self.choice == wanted


def voting_record(person: Any, *, limit: int = 200) -> list[RecordedVote]:
    """Every named vote the person cast in a body, newest first, with the mandate of the unit
    they represent (a delegate's seat) or of their own branch, where one was recorded."""
    ballots = list(
        Ballot.objects.filter(user=person, vote__state=Vote.State.COUNTED)
        .exclude(vote__meeting__body__kind="general_meeting")
        .select_related(
            "vote__motion",
            "vote__amendment",
            "vote__meeting__body",
            "represents_unit",
            "cast_by",
        )
        .order_by("-vote__counted_at")[:limit]
    )
    home = getattr(getattr(person, "membership", None), "unit_id", None)
    represented = dict(
        SeatHolding.objects.filter(holder=person, seat__represents_unit__isnull=False).values_list(
            "seat__body_id", "seat__represents_unit_id"
        )
    )
    motion_ids = {b.vote.motion_id for b in ballots}
    unit_ids = {u for u in [home, *represented.values()] if u}
    positions: dict[tuple[int, Any], Position] = {
        (p.motion_id, p.unit_id): p
        for p in Position.objects.filter(
            motion_id__in=motion_ids, unit_id__in=unit_ids, is_current=True
        ).select_related("unit")
    }
    rows = []
    for b in ballots:
        unit_id = b.represents_unit_id or represented.get(b.vote.meeting.body_id) or home
        rows.append(
            RecordedVote(
                vote=b.vote,
                choice=b.choice,
                weight=b.weight,
                mandate=positions.get((b.vote.motion_id, unit_id)),
                split_words=b.split_words if b.choice == Ballot.Choice.SPLIT else "",
                by_proxy=b.cast_by.full_name if b.cast_by else "",
            )
        )
    return rows


def holds_or_held_a_seat(person: Any) -> bool:
    return SeatHolding.objects.filter(holder=person).exists()


def position_votes(meeting: Meeting, motion: Motion) -> tuple[Vote | None, dict[int, Vote]]:
    """The meeting's counted vote on the motion (the latest) and on each of its amendments."""
    counted = meeting.votes.filter(motion=motion, state=Vote.State.COUNTED).select_related(
        "amendment"
    )
    on_motion = None
    on_amendments: dict[int, Vote] = {}
    for vote in counted.order_by("counted_at", "pk"):
        if vote.amendment_id is None:
            on_motion = vote
        else:
            on_amendments[vote.amendment_id] = vote
    return on_motion, on_amendments


def stances_allowed(vote: Vote) -> list[str]:
    """The stances a meeting's vote allows: for the motion, support (or support if amended);
    against it, oppose."""
    if vote.carried:
        return [Position.Stance.SUPPORT, Position.Stance.SUPPORT_IF_AMENDED]
    return [Position.Stance.OPPOSE]


def circulated_to(body: Body) -> QuerySet[Motion]:
    """Higher bodies' motions circulated to the body's unit and still in discussion: its
    meetings may put them on the agenda to decide the unit's position."""
    return (
        Motion.objects.filter(circulations__unit_id=body.unit_id, status=MotionStatus.IN_DISCUSSION)
        .exclude(body=body)
        .select_related("body")
        .order_by("title")
    )


def agenda_motions(body: Body) -> QuerySet[Motion]:
    """The motions a meeting of the body may have on its agenda: its own admitted motions and
    those circulated to its unit."""
    own = Motion.objects.filter(
        body=body, status__in=[MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION]
    )
    return Motion.objects.filter(Q(pk__in=own) | Q(pk__in=circulated_to(body))).order_by("title")
