from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler400``: the site's own page; a body over the upload limit is a 413."""
    too_large = isinstance(exception, RequestDataTooBig)
    return render(request, "400.html", {"too_large": too_large}, status=413 if too_large else 400)
