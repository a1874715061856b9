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


@dataclass
class Representatives:
    """Who speaks for a member: the current holders of the seats they elect, and the bodies
    they may requisition a special meeting of."""

    holdings: list[SeatHolding]
    live: dict[int, RecallPetition]
    bodies: list[Any]
    vacant: list[Any]


def representatives(user: Any) -> Representatives:
    """The seats whose constituency includes this member (their unit or one above it, a general
    meeting of those units, or a body they sit on), with the current holders; the recall
    petitions under way against them that this member may see; the bodies of their unit and
    the units above it."""
    from django.db.models import Q

    from iskra.members.models import Membership, Status
    from iskra.organisation.models import Body

    membership = (
        Membership.objects.filter(user_id=getattr(user, "pk", None) or 0, status=Status.MEMBER)
        .select_related("unit")
        .first()
    )
    if membership is None:
        return Representatives(holdings=[], live={}, bodies=[], vacant=[])
    path = membership.unit.path
    # A unit's path names it and its ancestors ("/1/5/23/"): no need to read every unit.
    units = [int(part) for part in path.strip("/").split("/") if part]
    sits_on = SeatHolding.objects.current().filter(holder_id=user.pk).values("seat__body_id")
    elects_in = Q(kind=Body.Kind.GENERAL_MEETING, unit_id__in=units) | Q(pk__in=sits_on)
    bodies = Body.objects.filter(elects_in).values("pk")
    holdings = list(
        SeatHolding.objects.current()
        .filter(Q(seat__constituency_unit_id__in=units) | Q(seat__constituency_body_id__in=bodies))
        .select_related("seat__body__unit", "holder")
        .order_by("seat__body__unit__path", "seat__body__name", "seat__title")[:200]
    )
    from iskra.organisation.models import Seat

    # Seats they elect that nobody holds now (a by-election or an appointment is due).
    vacant = list(
        Seat.objects.filter(Q(constituency_unit_id__in=units) | Q(constituency_body_id__in=bodies))
        .exclude(pk__in=SeatHolding.objects.current().values("seat_id"))
        .select_related("body__unit")
        .order_by("body__unit__path", "body__name", "title")[:100]
    )
    live = {
        p.holding_id: p
        for p in RecallPetition.objects.filter(
            holding__in=[h.pk for h in holdings],
            state__in=[
                RecallPetition.State.OPEN,
                RecallPetition.State.BALLOT,
                RecallPetition.State.MEETING,
            ],
        )
    }
    return Representatives(
        holdings=holdings,
        live=live,
        vacant=vacant,
        bodies=list(
            Body.objects.filter(unit_id__in=units)
            .select_related("unit")
            .order_by("unit__path", "name")
        ),
    )
