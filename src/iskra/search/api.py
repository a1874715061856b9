"""``GET /api/v1/search``: the same search as the page, as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.params.functions import Query

from iskra.accounts.api_auth import TokenAuth
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import NO_NUL, WORD_FILTER
from iskra.core.errors import DomainError
from iskra.search import selectors
from iskra.search.models import Kind
from iskra.search.query import MAX_LENGTH, QueryError

router = Router(tags=["search"])

# The words searched for: required, bounded, no NUL (refused with a 422 naming ``q``).
SEARCH_TEXT: Any = Query(..., max_length=MAX_LENGTH, pattern=NO_NUL)
PAGE: Any = Query(1, ge=1, le=selectors.MAX_PAGE)


class SearchHitOut(Schema):
    kind: str = Field(description="motion, decision, meeting, post or member")
    id: int = Field(description="The id of the motion, decision, meeting, post or membership.")
    title: str
    snippet: str = Field(
        description="HTML: a short passage, escaped, with the words found in <mark> elements."
    )
    place: str = Field(description="The body (or, for a member, the branch) it belongs to.")
    at: dt.datetime | dt.date | None
    url: str = Field(description="The page of the result on the site.")


class SearchCountOut(Schema):
    kind: str
    label: str
    count: int = Field(
        description="Results of this kind; counting stops past 1000 for the kind asked for, "
        "past 100 for the others."
    )
    more: bool = Field(description="Whether there are more results than ``count``.")


class SearchResultsOut(Schema):
    q: str
    kind: str = Field(description="The kind asked for; empty for every kind.")
    counts: list[SearchCountOut] = Field(
        description="Every kind this person may search, with its number of results."
    )
    results: list[SearchHitOut] = Field(
        description="With a kind, a page of its results, best first; without, the best few of "
        "each kind."
    )
    page: int
    pages: int


def _viewer(request: HttpRequest) -> Any:
    """Visitors may search (they find the public decisions): the token's owner if a token is
    sent (a bad one is refused), else the session's user, else the anonymous visitor."""
    if request.headers.get("Authorization") and TokenAuth()(request) is None:
        raise AuthenticationError
    return request.user


@router.get("/search", auth=None, response={200: SearchResultsOut, **ERRORS})
def search(
    request: HttpRequest,
    q: str = SEARCH_TEXT,
    kind: str = WORD_FILTER,
    page: int = PAGE,
) -> Any:
    """Search motions, decisions, meetings and discussion posts (and, for officers, the
    members within their units): only what the person may open. The last word matches as
    the start of a word. Visitors find the public decisions."""
    try:
        results = selectors.search(_viewer(request), text=q, kind=kind, page=page)
    except QueryError as exc:
        raise DomainError(str(exc)) from None
    labels = dict(Kind.choices)
    return {
        "q": q,
        "kind": results.kind,
        "counts": [
            {
                "kind": k,
                "label": labels[k],
                "count": results.count(k),
                "more": results.more_of(k),
            }
            for k in results.kinds
        ],
        "results": [hit.__dict__ for hit in results.hits],
        "page": results.page,
        "pages": results.pages,
    }
