"""The audit log as officers browse it: the entries about their units (see urls_audit)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iskra.audit.display import describe, ids_to_name
from iskra.audit.models import AuditEntry
from iskra.core.web import domain_view
from iskra.organisation.models import Body, Unit
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
    rows = [(entry, entry.details) for entry in page]
    names = _names(ids_to_name((entry.action, details) for entry, details in rows))
    shown = [(entry, describe(entry.action, details, names)) for entry, details in rows]
    return render(request, "audit/log.html", {"page": page, "rows": shown, "action": action})


def _names(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The names of the people, units and bodies a page of entries mentions: three queries.
    The viewer sees these entries (their units, or all for an administrator), and the names
    are those the entries' own pages show (a scrutineer, a unit, a body)."""
    names: dict[tuple[str, int], str] = {}
    people = get_user_model().objects.filter(pk__in=wanted["person"]).values_list("pk", "full_name")
    names.update((("person", pk), name) for pk, name in people)
    units = Unit.objects.filter(pk__in=wanted["unit"]).values_list("pk", "name")
    names.update((("unit", pk), name) for pk, name in units)
    bodies = Body.objects.filter(pk__in=wanted["body"]).values_list("pk", "name")
    names.update((("body", pk), name) for pk, name in bodies)
    return names
