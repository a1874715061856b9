"""GET /api/v1/search: the page's search as JSON; errors as {"detail": …}."""

from __future__ import annotations

import pytest

from iskra.search.models import Kind
from tests.api.test_api import Api, is_error
from tests.search.conftest import Library

pytestmark = pytest.mark.django_db


def test_a_member_searches(library: Library) -> None:
    response = Api(library.world.member).get("/search", q="library picket")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "" and body["page"] == 1
    assert {c["kind"]: c["count"] for c in body["counts"]} == {
        Kind.MOTION: 0,
        Kind.DECISION: 0,
        Kind.MEETING: 1,
        Kind.POST: 0,
    }
    (hit,) = body["results"]
    assert hit["id"] == library.meeting_a.pk
    assert hit["url"] == f"/meetings/{library.meeting_a.pk}/"
    assert "<mark>picket</mark>" in hit["snippet"]
    assert hit["place"] == "Branch A Committee"


def test_members_are_for_officers_within_their_units(library: Library) -> None:
    world = library.world
    response = Api(world.secretary).get("/search", q="mo member", kind="member")
    assert [r["title"] for r in response.json()["results"]] == ["Mo Member"]
    response = Api(world.secretary).get("/search", q="oscar", kind="member")
    assert response.json()["results"] == []
    response = Api(world.member).get("/search", q="mo member", kind="member")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert "member" not in {c["kind"] for c in response.json()["counts"]}


def test_visitors_find_public_decisions_and_a_bad_token_is_refused(library: Library) -> None:
    response = Api(None).get("/search", q="library")
    assert [r["id"] for r in response.json()["results"]] == [library.public_decision.pk]
    client = Api(None)
    client.headers["HTTP_AUTHORIZATION"] = "Bearer isk_nonsense"
    is_error(client.get("/search", q="library"), 401)


def test_bad_input_is_a_4xx_with_a_detail(library: Library) -> None:
    api = Api(library.world.member)
    is_error(api.get("/search", q="library\x00"), 422)
    is_error(api.get("/search", q="x" * 201), 422)
    is_error(api.get("/search"), 422)
    is_error(api.get("/search", q="library", kind="ballot"), 400)
    is_error(api.get("/search", q="library", page=0), 422)
    is_error(api.get("/search", q="library", page=10**30), 422)
    response = api.get("/search", q='NEAR("library" -x:*')
    assert response.status_code == 200


def test_paging_one_kind(library: Library) -> None:
    api = Api(library.world.member)
    body = api.get("/search", q="library", kind="motion", page=3).json()
    assert (body["page"], body["pages"], len(body["results"])) == (1, 1, 3)
