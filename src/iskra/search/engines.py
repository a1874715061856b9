"""The one place that speaks each database's full-text language.

``matching(entries, terms)`` keeps the entries holding every word; ``ranked(entries, terms)``
does the same and annotates each with ``rank`` (higher is better), on PostgreSQL and SQLite.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from iskra.search.models import Entry
from iskra.search.query import Terms

# The generated column (migration 0002) is not a model field: Django must never write it.
_DOCUMENT = RawSQL("search_entry.document", [], output_field=SearchVectorField())


def matching(entries: QuerySet[Entry], terms: Terms) -> QuerySet[Entry]:
    if connection.vendor == "postgresql":
        return entries.alias(document=_DOCUMENT).filter(document=_tsquery(terms))
    return entries.extra(  # noqa: S610 - constant SQL; the words are a bound parameter
        tables=["search_entry_fts"], where=_FTS_WHERE, params=[terms.fts5()]
    )


def ranked(entries: QuerySet[Entry], terms: Terms) -> QuerySet[Entry]:
    if connection.vendor == "postgresql":
        return matching(entries, terms).annotate(rank=SearchRank(_DOCUMENT, _tsquery(terms)))
    # FTS5's rank (bm25, the title weighing four times the text) is only known inside the
    # virtual table's own query, so the table joins the entries: ``extra`` is Django's way to
    # name a table the models do not know.
    return entries.extra(  # noqa: S610 - constant SQL; the words are a bound parameter
        tables=["search_entry_fts"],
        where=_FTS_WHERE,
        params=[terms.fts5()],
        select={"rank": "-bm25(search_entry_fts, 4.0, 1.0)"},
    )


def newest_ranked(entries: QuerySet[Entry], terms: Terms, limit: int) -> list[tuple[int, float]]:
    """(id, rank) of the ``limit`` newest entries holding every word."""
    if connection.vendor == "postgresql":
        # ``rank`` is ranked()'s annotation, which the type checker's plugin cannot follow.
        found = ranked(entries, terms).order_by("-id")
        return list(found.values_list("id", "rank")[:limit])  # type: ignore[misc]
    # In the FTS table's own order, so SQLite reads its matches newest first and stops there.
    return list(
        ranked(entries, terms)
        .extra(order_by=["-search_entry_fts.rowid"])
        .values_list("id", "rank")[:limit]
    )


_FTS_WHERE = ["search_entry_fts.rowid = search_entry.id", "search_entry_fts MATCH %s"]


def _tsquery(terms: Terms) -> SearchQuery:
    # A raw tsquery, built by ``Terms.tsquery`` from quoted words only (so the last word can be
    # a prefix, which websearch_to_tsquery cannot do), in the index's configuration. Matching
    # it on a SearchVectorField is ``document @@ query``, the test the GIN index answers.
    return SearchQuery(terms.tsquery(), search_type="raw", config="simple")
