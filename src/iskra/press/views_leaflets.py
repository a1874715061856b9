"""Leaflets and pamphlets on the desk: made and changed by the publication's staff, printed from
their PDF by its staff and by members (a branch prints its own)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from iskra.core.errors import NotFound
from iskra.core.web import domain_view, form_view
from iskra.press import leaflets
from iskra.press.forms import LeafletForm
from iskra.press.models import Leaflet
from iskra.press.permissions import can_read, is_editor, load_desk
from iskra.press.views import _user


def _load(user: object, leaflet_id: int) -> Leaflet:
    item = Leaflet.objects.select_related("publication__unit").filter(pk=leaflet_id).first()
    if item is None or not can_read(user, item.publication):
        raise NotFound("No such leaflet.")
    return item


@require_http_methods(["GET", "POST"])
@domain_view
def edit(
    request: HttpRequest, publication_id: int, leaflet_id: int | None = None
) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    item = None
    if leaflet_id is not None:
        item = Leaflet.objects.filter(pk=leaflet_id, publication=publication).first()
        if item is None:
            raise NotFound("No such leaflet.")
    if not is_editor(user, publication):
        raise Denied(f"Only the editors of {publication.name} make its leaflets.")
    initial = (
        {
            "title": item.title,
            "layout": item.layout,
            "size": item.size,
            "front": item.front,
            "back": item.back,
            "qr_target": item.qr_target,
            "qr_url": item.qr_url,
            "qr_label": item.qr_label,
        }
        if item
        else {"layout": "leaflet", "size": "a5", "qr_target": "join"}
    )
    return form_view(
        request,
        LeafletForm(request.POST or None, initial=initial),
        save=lambda f: leaflets.save_leaflet(
            actor=user, publication=publication, leaflet=item, **f.cleaned_data
        ),
        done=lambda saved: redirect("press:leaflet_edit", publication.pk, saved.pk),
        success="Saved. Print it from its PDF.",
        template="press/leaflet.html",
        context={
            "publication": publication,
            "leaflet": item,
            "title": f"Leaflet: {item.title}" if item else "Make a leaflet",
            "others": list(publication.leaflets.all()[:30]),
        },
    )


@require_GET
@domain_view
def pdf(request: HttpRequest, leaflet_id: int) -> HttpResponseBase:
    item = _load(request.user, leaflet_id)
    response = HttpResponse(leaflets.leaflet_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="leaflet-{item.pk}.pdf"'
    return response


@require_GET
@domain_view
def index(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    return render(
        request,
        "press/leaflets.html",
        {
            "publication": publication,
            "leaflets": list(publication.leaflets.all()),
            "is_editor": is_editor(user, publication),
        },
    )
