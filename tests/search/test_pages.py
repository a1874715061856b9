"""The search page and the box in the site's header."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.accounts.models import User
from tests.search.conftest import Library

pytestmark = pytest.mark.django_db


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_signed_in_pages_carry_the_search_box(library: Library) -> None:
    page = _client(library.world.member).get("/").content.decode()
    assert 'action="/search/"' in page and 'role="search"' in page


def test_the_page_shows_results_grouped_by_kind(library: Library) -> None:
    response = _client(library.world.member).get("/search/", {"q": "library"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 results for “library”" in page
    assert f'href="/motions/{library.motion.pk}/"' in page
    assert f'href="/motions/{library.motion.pk}/#post-{library.post.pk}"' in page
    assert "Branch B library meeting" not in page
    assert "Motions (3)" in page and "Meetings (1)" in page
    assert "Members (" not in page


def test_one_kind_and_the_htmx_partial(library: Library) -> None:
    client = _client(library.world.officer)
    response = client.get("/search/", {"q": "library", "kind": "meeting"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert "Branch A library meeting" in page and "Branch B library meeting" in page
    assert "Riverside" not in page


def test_an_officer_finds_members_with_links_to_their_records(library: Library) -> None:
    page = _client(library.world.secretary).get("/search/", {"q": "mo mem"}).content.decode()
    membership = library.world.member.membership
    assert f'href="/members/{membership.pk}/"' in page
    assert "member@example.org" not in page


def test_visitors_find_public_decisions(library: Library) -> None:
    page = _client(None).get("/search/", {"q": "library"}).content.decode()
    assert f'href="/decisions/{library.public_decision.pk}/"' in page
    assert f'href="/decisions/{library.decision.pk}/"' not in page
    assert "Motions (" not in page


def test_bad_text_is_a_form_error_that_keeps_what_was_typed(library: Library) -> None:
    client = _client(library.world.member)
    response = client.get("/search/", {"q": "library\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    long = "library " + "x" * 200
    response = client.get("/search/", {"q": long})
    assert response.status_code == 400
    assert long in response.content.decode()
    response = client.get("/search/", {"q": "library", "kind": "ballot"})
    assert response.status_code == 400


def test_snippets_are_escaped_on_the_page(library: Library) -> None:
    library.post.text = "<img src=x onerror=alert(1)> library"
    library.post.save()
    page = _client(library.world.member).get("/search/", {"q": "library"}).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>library</mark>" in page


def test_the_page_without_a_search_is_just_the_form(library: Library) -> None:
    response = _client(library.world.member).get("/search/")
    assert response.status_code == 200
    assert 'id="search-count"' not in response.content.decode()


def test_pages_of_one_kind(library: Library) -> None:
    from django.utils import timezone

    from iskra.motions.models import Motion

    for n in range(25):
        Motion.objects.create(
            body=library.world.national_committee,
            title=f"Picket {n}",
            text="Picket line.",
            created_by=library.world.member,
            created_at=timezone.now(),
        )
    client = _client(library.world.member)
    page = client.get("/search/", {"q": "picket", "kind": "motion"}).content.decode()
    assert "Page 1 of 2" in page and "kind=motion&amp;page=2" in page
    page = client.get("/search/", {"q": "picket", "kind": "motion", "page": "2"}).content.decode()
    assert "Page 2 of 2" in page
    page = client.get("/search/", {"q": "picket", "kind": "motion", "page": "x"}).content.decode()
    assert "Page 1 of 2" in page
