"""What the representation pages read: a holder's record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from iskra.meetings.models import Attendance, Meeting
from iskra.meetings.models import Ballot as NamedVote
from iskra.organisation.models import SeatHolding
from iskra.representation.models import RecallPetition


@dataclass
class Record:
    """A seat holder's record in the seat: what the constituency judges them by."""

    holding: SeatHolding
    named_votes: QuerySet[NamedVote]
    meetings_held: int
    meetings_attended: int
    petitions: QuerySet[RecallPetition]


def holder_record(holding: SeatHolding) -> Record:
    """The holder's named votes at meetings of the seat's body during the term (newest first),
    their attendance at the meetings held in it, and the recall petitions against the term."""
    start = holding.started_on
    end = holding.ended_on or timezone.localdate()
    meetings = Meeting.objects.filter(
        body=holding.seat.body, starts_at__date__gte=start, starts_at__date__lte=end
    ).exclude(status=Meeting.Status.SCHEDULED)
    return Record(
        holding=holding,
        named_votes=NamedVote.objects.filter(user_id=holding.holder_id, vote__meeting__in=meetings)
        .select_related("vote__meeting", "vote__motion", "vote__amendment")
        .order_by("-at")[:200],
        meetings_held=meetings.count(),
        meetings_attended=Attendance.objects.filter(
            user_id=holding.holder_id, meeting__in=meetings
        ).count(),
        petitions=RecallPetition.objects.filter(holding=holding).order_by("-started_at"),
    )


def progress(petition: RecallPetition) -> dict[str, Any]:
    """The figures a petition's page shows: signatures of those required, as a percentage."""
    share = (
        min(100, round(100 * petition.signatures / petition.required)) if petition.required else 0
    )
    return {"signatures": petition.signatures, "required": petition.required, "percent": share}
