"""Mandates checked against delegates' recorded votes.

A unit's position on a motion (``motions.Position``) may instruct its delegates. When a vote at
a meeting is counted, each named vote of a delegate for that unit (a roll call or card vote:
the ``represents_unit`` of the vote, or the delegate's seat on the body) is compared with the
mandate: support → for, oppose → against, and each amendment's stance likewise ("support if
amended" instructs nothing on the motion itself). A departure — another choice, abstaining
included — is recorded, flagged to the unit's officers and the delegate, and a **report-back**
item goes on the unit's next meeting (its general meeting first), or on the next one called.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.notifications import notify
from iskra.meetings.models import AgendaItem, Meeting, Vote
from iskra.meetings.models import Ballot as NamedVote
from iskra.motions.models import Position
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.selectors import unit_officer_holdings
from iskra.representation.models import MandateDeparture

CHOICE = {
    "for": "voted for",
    "against": "voted against",
    "abstain": "abstained",
    "split": "split the card",
}


def mandated_choice(position: Position, vote: Vote) -> str | None:
    """What the instructed mandate asks on this vote ("for" or "against"), or None."""
    if position.mandate != Position.Mandate.INSTRUCTED:
        return None
    if vote.amendment_id is not None:
        for stance in position.amendment_stances or []:
            if stance.get("amendment") == vote.amendment_id:
                wanted = {"support": "for", "oppose": "against"}.get(str(stance.get("stance")))
                return wanted
        return None
    return {"support": "for", "oppose": "against"}.get(str(position.stance))


def _follows(named: NamedVote, expected: str) -> bool:
    """Whether the named vote is as mandated: the choice, or a split card all of whose weight
    is on the mandated side."""
    if named.choice != NamedVote.Choice.SPLIT:
        return named.choice == expected
    return all(not part for choice, part in named.parts() if choice != expected)


def check_vote(vote: Vote) -> list[MandateDeparture]:
    """Compare each delegate's named vote with their unit's mandate; record the departures."""
    if vote.method not in (Vote.Method.ROLL_CALL, Vote.Method.CARD):
        return []
    body = vote.meeting.body
    delegate_seats = {
        h.holder_id: h
        for h in SeatHolding.objects.current()
        .filter(seat__body=body, seat__represents_unit__isnull=False)
        .select_related("seat")
    }
    named_votes = list(NamedVote.objects.filter(vote=vote).select_related("user"))
    units = {
        named.user_id: named.represents_unit_id
        or (
            delegate_seats[named.user_id].seat.represents_unit_id
            if named.user_id in delegate_seats
            else None
        )
        for named in named_votes
    }
    # The units' current positions on the motion, in one query (not one per delegate).
    positions = {
        p.unit_id: p
        for p in Position.objects.filter(
            motion_id=vote.motion_id,
            unit_id__in={u for u in units.values() if u is not None},
            is_current=True,
        ).order_by("pk")
    }
    found = []
    for named in named_votes:
        holding = delegate_seats.get(named.user_id)
        unit_id = units[named.user_id]
        if unit_id is None:
            continue
        position = positions.get(unit_id)
        expected = mandated_choice(position, vote) if position else None
        if expected is None or _follows(named, expected):
            continue
        assert position is not None
        departure, made = MandateDeparture.objects.get_or_create(
            vote=vote,
            delegate=named.user,
            defaults={
                "unit_id": unit_id,
                "holding": holding,
                "position": position,
                "expected": expected,
                "cast": named.choice,
                "at": timezone.now(),
            },
        )
        if made:
            _flag(departure, vote)
            found.append(departure)
    return found


def _subject(vote: Vote) -> str:
    if vote.amendment_id is not None and vote.amendment is not None:
        return f"amendment {vote.amendment.number} to “{vote.motion.title}”"
    return f"“{vote.motion.title}”"


def _flag(departure: MandateDeparture, vote: Vote) -> None:
    name = departure.delegate.full_name
    what = (
        f"{name} {CHOICE.get(departure.cast, departure.cast)} on {_subject(vote)} at "
        f"{vote.meeting.body.name}; the mandate was to vote {departure.expected}"
    )
    record(
        actor=None,
        action="mandate.departure",
        obj=departure,
        unit=departure.unit,
        data={
            "vote": vote.pk,
            "person": departure.delegate_id,
            "units": [departure.unit_id],
            "expected": departure.expected,
            "cast": departure.cast,
        },
    )
    url = (
        reverse("representation:record", args=[departure.holding_id])
        if departure.holding_id
        else reverse("meetings:detail", args=[vote.meeting_id])
    )
    officers = list(
        unit_officer_holdings(departure.unit).values_list("holder_id", flat=True).distinct()
    )
    notify(
        users=officers,
        kind="mandate.departure",
        title=f"Your delegate departed from the mandate: {what}",
        url=url,
    )
    notify(
        users=[departure.delegate_id],
        kind="mandate.departure",
        title=f"Your vote departed from {departure.unit.name}'s mandate: a report-back is on "
        "its next meeting",
        url=url,
    )
    meeting = next_meeting(departure.unit_id)
    if meeting is not None:
        add_report_back(departure, meeting)


def next_meeting(unit_id: int) -> Meeting | None:
    """The unit's next meeting still to come: its general meeting's first, else any of its
    bodies'."""
    upcoming = Meeting.objects.filter(
        body__unit_id=unit_id, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
    ).order_by("starts_at")
    return upcoming.filter(body__kind=Body.Kind.GENERAL_MEETING).first() or upcoming.first()


def add_report_back(departure: MandateDeparture, meeting: Meeting) -> AgendaItem:
    vote = departure.vote
    position = (meeting.items.aggregate(n=Max("position"))["n"] or 0) + 1
    title = (
        f"Report-back: {departure.delegate.full_name} "
        f"{CHOICE.get(departure.cast, departure.cast)} on {_subject(vote)}"
    )[:200]
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=AgendaItem.Kind.REPORT,
        title=title,
        notes=(
            f"At {vote.meeting.title} ({vote.meeting.body.name}, "
            f"{timezone.localtime(vote.meeting.starts_at):%-d %B %Y}), the branch's mandate "
            f"was to vote {departure.expected}. The delegate reports back."
        ),
    )
    departure.report_item = item
    departure.save(update_fields=["report_item"])
    record(
        actor=None,
        action="mandate.report_back",
        obj=item,
        unit=departure.unit,
        data={"meeting": meeting.pk, "vote": vote.pk, "person": departure.delegate_id},
    )
    return item


def place_waiting_report_backs(meeting: Meeting) -> int:
    """A meeting of a unit is called: report-backs waiting for its next meeting go on it (for
    a general meeting; another body's meeting takes them only if the unit has no general
    meeting)."""
    unit_id = meeting.body.unit_id
    if (
        meeting.body.kind != Body.Kind.GENERAL_MEETING
        and Body.objects.filter(unit_id=unit_id, kind=Body.Kind.GENERAL_MEETING).exists()
    ):
        return 0
    waiting = MandateDeparture.objects.filter(unit_id=unit_id, report_item__isnull=True)
    n = 0
    for departure in waiting.select_related("vote__motion", "vote__meeting__body", "delegate"):
        add_report_back(departure, meeting)
        n += 1
    return n


def departures_of(holding: Any) -> Any:
    return MandateDeparture.objects.filter(
        delegate_id=holding.holder_id, holding=holding
    ).select_related("vote__motion", "vote__meeting", "vote__amendment", "report_item__meeting")
