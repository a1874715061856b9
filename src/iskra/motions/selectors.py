"""Reads for motions: what is before a branch, and the state of the discussion rolled up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from iskra.motions.models import Circulation, Motion, MotionStatus, Position
from iskra.organisation.models import Unit
from iskra.organisation.selectors import unit_below

STANCES = ("support", "oppose", "support_if_amended", "not_yet")


@dataclass
class Tally:
    branches: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCES, 0))
    members: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STANCES, 0))

    def add(self, stance: str, members: int) -> None:
        self.branches[stance] += 1
        self.members[stance] += members

    @property
    def total_branches(self) -> int:
        return sum(self.branches.values())

    @property
    def total_members(self) -> int:
        return sum(self.members.values())

    def as_dict(self) -> dict[str, Any]:
        return {"branches": dict(self.branches), "members": dict(self.members)}


@dataclass
class DiscussionState:
    overall: Tally
    groups: list[tuple[Unit, Tally]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "groups": [{"unit_id": u.pk, "unit": u.name, **t.as_dict()} for u, t in self.groups],
        }


def _current_stance(motion: Motion) -> FilteredRelation:
    # One current position per (motion, unit) is a database constraint, so a left join on it
    # counts each circulated unit once (a join, where a correlated subquery per unit was
    # several times slower at thousands of branches).
    return FilteredRelation(
        "unit__positions",
        condition=Q(unit__positions__motion=motion, unit__positions__is_current=True),
    )


def discussion_state(motion: Motion) -> DiscussionState:
    """Branch positions rolled up: per unit directly below the body's unit, and overall.

    Counted by the database, whatever the size of the organisation: one query returning a
    row per (unit below, stance), then the units named. A unit circulated that is not below
    the body's unit (the body's own) is a group of its own.
    """
    scope = motion.body.unit
    rows = (
        Circulation.objects.filter(motion=motion)
        .annotate(current=_current_stance(motion))
        .values(
            group=unit_below(scope, "unit_path", otherwise=Cast("unit_id", CharField())),
            stance=Coalesce(F("current__stance"), Value("not_yet")),
        )
        .annotate(branches=Count("pk"), members=Sum("members"))
        .order_by()
    )
    overall = Tally()
    by_group: dict[int, Tally] = defaultdict(Tally)
    for row in rows:
        members = row["members"] or 0
        for tally in (overall, by_group[int(row["group"])]):
            tally.branches[row["stance"]] += row["branches"]
            tally.members[row["stance"]] += members
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_group))}
    groups = sorted(
        ((units[g], t) for g, t in by_group.items() if g in units), key=lambda pair: pair[0].name
    )
    return DiscussionState(overall=overall, groups=groups)


def discussion_overall(motion: Motion) -> DiscussionState:
    """The overall totals of ``discussion_state`` (no groups), counted by the database: one
    query returning at most four rows, for pages that show only the national figures."""
    rows = (
        Circulation.objects.filter(motion=motion)
        .annotate(current=_current_stance(motion))
        .values(stance=Coalesce(F("current__stance"), Value("not_yet")))
        .annotate(branches=Count("pk"), members=Sum("members"))
        .order_by()
    )
    overall = Tally()
    for row in rows:
        overall.branches[row["stance"]] += row["branches"]
        overall.members[row["stance"]] += row["members"] or 0
    return DiscussionState(overall=overall, groups=[])


def before_unit(unit: Unit) -> QuerySet[Circulation]:
    """Motions in discussion before a branch, soonest deadline first."""
    return (
        Circulation.objects.filter(unit=unit, motion__status=MotionStatus.IN_DISCUSSION)
        .select_related("motion__body")
        .order_by("deadline")
    )


def motions_for_body(body_id: int | None = None, status: str = "") -> QuerySet[Motion]:
    motions = Motion.objects.select_related("body__unit").order_by("-created_at")
    if body_id:
        motions = motions.filter(body_id=body_id)
    if status:
        motions = motions.filter(status=status)
    return motions


# The state of the discussion names at most this many branches that have not yet discussed
# (the count says how many there are in all).
NOT_YET_LISTED = 200


def not_yet_discussed(motion: Motion) -> QuerySet[Circulation]:
    """The circulations of the motion whose unit has no current position on it."""
    has_position = Position.objects.filter(motion=motion, unit=OuterRef("unit"), is_current=True)
    return Circulation.objects.filter(motion=motion).exclude(Exists(has_position))


def positions_recorded(motion: Motion) -> QuerySet[Position]:
    """The current positions on the motion, with the meeting that decided each."""
    return (
        Position.objects.filter(motion=motion, is_current=True)
        .select_related("unit", "meeting")
        .order_by("unit__name")
    )
