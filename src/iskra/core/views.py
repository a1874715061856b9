from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from iskra.core.glossary import TERMS
from iskra.core.markdown import render_markdown


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


# As long as the longest text any form takes (a motion's, iskra.motions.text.MAX_TEXT).
PREVIEW_MAX = 50_000


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The Markdown field a form names (``field``) rendered as it will be saved: the htmx half of
    ``MarkdownTextarea``'s preview. Only for people signed in (the site's default)."""
    name = request.POST.get("field", "")
    text = request.POST.get(name, "") if name and name != "csrfmiddlewaretoken" else ""
    if len(text) > PREVIEW_MAX:
        return HttpResponse(
            format_html(
                '<p class="error">Too long to preview ({} characters at most).</p>', PREVIEW_MAX
            ),
            status=400,
        )
    body = (
        render_markdown(text)
        if text.strip()
        else format_html('<p class="muted">{}</p>', "Nothing to preview yet.")
    )
    return HttpResponse(
        format_html('<h3 class="preview-heading">Preview</h3><div class="md-body">{}</div>', body)
    )
