from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from iskra.core.glossary import TERMS


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler400``: the site's own page; a body over the upload limit is a 413."""
    too_large = isinstance(exception, RequestDataTooBig)
    return render(request, "400.html", {"too_large": too_large}, status=413 if too_large else 400)


@login_not_required
def glossary(request: HttpRequest) -> HttpResponse:
    """The movement's words in plain ones, one anchor per term (linked by ``{% term %}``)."""
    return render(request, "core/glossary.html", {"terms": TERMS})
