"""Reads of member data. Every list is already limited to what the person may see."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Count, Q, QuerySet

from iskra.members.models import (
    ACTIVE_STATUSES,
    Application,
    DisciplinaryCase,
    Membership,
    Status,
    Transfer,
)
from iskra.organisation.models import SeatHolding, Unit
from iskra.organisation.permissions import officer_scope_q


def directory(
    user: Any,
    *,
    query: str = "",
    status: str = "",
    unit: Unit | None = None,
    seat_role: str = "",
) -> QuerySet[Membership]:
    """Members within the officer's units, filtered. Ordered by name for stable pages."""
    members = Membership.objects.filter(officer_scope_q(user)).select_related("user", "unit")
    if query:
        query = query.strip()
        # The person's fields are matched on the joined people row, where trigram indexes
        # (PostgreSQL) answer it and the page can be read in name order without looking each
        # person up twice (a subquery on the people table made PostgreSQL do that).
        matches = (
            Q(user__full_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(user__postcode__istartswith=query)
            | Q(user__workplace__icontains=query)
        )
        # Other kinds of match are added only when the text could be one, so the common case
        # (a name) stays a single indexed semi-join rather than a per-row OR over every member.
        if re.fullmatch(r"[A-Za-z]{0,3}\d+", query):
            matches |= Q(number__iexact=query)
        unit_ids = list(Unit.objects.filter(name__iexact=query).values_list("pk", flat=True)[:50])
        if unit_ids:
            matches |= Q(unit_id__in=unit_ids)
        members = members.filter(matches)
    if status:
        members = members.filter(status=status)
    if unit is not None:
        members = members.filter(unit__path__startswith=unit.path)
    if seat_role:
        holders = SeatHolding.objects.current().filter(seat__role=seat_role).values("holder_id")
        members = members.filter(user_id__in=holders)
    return members.order_by("user__full_name", "pk")


def branch_roster(unit: Unit) -> QuerySet[Membership]:
    """What ordinary members see of each other: names in a branch (fields per org policy)."""
    return (
        Membership.objects.filter(unit=unit, status__in=ACTIVE_STATUSES)
        .select_related("user")
        .order_by("user__full_name")
    )


def pending_applications(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(decision=Application.Decision.PENDING)
        .filter(officer_scope_q(user))
        .select_related("membership__user", "unit")
        .order_by("submitted_at")
    )


def incoming_transfers(user: Any) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(state=Transfer.State.PENDING)
        .filter(officer_scope_q(user, "to_unit__path"))
        .select_related("membership__user", "from_unit", "to_unit")
    )


def cases_for(user: Any) -> QuerySet[DisciplinaryCase]:
    """Cases the person is party to or deals with as an officer or body member."""
    bodies = SeatHolding.objects.current().filter(holder_id=user.pk).values("seat__body_id")
    # An administrator's officer scope is the empty Q(), which an OR would silently drop.
    officer_scope = (
        Q(pk__isnull=False)
        if getattr(user, "is_superuser", False)
        else officer_scope_q(user, "membership__unit__path")
    )
    return (
        DisciplinaryCase.objects.filter(
            Q(membership__user_id=user.pk)
            | Q(complainant_id=user.pk)
            | officer_scope
            | Q(deciding_body_id__in=bodies)
            | Q(appeal_body_id__in=bodies)
        )
        .select_related("membership__user", "deciding_body", "appeal_body")
        .distinct()
    )


def unit_member_counts(unit: Unit) -> dict[str, int]:
    rows = (
        Membership.objects.filter(unit__path__startswith=unit.path)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return {
        "members": counts.get(Status.MEMBER, 0),
        "candidates": counts.get(Status.CANDIDATE, 0),
        "applicants": counts.get(Status.APPLICANT, 0),
    }
