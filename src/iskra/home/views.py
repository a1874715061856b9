"""Pages that gather several apps: the member's home (who they are here, the seats they hold,
what needs them) and a unit's page (its structure from organisation, its member counts from
members, the motions before it from motions)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iskra.core.errors import NotFound
from iskra.core.web import domain_view
from iskra.home.selectors import what_needs_me
from iskra.members.models import Membership
from iskra.members.permissions import can_view_branch_members
from iskra.members.selectors import unit_member_counts
from iskra.motions.selectors import before_unit
from iskra.organisation import selectors as organisation_selectors
from iskra.organisation.forms import BodyForm, MoveUnitForm, UnitForm
from iskra.organisation.models import Body, SeatHolding, Unit
from iskra.organisation.permissions import bodies_run_by_q, can_manage_structure, load_unit


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.pk is not None
    membership = (
        Membership.objects.select_related("unit", "unit__kind").filter(user_id=user.pk).first()
    )
    holdings = (
        SeatHolding.objects.current().filter(holder_id=user.pk).select_related("seat__body__unit")
    )
    return render(
        request,
        "home/home.html",
        {
            "membership": membership,
            "needs": what_needs_me(user, membership=membership),
            "holdings": holdings,
        },
    )


@domain_view
def unit_root(request: HttpRequest) -> HttpResponse:
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise NotFound("The organisation has no units yet.")
    return unit_detail(request, root.pk)


@domain_view
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = load_unit(request.user, unit_id)
    bodies = list(organisation_selectors.bodies_with_seats(unit))
    context = {
        "unit": unit,
        "breadcrumbs": organisation_selectors.breadcrumbs(unit),
        "children": organisation_selectors.unit_children(unit),
        "bodies": bodies,
        # The bodies whose meetings this person calls: "Call a meeting" beside each.
        "runs_meetings": set(
            Body.objects.filter(pk__in=[b.pk for b in bodies])
            .filter(bodies_run_by_q(request.user))
            .values_list("pk", flat=True)
        ),
        "counts": unit_member_counts(unit),
        "can_manage": can_manage_structure(request.user, unit),
        "can_list_members": can_view_branch_members(request.user, unit),
        "moves": unit.moves.select_related("from_parent", "to_parent")[:10],
        # What is before this unit for discussion, soonest deadline first.
        "before_us": before_unit(unit)[:20],
        "unit_form": UnitForm(),
        "body_form": BodyForm(),
        "move_form": MoveUnitForm(),
    }
    return render(request, "organisation/unit_detail.html", context)
