"""Delegate entitlement: how many delegates each unit sends to a conference or council, from
the register on a date, by the body's rule (its standing orders: ``entitlement_*``); and the
delegate seats made to match.

Two rules, policy as data:

- ``steps``: one delegate for the first ``first`` members, one more for each further ``step``
  members or part of them, up to ``max`` (UK Labour's annual conference: 1 for the first 749,
  +1 per 250, at most 6 — the defaults);
- ``proportional``: one per ``step`` members, rounded to the nearest, at least one, up to ``max``.

A unit without members in good standing sends none. The units are those under the body's unit
that hold members (branches); each member counts in the unit they belong to today, in the
standing they had at the end of the date (their membership's history).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.meetings.services.common import members_by_unit_on
from iskra.organisation.models import Body, Seat, Unit
from iskra.organisation.permissions import can_manage_structure, require

EARLIEST = dt.date(1900, 1, 1)


def check_register_date(on: dt.date) -> None:
    """The register is read on a day that has come, and not before 1900."""
    if on > timezone.localdate():
        raise DomainError("The register is read on a day that has come: today or before.")
    if on < EARLIEST:
        raise DomainError("The register is read on a day from 1 January 1900.")


def delegates_for(members: int, *, rule: str, first: int, step: int, cap: int) -> int:
    """The delegates a unit of ``members`` members sends under the rule."""
    if members <= 0 or not rule:
        return 0
    if rule == Body.Entitlement.STEPS:
        n = 1 + (math.ceil((members - first) / step) if members > first else 0)
    else:
        n = max(1, math.floor(members / step + 0.5))
    return min(n, cap)


@dataclass(frozen=True)
class UnitEntitlement:
    unit_id: int
    unit_name: str
    members: int
    delegates: int
    seats: int  # the delegate seats of the body for this unit today

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "members": self.members,
            "delegates": self.delegates,
            "seats": self.seats,
        }


def entitlement(body: Body, *, on: dt.date | None = None) -> list[UnitEntitlement]:
    """Each member-holding unit under the body's unit: its members on the date, the delegates
    they entitle it to, and the body's delegate seats for it now. In the units' tree order."""
    on = on or timezone.localdate()
    check_register_date(on)
    counts = members_by_unit_on(body.unit, on)
    seats = dict(
        Seat.objects.filter(body=body, role=Seat.Role.DELEGATE, represents_unit__isnull=False)
        .values("represents_unit")
        .annotate(n=Count("pk"))
        .values_list("represents_unit", "n")
    )
    units = Unit.objects.filter(path__startswith=body.unit.path, kind__holds_members=True).order_by(
        "path"
    )

    def entitled(members: int) -> int:
        return delegates_for(
            members,
            rule=body.entitlement_rule,
            first=body.entitlement_first,
            step=body.entitlement_step,
            cap=body.entitlement_max,
        )

    return [
        UnitEntitlement(
            unit_id=pk,
            unit_name=name,
            members=counts.get(pk, 0),
            delegates=entitled(counts.get(pk, 0)),
            seats=seats.get(pk, 0),
        )
        for pk, name in units.values_list("pk", "name")
    ]


@dataclass(frozen=True)
class SeatsMade:
    created: int
    surplus: list[tuple[str, int]]  # units with more seats than entitled: (name, how many more)


@transaction.atomic
def make_delegate_seats(*, actor: Any, body: Body, on: dt.date | None = None) -> SeatsMade:
    """Create the delegate seats the entitlement says are missing, each elected by its unit's
    members and representing it. Seats beyond a unit's entitlement are reported, not removed:
    their holders were elected; the officers end those terms if the rules say so."""
    require(
        can_manage_structure(actor, body.unit),
        f"Only officers of {body.unit.name} make the delegate seats of {body.name}.",
    )
    body = Body.objects.select_for_update().select_related("unit").get(pk=body.pk)
    if not body.entitlement_rule:
        raise DomainError(
            f"{body.name} has no rule for counting delegates: set it in its standing orders."
        )
    on = on or timezone.localdate()
    rows = entitlement(body, on=on)
    new: list[Seat] = []
    surplus = []
    for row in rows:
        for i in range(row.seats, row.delegates):
            title = f"Delegate of {row.unit_name}" + (f" ({i + 1})" if row.delegates > 1 else "")
            new.append(
                Seat(
                    body=body,
                    role=Seat.Role.DELEGATE,
                    title=title[:200],
                    constituency_unit_id=row.unit_id,
                    represents_unit_id=row.unit_id,
                )
            )
        if row.seats > row.delegates:
            surplus.append((row.unit_name, row.seats - row.delegates))
    Seat.objects.bulk_create(new, batch_size=2000)
    record(
        actor=actor,
        action="body.delegate_seats",
        obj=body,
        unit=body.unit,
        data={
            "body": body.pk,
            "on": on,
            "units": len(rows),
            "delegates": sum(r.delegates for r in rows),
            "created": len(new),
            "surplus": len(surplus),
        },
    )
    return SeatsMade(created=len(new), surplus=surplus)
