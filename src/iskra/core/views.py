from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from iskra.core.selectors import what_needs_me
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
        "core/home.html",
        {
            "membership": membership,
            "needs": what_needs_me(user, membership=membership),
            "holdings": holdings,
        },
    )


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
