"""Markdown previews: the htmx endpoint and the form shown again without JavaScript."""

from __future__ import annotations

from django.test import Client

from tests.conftest import World


def _client(world: World) -> Client:
    client = Client()
    client.force_login(world.secretary)
    return client


def test_preview_endpoint_renders_and_sanitises(world: World) -> None:
    response = _client(world).post(
        "/markdown/preview/",
        {"field": "text", "text": "Some *emphasis*\n\n<script>alert(1)</script>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>emphasis</em>" in html
    assert "<script>" not in html


def test_preview_endpoint_needs_a_signed_in_person_and_a_post(world: World) -> None:
    assert Client().post("/markdown/preview/", {"field": "text", "text": "x"}).status_code == 302
    assert _client(world).get("/markdown/preview/").status_code == 405
    empty = _client(world).post("/markdown/preview/", {"field": "text"})
    assert "Nothing to preview yet." in empty.content.decode()
    too_long = _client(world).post("/markdown/preview/", {"field": "text", "text": "x" * 50_001})
    assert too_long.status_code == 400


def test_without_javascript_the_form_comes_back_with_the_preview_and_the_text(
    world: World,
) -> None:
    from iskra.motions.models import Motion

    before = Motion.objects.count()
    response = _client(world).post(
        "/motions/new/",
        {
            "body": world.branch_committee.pk,
            "title": "",
            "text": "A **bold** plan",
            "_preview": "text",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html  # the preview
    assert "A **bold** plan</textarea>" in html  # what was typed, kept
    assert "Please correct" not in html  # a preview is not a submission
    assert Motion.objects.count() == before


def test_form_fields_carry_the_htmx_preview_button(world: World) -> None:
    html = _client(world).get("/motions/new/").content.decode()
    assert 'hx-post="/markdown/preview/"' in html
    assert 'name="_preview"' in html
