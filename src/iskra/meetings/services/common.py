"""What the meeting verbs share: who sits on a body, the motion rule, quorum and card weights."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from iskra.accounts.models import User
from iskra.meetings.models import Meeting, Proxy
from iskra.members.models import Membership, MembershipEvent, Status
from iskra.motions.models import Circulation
from iskra.organisation.models import Body, Organisation, Seat, SeatHolding, Unit
from iskra.voting import Base, MotionRule


def body_members(body: Body) -> QuerySet[User]:
    """Who sits in the body: every member in good standing of the unit for a general meeting,
    otherwise the current holders of its seats."""
    if body.kind == Body.Kind.GENERAL_MEETING:
        return User.objects.filter(
            membership__unit__path__startswith=body.unit.path, membership__status=Status.MEMBER
        )
    holders = SeatHolding.objects.current().filter(seat__body=body).values("holder_id")
    return User.objects.filter(pk__in=holders)


def is_circulated_to(body: Body, motion: Any) -> bool:
    """Whether the motion is a higher body's, circulated to this body's unit for discussion:
    the body's meeting then decides the unit's position on it, not the motion itself."""
    return (
        motion.body_id != body.pk
        and Circulation.objects.filter(motion_id=motion.pk, unit_id=body.unit_id).exists()
    )


def _lock(meeting: Meeting) -> Meeting:
    """The meeting, locked for this transaction and read afresh, with its body and unit."""
    return Meeting.objects.select_for_update().select_related("body__unit").get(pk=meeting.pk)


def is_body_member(user: Any, body: Body) -> bool:
    return body_members(body).filter(pk=getattr(user, "pk", None) or 0).exists()


def motion_rule(body: Body, *, quorum: int | None = None) -> MotionRule:
    fraction = Fraction(body.majority_numerator, max(1, body.majority_denominator))
    if fraction == Fraction(1, 2) and body.majority_strict:
        name = "simple majority of votes cast"
    else:
        name = f"{'more than' if body.majority_strict else 'at least'} {fraction} of votes cast"
    return MotionRule(
        majority=fraction,
        strict=body.majority_strict,
        base=Base.CAST,
        abstentions_count=body.abstentions_count,
        quorum=quorum,
        quorum_of="present",
        name=name,
    )


@dataclass(frozen=True)
class Quorum:
    present: int  # in person or by proxy
    entitled: int
    required: int
    by_proxy: int = 0

    @property
    def met(self) -> bool:
        return self.present >= self.required


def quorum(meeting: Meeting) -> Quorum:
    body = meeting.body
    entitled = body_members(body).count()
    percent = (
        body.quorum_percent
        if body.quorum_percent is not None
        else Organisation.current().default_quorum_percent
    )
    required = max(1, math.ceil(entitled * percent / 100)) if entitled else 1
    members = body_members(body)
    in_person = meeting.attendance.filter(user__in=members)
    present = in_person.count()
    by_proxy = 0
    if body.proxies_allowed:
        # Present by proxy: a member not in the room whose proxy is.
        by_proxy = (
            Proxy.objects.filter(
                meeting=meeting,
                state=Proxy.State.APPOINTED,
                member__in=members,
                holder_id__in=in_person.values("user_id"),
            )
            .exclude(member_id__in=in_person.values("user_id"))
            .count()
        )
    return Quorum(
        present=present + by_proxy, entitled=entitled, required=required, by_proxy=by_proxy
    )


def members_in_good_standing_on(unit: Unit, on: date) -> int:
    """Members in good standing in a unit and below on a date, from the membership history."""
    latest = (
        MembershipEvent.objects.filter(membership=OuterRef("pk"), at__date__lte=on)
        .order_by("-at", "-pk")
        .values("to_status")[:1]
    )
    return (
        Membership.objects.filter(unit__path__startswith=unit.path)
        .annotate(status_then=Subquery(latest))
        .filter(status_then=Status.MEMBER)
        .count()
    )


def share_of_card(members: int, delegates: int) -> Decimal:
    """A delegate's part of their unit's card: the unit's membership shared equally among the
    body's delegate seats for it (to the hundredth), so a unit with three delegates casts its
    membership once, not three times."""
    return (Decimal(members) / max(1, delegates)).quantize(Decimal("0.01"))


def card_weight(meeting: Meeting, user: Any) -> tuple[Decimal, Unit | None]:
    """A delegate's card: the membership of the unit their seat represents at the snapshot
    date, shared among the body's delegate seats for that unit."""
    holding = (
        SeatHolding.objects.current()
        .filter(holder_id=user.pk, seat__body=meeting.body, seat__represents_unit__isnull=False)
        .select_related("seat__represents_unit")
        .first()
    )
    if holding is None or holding.seat.represents_unit is None:
        return Decimal(1), None
    unit = holding.seat.represents_unit
    on = meeting.card_vote_snapshot_on or timezone.localdate()
    seats = Seat.objects.filter(body=meeting.body, represents_unit=unit).count()
    return share_of_card(members_in_good_standing_on(unit, on), seats), unit


