"""The audit log as officers browse it: the entries about their units (see urls_audit)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iskra.audit.models import AuditEntry
from iskra.core.web import domain_view
from iskra.organisation.permissions import is_any_officer, officer_scope_q, require


@domain_view
def audit_log(request: HttpRequest) -> HttpResponse:
    """Officers browse the entries about their units; administrators see everything."""
    require(is_any_officer(request.user), "The audit log is for officers.")
    entries = (
        AuditEntry.objects.select_related("unit").prefetch_related("personal").order_by("-seq")
    )
    if not request.user.is_superuser:
        entries = entries.filter(officer_scope_q(request.user))
    # NUL cannot be stored or searched for in PostgreSQL text; nothing real contains it.
    action = request.GET.get("action", "").replace("\x00", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": action})
