"""The API of leaflets and pamphlets: the same services as the desk's pages
(``iskra.press.leaflets``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from iskra.accounts.api_auth import request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import Input, PathId
from iskra.core.errors import NotFound
from iskra.press import leaflets
from iskra.press.models import Leaflet
from iskra.press.permissions import can_read, load_desk

router = Router(tags=["press"])


class LeafletIn(Input):
    title: str = Field(max_length=120)
    front: str = Field(max_length=6000)
    back: str = Field("", max_length=24000)
    layout: Literal["leaflet", "pamphlet"] = "leaflet"
    size: Literal["a5", "a4"] = "a5"
    qr_target: Literal["join", "paper", "url"] = "join"
    qr_url: str = Field("", max_length=300, description="For qr_target url: https://…")
    qr_label: str = Field("", max_length=80)


class LeafletOut(Schema):
    id: int
    publication_id: int
    title: str
    front: str
    back: str
    layout: str
    size: str
    qr_target: str
    qr_url: str
    qr_label: str
    updated_at: dt.datetime
    pdf: str = Field(description="The print-ready PDF's address (a page of the site).")

    @staticmethod
    def resolve_pdf(obj: Leaflet) -> str:
        return f"/leaflets/{obj.pk}.pdf"


def _leaflet(user: Any, leaflet_id: int) -> Leaflet:
    item = Leaflet.objects.select_related("publication__unit").filter(pk=leaflet_id).first()
    if item is None or not can_read(user, item.publication):
        raise NotFound("No such leaflet.")
    return item


@router.get("/publications/{publication_id}/leaflets", response={200: list[LeafletOut], **ERRORS})
def list_leaflets(request: HttpRequest, publication_id: PathId) -> Any:
    """The publication's leaflets (its desk)."""
    user = request_user(request)
    return list(load_desk(user, publication_id).leaflets.all()[:200])


@router.post("/publications/{publication_id}/leaflets", response={201: LeafletOut, **ERRORS})
def create_leaflet(request: HttpRequest, publication_id: PathId, payload: LeafletIn) -> Any:
    """Make a leaflet or a pamphlet (the publication's staff)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    return Status(201, leaflets.save_leaflet(actor=user, publication=publication, **payload.dict()))


@router.put("/leaflets/{leaflet_id}", response={200: LeafletOut, **ERRORS})
def update_leaflet(request: HttpRequest, leaflet_id: PathId, payload: LeafletIn) -> Any:
    """Change a leaflet (the publication's staff)."""
    user = request_user(request)
    item = _leaflet(user, leaflet_id)
    return leaflets.save_leaflet(
        actor=user, publication=item.publication, leaflet=item, **payload.dict()
    )
