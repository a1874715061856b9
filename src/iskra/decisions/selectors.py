"""Accountability: what was asked, promised and done, rolled up the tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from iskra.decisions.models import Action, Commitment, Decision, Report
from iskra.organisation.models import Unit
from iskra.organisation.selectors import unit_below


@dataclass
class Row:
    unit: Unit | None
    asked: int = 0
    target: int = 0
    committed: int = 0
    commitments: int = 0
    reported: int = 0
    reports: int = 0
    overdue: int = 0

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.reported / self.target)) if self.target else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit.pk if self.unit else None,
            "unit": self.unit.name if self.unit else "Members",
            "asked": self.asked,
            "target": self.target,
            "committed": self.committed,
            "commitments": self.commitments,
            "reported": self.reported,
            "reports": self.reports,
            "overdue": self.overdue,
        }


def _path_of_action(prefix: str = "") -> Coalesce:
    """SQL for where an action sits in the tree: its unit's path, or -- for an action assigned to
    a member -- the path of the member's branch, so it counts in that branch's row and in every
    row above it, like the branch's own actions. (Outer joins by primary key: a correlated
    look-up here would run once per use of the path in the grouping expression.)"""
    return Coalesce(
        NullIf(F(f"{prefix}unit_path"), Value("")),
        F(f"{prefix}assignee__membership__unit__path"),
        Value(""),
        output_field=CharField(),
    )


def _sum_per_child(
    rows: QuerySet[Commitment] | QuerySet[Report],
    figure: str,
    action_ids: QuerySet[Action, Any],
    unit: Unit,
) -> QuerySet[Any, tuple[str, int, int]]:
    """(unit below, sum of ``figure``, how many) for the commitments or reports on the actions."""
    return (
        rows.filter(action_id__in=action_ids)
        .annotate(at_path=_path_of_action("action__"))
        .annotate(child=unit_below(unit, "at_path"))
        .order_by()
        .values("child")
        .annotate(total=Coalesce(Sum(figure), 0), n=Count("pk"))
        .values_list("child", "total", "n")
    )


def dashboard(*, decision: Decision | None = None, unit: Unit) -> tuple[Row, list[Row]]:
    """Totals for ``unit`` and for each unit directly below it, over every action assigned
    within the unit (optionally for one decision). Three grouped queries (actions,
    commitments, reports), each returning one row per unit below, plus the child units: the
    database does the adding up, so the cost does not grow with the number of actions passed
    down to branches.

    Each row shows exactly what that unit's own table shows:
    - an action assigned to a member counts where the member's branch is;
    - an action passed down from another in the same table is part of it, not another ask:
      its target is a share of its parent's, so only the actions whose parent lies outside
      the table (or that have none) count as asked and towards the target;
    - commitments and reports on every action in the table count (work done on a share is
      work done on the whole); a report that was corrected counts no more, its correction
      does; overdue counts every action past due with no report, at any level.
    """
    # Actions for a unit in the subtree, or for a member whose branch is in it. The member
    # actions are found from the (few) actions with an assignee, not by joining every action
    # to the memberships.
    member_actions = Action.objects.filter(
        assignee__isnull=False, assignee__membership__unit__path__startswith=unit.path
    )
    if decision is not None:
        member_actions = member_actions.filter(decision=decision)
    actions = Action.objects.filter(
        Q(unit_path__startswith=unit.path) | Q(pk__in=member_actions.values("pk"))
    )
    if decision is not None:
        actions = actions.filter(decision=decision)
    today = timezone.localdate()
    unreported = ~Exists(Report.objects.filter(action_id=OuterRef("pk")))
    # Is the parent in this table (``unit`` and below)? In the row's table (the child below)?
    parent_inside = Q(parent__isnull=False) & Q(parent__unit_path__startswith=unit.path)
    parent_in_row = Q(parent__isnull=False) & Q(parent_child=F("child"))
    per_child = (
        actions.annotate(at_path=_path_of_action())
        .annotate(
            child=unit_below(unit, "at_path"),
            parent_child=unit_below(unit, "parent__unit_path"),
        )
        .order_by()
        .values("child")
        .annotate(
            n_asked=Count("pk", filter=~parent_inside),
            n_target=Coalesce(Sum("target", filter=~parent_inside), 0),
            n_asked_row=Count("pk", filter=~parent_in_row),
            n_target_row=Coalesce(Sum("target", filter=~parent_in_row), 0),
            n_overdue=Count("pk", filter=Q(due_on__lt=today) & Q(unreported)),
        )
        .values_list("child", "n_asked", "n_target", "n_asked_row", "n_target_row", "n_overdue")
    )
    action_ids = actions.values("pk")
    commitments = _sum_per_child(Commitment.objects.all(), "amount", action_ids, unit)
    reports = _sum_per_child(
        Report.objects.filter(correction__isnull=True), "figure", action_ids, unit
    )
    children = {str(u.pk): u for u in unit.children.all()}
    total = Row(unit=unit)
    by_child: dict[str, Row] = {}

    def row_for(child: str) -> Row | None:
        # A path below a current child unit counts in that child's row (a path naming no
        # current child -- say, a unit since moved away -- counts in the total only).
        if child not in children:
            return None
        if child not in by_child:
            by_child[child] = Row(unit=children[child])
        return by_child[child]

    for child, asked, target, asked_row, target_row, overdue in per_child:
        total.asked += asked
        total.target += target or 0
        total.overdue += overdue
        row = row_for(child)
        if row is not None:
            row.asked += asked_row
            row.target += target_row or 0
            row.overdue += overdue
    for child, amount, n in commitments:
        for row in (total, row_for(child)):
            if row is not None:
                row.committed += amount or 0
                row.commitments += n
    for child, figure, n in reports:
        for row in (total, row_for(child)):
            if row is not None:
                row.reported += figure or 0
                row.reports += n
    return total, sorted(by_child.values(), key=lambda r: r.unit.name if r.unit else "")


def top_level_actions(decision: Decision) -> QuerySet[Action]:
    """The actions the deciding body assigned itself (not those passed down), each with how
    many were passed down from it, counted by the database: a national action may cascade
    to thousands of branches, which the action's own page lists."""
    passed_down = (
        Action.objects.filter(parent_id=OuterRef("pk"))
        .order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        decision.actions.filter(parent__isnull=True)
        .select_related("unit", "assignee")
        .only(
            "title",
            "due_on",
            "target",
            "measure",
            "decision_id",
            "parent_id",
            "unit__name",
            "assignee__full_name",
        )
        .annotate(passed_down=Coalesce(Subquery(passed_down), 0))
    )


def report_count(decision: Decision) -> int:
    """How many reports back have been made on the decision's actions, at every level (a
    corrected report and its correction count once)."""
    return Report.objects.filter(action__decision=decision, correction__isnull=True).count()


def decisions_register(
    *,
    body_id: int | None = None,
    unit: Unit | None = None,
    status: str = "",
    query: str = "",
    public_only: bool = False,
) -> QuerySet[Decision]:
    decisions = Decision.objects.select_related("body", "scope").order_by("-created_at")
    if public_only:
        decisions = decisions.filter(is_public=True)
    if body_id:
        decisions = decisions.filter(body_id=body_id)
    if unit is not None:
        # Decisions binding this unit: made by it or by any unit above it.
        decisions = decisions.filter(scope_id__in=unit.ancestor_ids)
    if status:
        decisions = decisions.filter(status=status)
    if query:
        decisions = decisions.filter(
            Q(title__icontains=query) | Q(text__icontains=query) | Q(number__iexact=query)
        )
    return decisions


def commitments_due(user: Any) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(user_id=user.pk, reports__isnull=True)
        .select_related("action")
        .order_by("due_on")
    )