def members_by_unit_on(unit: Unit, on: date) -> dict[int, int]:
    """Members in good standing at the end of ``on``, by unit, under ``unit`` (today: their
    status; an earlier day: each membership's last event before its end)."""
    from django.db.models import Count

    memberships = Membership.objects.filter(unit__path__startswith=unit.path)
    if on >= timezone.localdate():
        rows = memberships.filter(status=Status.MEMBER)
    else:
        end = timezone.make_aware(datetime.combine(on + timedelta(days=1), time()))
        standing = Subquery(
            MembershipEvent.objects.filter(membership=OuterRef("pk"), at__lt=end)
            .order_by("-at", "-id")
            .values("to_status")[:1]
        )
        rows = memberships.annotate(standing=standing).filter(standing=Status.MEMBER)
    return {row["unit_id"]: row["n"] for row in rows.values("unit_id").annotate(n=Count("pk"))}


@dataclass(frozen=True)
class Card:
    """A delegation's card at a card vote: the delegate seat, its holder now (or None), the unit
    it represents and that unit's members in good standing on the snapshot date."""

    seat_id: int
    seat_title: str
    holder_id: int | None
    holder_name: str
    unit_id: int
    unit_name: str
    weight: Decimal
    unit_members: int
    unit_delegates: int


def card_weights(body: Body, on: date, *, held_on: date | None = None) -> list[Card]:
    """Every delegate seat's card on the body, from the register at the end of ``on``, in a
    fixed number of queries (the members counted by unit once, then added up each unit's
    tree: a district's card is its branches' members)."""
    seats = list(
        Seat.objects.filter(body=body, represents_unit__isnull=False)
        .select_related("represents_unit")
        .order_by("represents_unit__path", "pk")
    )
    if not seats:
        return []
    counts = members_by_unit_on(body.unit, on)
    paths = dict(Unit.objects.filter(pk__in=list(counts)).values_list("pk", "path"))
    by_unit = [(paths[pk], n) for pk, n in counts.items() if pk in paths]
    delegates: dict[int, int] = {}
    for seat in seats:
        unit_id = seat.represents_unit_id or 0
        delegates[unit_id] = delegates.get(unit_id, 0) + 1
    # A unit's path names its ancestors ("/1/5/23/"): each count goes to every one of them.
    totals: dict[str, int] = {}
    for path, n in by_unit:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth]) + "/"
            totals[prefix] = totals.get(prefix, 0) + n
    # The holders on the meeting's day (``held_on``; today by default): a past meeting's cards
    # name who held them then.
    day = held_on or timezone.localdate()
    holders = {
        seat_id: (holder_id, name)
        for seat_id, holder_id, name in SeatHolding.objects.filter(
            seat__body=body, seat__represents_unit__isnull=False, started_on__lte=day
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("started_on", "pk")
        .values_list("seat_id", "holder_id", "holder__full_name")
    }
    return [
        Card(
            seat_id=s.pk,
            seat_title=s.title,
            holder_id=holders.get(s.pk, (None, ""))[0],
            holder_name=holders.get(s.pk, (None, ""))[1],
            unit_id=s.represents_unit_id,  # type: ignore[arg-type]
            unit_name=s.represents_unit.name,  # type: ignore[union-attr]
            weight=share_of_card(
                totals.get(s.represents_unit.path, 0),  # type: ignore[union-attr]
                delegates[s.represents_unit_id or 0],
            ),
            unit_members=totals.get(s.represents_unit.path, 0),  # type: ignore[union-attr]
            unit_delegates=delegates[s.represents_unit_id or 0],
        )
        for s in seats
    ]
