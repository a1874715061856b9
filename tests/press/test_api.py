"""The paper's API: the same workflow as the desk, errors as {"detail": …}."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from iskra.accounts.services import issue_token
from iskra.press.models import Article
from tests.press.conftest import Paper


def _api(user: Any) -> Any:
    _token, raw = issue_token(user=user, name="t")
    client = Client()

    def call(method: str, path: str, body: Any = None) -> Any:
        response = client.generic(
            method,
            f"/api/v1{path}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        return response.status_code, response.json() if response.content else None

    return call


def test_an_article_through_the_api_from_draft_to_published(paper: Paper) -> None:
    writer, sub, editor = _api(paper.writer), _api(paper.sub_editor), _api(paper.editor)
    pub = paper.publication.pk
    status, article = writer(
        "POST",
        f"/publications/{pub}/articles",
        {"title": "Porters win", "body": "We won.", "section_id": paper.news.pk},
    )
    assert status == 201 and article["state"] == "draft" and article["next_steps"] == ["submit"]
    assert article["revision"] == 1
    aid = article["id"]
    status, body = writer("POST", f"/articles/{aid}/steps", {"step": "submit"})
    assert status == 200 and body["state"] == "submitted"
    status, body = sub(
        "PATCH",
        f"/articles/{aid}",
        {"title": "Porters win", "body": "We won, together.", "base_revision": 1, "note": "cut"},
    )
    assert status == 200 and body["revision"] == 2
    # A save from the old revision is refused, with nothing written.
    status, body = editor(
        "PATCH", f"/articles/{aid}", {"title": "X", "body": "Y", "base_revision": 1}
    )
    assert status == 400 and "newer version" in body["detail"]
    assert sub("POST", f"/articles/{aid}/steps", {"step": "edited"})[0] == 200
    status, body = sub("POST", f"/articles/{aid}/steps", {"step": "approve"})
    assert status == 403 and "detail" in body
    assert editor("POST", f"/articles/{aid}/steps", {"step": "approve"})[0] == 200
    status, body = editor("POST", f"/articles/{aid}/steps", {"step": "publish"})
    assert status == 200 and body["url"] == "/press/the-spark/articles/porters-win/"
    status, revisions = editor("GET", f"/articles/{aid}/revisions")
    assert [r["number"] for r in revisions] == [2, 1]
    # A member reads it as published: no source, no writer.
    status, body = _api(paper.world.member)("GET", f"/articles/{aid}")
    assert status == 200 and body["body"] is None and body["author_id"] is None
    status, listed = _api(paper.world.member)("GET", f"/publications/{pub}/articles")
    assert [a["id"] for a in listed] == [aid]


def test_bad_input_is_a_clear_4xx(paper: Paper) -> None:
    writer = _api(paper.writer)
    pub = paper.publication.pk
    status, body = writer(
        "POST", f"/publications/{pub}/articles", {"title": "T", "body": "a\u0000"}
    )
    assert status == 422 and "NUL" in body["detail"]
    status, body = writer(
        "POST", f"/publications/{pub}/articles", {"title": "T", "body": "B", "section_id": 999999}
    )
    assert status == 400 and "section_id" in body["detail"]
    status, body = writer("POST", f"/publications/{pub}/articles", {"title": " ", "body": "B"})
    assert status == 400 and "headline" in body["detail"]
    status, article = writer("POST", f"/publications/{pub}/articles", {"title": "T", "body": "B"})
    status, body = writer("POST", f"/articles/{article['id']}/steps", {"step": "print"})
    assert status == 422
    status, body = writer("POST", f"/articles/{article['id']}/steps", {"step": "publish"})
    assert status == 403
    assert Article.objects.count() == 1


def test_a_writer_does_not_see_another_writers_draft(paper: Paper) -> None:
    status, article = _api(paper.writer)(
        "POST", f"/publications/{paper.publication.pk}/articles", {"title": "T", "body": "B"}
    )
    other = _api(paper.other_writer)
    assert other("GET", f"/articles/{article['id']}")[0] == 404
    status, listed = other("GET", f"/publications/{paper.publication.pk}/articles?state=draft")
    assert status == 200 and listed == []
    assert (
        _api(paper.world.member)(
            "GET", f"/publications/{paper.publication.pk}/articles?state=draft"
        )[0]
        == 404
    )


def test_editions_through_the_api(paper: Paper) -> None:
    editor = _api(paper.editor)
    pub = paper.publication.pk
    status, edition = editor(
        "POST", f"/publications/{pub}/editions", {"number": 5, "date": "2026-12-10"}
    )
    assert status == 201
    status, body = editor("POST", f"/editions/{edition['id']}/publish")
    assert status == 400 and "no articles yet" in body["detail"]
    status, body = editor(
        "POST", f"/publications/{pub}/editions", {"number": 5, "date": "2026-12-17"}
    )
    assert status == 400 and "already has a number 5" in body["detail"]
    # Readers see only published editions.
    status, listed = _api(paper.world.member)("GET", f"/publications/{pub}/editions")
    assert status == 200 and listed == []
