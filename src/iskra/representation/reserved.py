"""Reserved places among a unit's delegates: rules as data on a conference or council ("where a
unit sends at least 2 delegates, at least 1 of them is a woman"), members saying of themselves
that they count for one, and the check when a delegate is elected to a seat.

The check runs inside the appointment's transaction (``organisation.signals.seat_appointing``):
the appointment is refused when, with this holder, the delegation's places that count plus
those still vacant could no longer reach the reserved number. A delegation already short (a
delegate took back their claim) is shown as such; it is not undone."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.web import FieldError
from iskra.core.words import visible
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Body, Seat, SeatHolding
from iskra.organisation.permissions import can_edit_standing_orders, require
from iskra.representation.models import ReservedPlace, ReservedPlaceClaim

DELEGATE_BODIES = (Body.Kind.CONFERENCE, Body.Kind.COUNCIL)


def clean_label(label: str) -> str:
    """The label as shown: compatibility-normalised (full-width letters become plain ones), its
    control and invisible format characters removed, its spaces collapsed."""
    text = unicodedata.normalize("NFKC", label)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"})
    return " ".join(text.split())


def label_key(label: str) -> str:
    """What makes two labels the same rule: the clean label, case-folded."""
    return unicodedata.normalize("NFKC", clean_label(label).casefold())


@transaction.atomic
def add_reserved_place(
    *, actor: Any, body: Body, label: str, at_least: int, from_delegates: int
) -> ReservedPlace:
    """A conference's or council's officers reserve places among each unit's delegates."""
    require(
        can_edit_standing_orders(actor, body),
        f"Only officers of {body.unit.name} set the reserved places of {body.name}.",
    )
    if body.kind not in DELEGATE_BODIES:
        raise DomainError("Reserved places are for conferences and councils of delegates.")
    label = clean_label(visible(label))
    if not label:
        raise FieldError("label", 'Say who the places are for, e.g. "women".')
    if len(label) > 60:
        raise FieldError("label", "Keep it under 60 characters.")
    if not 1 <= from_delegates <= 1000:
        raise FieldError("from_delegates", "Enter a whole number from 1 to 1000.")
    if not 1 <= at_least <= from_delegates:
        raise FieldError(
            "at_least",
            f"Enter a whole number from 1 to {from_delegates}: the places reserved cannot be more "
            "than the delegates of the smallest delegation it applies to.",
        )
    key = label_key(label)
    if ReservedPlace.objects.filter(body=body, label_key=key).exists():
        raise FieldError("label", f"{body.name} already reserves places for {label}.")
    try:
        with transaction.atomic():
            place = ReservedPlace.objects.create(
                body=body,
                label=label,
                label_key=key,
                at_least=at_least,
                from_delegates=from_delegates,
                created_by=actor,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise FieldError("label", f"{body.name} already reserves places for {label}.") from None
    record(
        actor=actor,
        action="reserved_place.add",
        obj=place,
        unit=body.unit,
        data={
            "body": body.pk,
            "label": label,
            "at_least": at_least,
            "from_delegates": from_delegates,
        },
    )
    return place


@transaction.atomic
def remove_reserved_place(*, actor: Any, place: ReservedPlace) -> None:
    body = place.body
    require(
        can_edit_standing_orders(actor, body),
        f"Only officers of {body.unit.name} set the reserved places of {body.name}.",
    )
    record(
        actor=actor,
        action="reserved_place.remove",
        obj=body,
        unit=body.unit,
        data={"body": body.pk, "label": place.label, "at_least": place.at_least},
    )
    place.delete()


@transaction.atomic
def set_claim(*, actor: Any, place: ReservedPlace, counts: bool) -> bool:
    """A member says that they count for the reserved place, or takes it back. Only for
    themselves. Returns whether they count now."""
    if not is_active_member(actor):
        raise PermissionDenied("Only members say whether they count for a reserved place.")
    if counts:
        _, made = ReservedPlaceClaim.objects.get_or_create(
            place=place, member=actor, defaults={"at": timezone.now()}
        )
    else:
        made = bool(ReservedPlaceClaim.objects.filter(place=place, member=actor).delete()[0])
    if made:
        # Like a signature: the log says that a member changed their statement, not who (their
        # self-description is theirs; the officers see only whether a delegate counts).
        record(
            actor=None,
            action="reserved_place.claim",
            obj=place,
            unit=place.body.unit,
            data={"place": place.pk, "counts": counts},
        )
    return counts


@dataclass(frozen=True)
class DelegationPlaces:
    """One unit's delegation under one reserved-place rule."""

    place: ReservedPlace
    unit_id: int
    unit_name: str
    seats: int
    counting: int  # delegates now in its seats who count for the place
    vacant: int

    @property
    def required(self) -> int:
        return self.place.at_least if self.seats >= self.place.from_delegates else 0

    @property
    def short(self) -> bool:
        """Fewer delegates who count than reserved, with no vacant seat left to make it up."""
        return self.counting + self.vacant < self.required

    @property
    def met(self) -> bool:
        return self.counting >= self.required


def delegations(body: Body) -> list[DelegationPlaces]:
    """Each delegation of the body under each of its reserved places (the delegations a rule
    applies to), in a fixed number of queries."""
    places = list(ReservedPlace.objects.filter(body=body))
    if not places:
        return []
    seats = list(
        Seat.objects.filter(body=body, represents_unit__isnull=False)
        .select_related("represents_unit")
        .order_by("represents_unit__path", "pk")
    )
    holders = dict(
        SeatHolding.objects.current().filter(seat__in=seats).values_list("seat_id", "holder_id")
    )
    claims = set(
        ReservedPlaceClaim.objects.filter(
            place__in=places, member_id__in=holders.values()
        ).values_list("place_id", "member_id")
    )
    by_unit: dict[int, list[Seat]] = {}
    for seat in seats:
        assert seat.represents_unit_id is not None
        by_unit.setdefault(seat.represents_unit_id, []).append(seat)
    rows = []
    for place in places:
        for unit_seats in by_unit.values():
            if len(unit_seats) < place.from_delegates:
                continue
            unit = unit_seats[0].represents_unit
            assert unit is not None
            held = [holders[s.pk] for s in unit_seats if s.pk in holders]
            rows.append(
                DelegationPlaces(
                    place=place,
                    unit_id=unit.pk,
                    unit_name=unit.name,
                    seats=len(unit_seats),
                    counting=sum((place.pk, h) in claims for h in held),
                    vacant=len(unit_seats) - len(held),
                )
            )
    return rows


def check_appointment(*, seat: Seat, holder: Any, ending: SeatHolding | None) -> None:
    """Refuse electing ``holder`` to a delegate seat when they already hold another seat of the
    same delegation (one delegate, one seat: a card or a reserved place is not counted twice),
    or when the unit's delegation could then no longer fill its reserved places."""
    if seat.represents_unit_id is None:
        return
    other = (
        SeatHolding.objects.current()
        .filter(
            holder_id=holder.pk,
            seat__body_id=seat.body_id,
            seat__represents_unit_id=seat.represents_unit_id,
        )
        .exclude(seat=seat)
        .select_related("seat")
        .first()
    )
    if other is not None:
        raise DomainError(
            f"{holder} already holds {other.seat.title}, in the same delegation: one delegate, "
            "one seat."
        )
    places = list(ReservedPlace.objects.filter(body_id=seat.body_id))
    if not places:
        return
    unit_seats = list(
        Seat.objects.filter(body_id=seat.body_id, represents_unit_id=seat.represents_unit_id)
    )
    holders = dict(
        SeatHolding.objects.current()
        .filter(seat__in=unit_seats)
        .exclude(seat=seat)
        .values_list("seat_id", "holder_id")
    )
    holders[seat.pk] = holder.pk  # as it would be after this election
    claims = set(
        ReservedPlaceClaim.objects.filter(
            place__in=places, member_id__in=holders.values()
        ).values_list("place_id", "member_id")
    )
    vacant = len(unit_seats) - len(holders)
    for place in places:
        if len(unit_seats) < place.from_delegates:
            continue
        counting = sum((place.pk, h) in claims for h in holders.values())
        if counting + vacant < place.at_least:
            unit = seat.represents_unit
            raise DomainError(
                f"At least {place.at_least} of the {len(unit_seats)} delegates of "
                f"{unit.name if unit else 'this unit'} to {seat.body.name} are to be "
                f"{place.label} (a reserved place). {holder} has not said they count for it, "
                "and no vacant seat would be left to fill it: elect someone who counts, or "
                "ask them to say so on their Representatives page."
            )
