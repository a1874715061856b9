"""Leadership accountability: how a leader or delegate voted, next to their branch's mandate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iskra.meetings.models import Ballot, Vote
from iskra.motions.models import Position
from iskra.organisation.models import SeatHolding


@dataclass
class RecordedVote:
    vote: Vote
    choice: str
    weight: Any
    mandate: Position | None

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
        .select_related("vote__motion", "vote__amendment", "vote__meeting__body", "represents_unit")
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
            )
        )
    return rows


def holds_or_held_a_seat(person: Any) -> bool:
    return SeatHolding.objects.filter(holder=person).exists()
