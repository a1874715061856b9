"""Leaflets and pamphlets: made on the desk from two templates (a two-sided leaflet, a pamphlet
with a cover), A5 or A4, each with a QR code (segno) to the join page, the paper, or another
address, and printed from a PDF rendered by ``iskra.core.pdf.render_pdf`` (nothing fetched: the
QR code is an SVG data: URI)."""

from __future__ import annotations

import hashlib
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.markdown import render_markdown
from iskra.core.pdf import render_pdf
from iskra.organisation.permissions import require
from iskra.press.models import Leaflet, Publication
from iskra.press.permissions import is_editor
from iskra.press.services import FieldError

MAX_SIDE = 6000
PAGE_SIZES: dict[str, str] = {Leaflet.Size.A5: "148mm 210mm", Leaflet.Size.A4: "210mm 297mm"}


def _check(
    *, title: str, front: str, back: str, qr_target: str, qr_url: str, layout: str, size: str
) -> tuple[str, str, str, str]:
    title, qr_url = title.strip(), qr_url.strip()
    if not title:
        raise FieldError("title", "Give the leaflet a title.")
    if not front.strip():
        raise FieldError("front", "Write what goes on the front.")
    if len(front) > MAX_SIDE:
        raise FieldError("front", f"The front takes at most {MAX_SIDE:,} characters.")
    if len(back) > MAX_SIDE * 4:
        raise FieldError("back", f"The text takes at most {MAX_SIDE * 4:,} characters.")
    if layout not in Leaflet.Layout.values:
        raise FieldError("layout", "Choose a leaflet or a pamphlet.")
    if size not in Leaflet.Size.values:
        raise FieldError("size", "Choose A5 or A4.")
    if qr_target not in Leaflet.Target.values:
        raise FieldError("qr_target", "Choose where the QR code leads.")
    if qr_target == Leaflet.Target.URL:
        if (
            not qr_url.startswith("https://")
            or len(qr_url) > 300
            or any(c.isspace() for c in qr_url)
        ):
            raise FieldError("qr_url", "Give the full address, starting https://.")
    else:
        qr_url = ""
    return title, front, back, qr_url


def save_leaflet(
    *,
    actor: Any,
    publication: Publication,
    leaflet: Leaflet | None = None,
    title: str,
    front: str,
    back: str = "",
    layout: str = Leaflet.Layout.LEAFLET,
    size: str = Leaflet.Size.A5,
    qr_target: str = Leaflet.Target.JOIN,
    qr_url: str = "",
    qr_label: str = "",
) -> Leaflet:
    """Make a leaflet, or change one (the publication's editors: a leaflet is printed by every
    branch as soon as it is saved, with no desk to pass through)."""
    require(
        is_editor(actor, publication), f"Only the editors of {publication.name} make its leaflets."
    )
    title, front, back, qr_url = _check(
        title=title,
        front=front,
        back=back,
        qr_target=qr_target,
        qr_url=qr_url,
        layout=layout,
        size=size,
    )
    now = timezone.now()
    with transaction.atomic():
        item = leaflet or Leaflet(publication=publication, created_by=actor, created_at=now)
        item.title, item.front, item.back = title, front, back
        item.layout, item.size = layout, size
        item.qr_target, item.qr_url, item.qr_label = qr_target, qr_url, qr_label.strip()[:80]
        item.updated_at = now
        item.save()
        record(
            actor=actor,
            action="press.leaflet.save" if leaflet else "press.leaflet.create",
            obj=item,
            data={
                "title": title,
                "layout": layout,
                "size": size,
                "qr": qr_url or qr_target,
                "text_sha256": hashlib.sha256(f"{front}\0{back}".encode()).hexdigest(),
            },
        )
    return item


_LABELS: dict[str, str] = {"join": "Join us", "paper": "Read {}"}


def qr_address(leaflet: Leaflet) -> str:
    if leaflet.qr_target == Leaflet.Target.URL:
        return leaflet.qr_url
    if leaflet.qr_target == Leaflet.Target.PAPER:
        return settings.SITE_URL + reverse("press:front", args=[leaflet.publication.slug])
    return settings.SITE_URL + reverse("members:join")


def leaflet_pdf(leaflet: Leaflet) -> bytes:
    return render_pdf(leaflet_html(leaflet))


def leaflet_html(leaflet: Leaflet) -> str:
    address = qr_address(leaflet)
    return render_to_string(
        "press/print_leaflet.html",
        {
            "leaflet": leaflet,
            "publication": leaflet.publication,
            "front": render_markdown(leaflet.front),
            "back": render_markdown(leaflet.back),
            "page_size": PAGE_SIZES.get(leaflet.size, PAGE_SIZES[Leaflet.Size.A5]),
            "qr": segno.make(address, error="m").svg_data_uri(scale=4, border=2),
            "address": address,
            "label": leaflet.qr_label
            or _LABELS.get(leaflet.qr_target, "Find out more").format(leaflet.publication.name),
        },
    )
