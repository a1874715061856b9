"""Leaflets and pamphlets: made on the desk, printed as a PDF with a QR code, bad input refused."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.core.errors import DomainError, PermissionDenied
from iskra.press import leaflets
from iskra.press.models import Leaflet
from tests.press.conftest import Paper


def _pages(leaflet: Leaflet) -> int:
    """The pages WeasyPrint lays the leaflet out on (its data: QR code needs no fetching)."""
    from weasyprint import HTML

    return len(HTML(string=leaflets.leaflet_html(leaflet)).render().pages)


def test_a_two_sided_leaflet_with_a_qr_code_to_the_join_page(paper: Paper) -> None:
    leaflet = leaflets.save_leaflet(
        actor=paper.editor,
        publication=paper.publication,
        title="Save our library",
        front="The council wants to close **Riverside Library**.",
        back="Come to the meeting on Thursday.",
    )
    assert leaflets.qr_address(leaflet) == "http://127.0.0.1:8000/join/"
    pdf = leaflets.leaflet_pdf(leaflet)
    assert pdf.startswith(b"%PDF")
    assert _pages(leaflet) == 2
    assert 'src="data:image/svg+xml' in leaflets.leaflet_html(leaflet)


def test_bad_leaflets_are_refused_with_nothing_written(paper: Paper) -> None:
    for fields, message in (
        ({"title": ""}, "title"),
        ({"front": " "}, "front"),
        ({"qr_target": "url", "qr_url": "javascript:alert(1)"}, "https://"),
        ({"qr_target": "url", "qr_url": "http://example.org/"}, "https://"),
        ({"size": "a3"}, "A5 or A4"),
    ):
        args = {"title": "T", "front": "F", **fields}
        with pytest.raises(DomainError, match=message):
            leaflets.save_leaflet(actor=paper.editor, publication=paper.publication, **args)  # type: ignore[arg-type]
    # Writers and sub-editors do not: a saved leaflet is printed at once by every branch.
    for someone in (paper.world.member, paper.writer, paper.sub_editor):
        with pytest.raises(PermissionDenied):
            leaflets.save_leaflet(
                actor=someone, publication=paper.publication, title="T", front="F"
            )
    assert not Leaflet.objects.exists()


def test_the_desk_makes_a_leaflet_and_a_member_prints_it(paper: Paper) -> None:
    client = Client()
    client.force_login(paper.writer)
    url = f"/desk/{paper.publication.pk}/leaflets/new/"
    assert client.get(url).status_code == 403
    client.force_login(paper.editor)
    page = client.post(
        url,
        {
            "title": "Join the union",
            "layout": "leaflet",
            "size": "a5",
            "front": "Together we win.",
            "qr_target": "url",
            "qr_url": "",
        },
    )
    assert "Give the full address" in page.content.decode()
    assert "Together we win." in page.content.decode()
    response = client.post(
        url,
        {
            "title": "Join the union",
            "layout": "pamphlet",
            "size": "a4",
            "front": "Together we win.",
            "back": "## Why\n\nBecause.",
            "qr_target": "join",
        },
    )
    leaflet = Leaflet.objects.get()
    assert response.status_code == 302
    member = Client()
    member.force_login(paper.world.member)
    pdf = member.get(f"/leaflets/{leaflet.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Client().get(f"/leaflets/{leaflet.pk}.pdf").status_code == 302  # sign in first
    outsider = Client()
    outsider.force_login(paper.world.outsider)
    paper.publication.is_public = False
    paper.publication.save()
    assert outsider.get(f"/leaflets/{leaflet.pk}.pdf").status_code == 404
