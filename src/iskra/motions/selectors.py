"""Reads for motions: what is before a branch, and the state of the discussion rolled up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from iskra.motions.models import Circulation, Motion, MotionStatus, Position
from iskra.organisation.models import Unit

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


def discussion_state(motion: Motion) -> DiscussionState:
    """Branch positions rolled up: per unit directly below the body's unit, and overall.

    Two queries whatever the size of the organisation beyond the rows themselves: the
    circulation list (one row per branch, with its member count) and the current positions.
    """
    scope = motion.body.unit
    depth = scope.path.count("/")  # the next segment of a path names the group it falls in
    stances = dict(
        Position.objects.filter(motion=motion, is_current=True).values_list("unit_id", "stance")
    )
    overall = Tally()
    by_group: dict[int, Tally] = defaultdict(Tally)
    for unit_id, path, members in Circulation.objects.filter(motion=motion).values_list(
        "unit_id", "unit_path", "members"
    ):
        stance = stances.get(unit_id, "not_yet")
        overall.add(stance, members)
        parts = path.strip("/").split("/")
        group_id = int(parts[depth - 1]) if len(parts) >= depth else unit_id
        by_group[group_id].add(stance, members)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=list(by_group))}
    groups = sorted(
        ((units[g], t) for g, t in by_group.items() if g in units), key=lambda pair: pair[0].name
    )
    return DiscussionState(overall=overall, groups=groups)


def discussion_overall(motion: Motion) -> DiscussionState:
    """The overall totals of ``discussion_state`` (no groups), counted by the database: one
    query returning at most four rows, for pages that show only the national figures."""
    # One current position per (motion, unit) is a database constraint, so a left join on it
    # counts each circulated unit once (a join, where a correlated subquery per unit was
    # several times slower at thousands of branches).
    rows = (
        Circulation.objects.filter(motion=motion)
        .annotate(
            current=FilteredRelation(
                "unit__positions",
                condition=Q(unit__positions__motion=motion, unit__positions__is_current=True),
            )
        )
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
