"""Pages answer only GET, HEAD, POST and OPTIONS; every other method is 405 with ``Allow``.

Found from outside: function views answered PROPFIND, TRACE, PUT, DELETE and PATCH with their
page (200), as if they were GETs. The test walks every page address of the site (every URL
pattern outside /api/, with 1 for each id), signed in as a national officer and anonymously.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import World

OTHER_METHODS = ["PUT", "PATCH", "DELETE", "TRACE", "PROPFIND", "MKCOL", "CONNECT"]


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _sample(route: str) -> str:
    """A concrete address for a route: 1 for every converter, a word for a string."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"<path:[^>]+>", "x/y", path)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<[^>]+>", "x", path)
    # Regex routes (re_path): drop anchors and take the literal part.
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    return "/" + path.lstrip("/")


def _pages() -> list[str]:
    paths = {_sample(route) for route in _patterns(get_resolver())}
    pages = sorted(p for p in paths if not p.startswith("/api/") and "(" not in p)
    assert len(pages) > 50, pages  # the walk found the site, not an empty list
    return pages


@pytest.mark.parametrize("signed_in", [True, False], ids=["officer", "anonymous"])
def test_no_page_answers_other_methods(world: World, signed_in: bool) -> None:
    client = Client()
    if signed_in:
        client.force_login(world.officer)
    wrong = []
    for path in _pages():
        for method in OTHER_METHODS:
            response = client.generic(method, path)
            if response.status_code != 405 or "POST" not in response.get("Allow", ""):
                wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong[:40])


def test_options_says_what_a_page_allows_and_runs_no_view(world: World) -> None:
    client = Client()
    client.force_login(world.officer)
    response = client.options("/motions/")
    assert response.status_code == 200 and response.content == b""
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_pages_still_answer_get_and_post_and_the_api_keeps_its_own_405(world: World) -> None:
    client = Client()
    client.force_login(world.officer)
    assert client.get("/motions/").status_code == 200
    assert client.head("/motions/").status_code == 200
    # The API answers unknown methods itself, in JSON.
    refused = client.generic("PROPFIND", "/api/v1/motions")
    assert refused.status_code == 405 and "detail" in refused.json()
