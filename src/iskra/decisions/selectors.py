"""Accountability: what was asked, promised and done, rolled up the tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from iskra.decisions.models import Action, Commitment, Decision, Report
from iskra.organisation.models import Unit


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
    action_ids: list[int] = field(default_factory=list)

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


def dashboard(*, decision: Decision | None = None, unit: Unit) -> tuple[Row, list[Row]]:
    """Totals for ``unit`` and for each unit directly below it, over every action assigned
    within the unit (optionally for one decision). A fixed number of queries: the report
    sums, the child units, then the actions with their commitment sums."""
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
    rows = actions.annotate(
        committed=Sum("commitments__amount", distinct=False),
        n_commitments=Count("commitments", distinct=True),
    ).values("pk", "unit_path", "target", "due_on", "committed", "n_commitments", "parent_id")
    reports: dict[int, int] = {}
    report_counts: dict[int, int] = {}
    for action_id, total_figure, n in (
        Report.objects.filter(action__in=actions.values("pk"))
        .values("action_id")
        .annotate(total=Sum("figure"), n=Count("pk"))
        .values_list("action_id", "total", "n")
    ):
        reports[action_id], report_counts[action_id] = total_figure or 0, n
    depth = unit.path.count("/")
    children = {u.pk: u for u in unit.children.all()}
    total = Row(unit=unit)
    by_child: dict[int, Row] = defaultdict(lambda: Row(unit=None))
    for row in rows:
        reported = reports.get(row["pk"]) or 0
        n_reports = report_counts.get(row["pk"], 0)
        target = row["target"] or 0
        overdue = int(row["due_on"] < today and n_reports == 0)
        targets = [total]
        parts = row["unit_path"].strip("/").split("/") if row["unit_path"] else []
        if len(parts) >= depth:
            child_id = int(parts[depth - 1])
            if child_id in children:
                child_row = by_child[child_id]
                child_row.unit = children[child_id]
                targets.append(child_row)
        for t in targets:
            t.asked += 1
            t.target += target
            t.committed += row["committed"] or 0
            t.commitments += row["n_commitments"]
            t.reported += reported
            t.reports += n_reports
            t.overdue += overdue
    return total, sorted(by_child.values(), key=lambda r: r.unit.name if r.unit else "")


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
