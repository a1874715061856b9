"""The member's home: who they are here, the seats they hold, and what needs them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iskra.home.selectors import what_needs_me
from iskra.members.models import Membership
from iskra.organisation.models import SeatHolding


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
