"""The one place that speaks each database's full-text language.

``matching(entries, terms)`` keeps the entries holding every word; ``ranked(entries, terms)``
does the same and annotates each with ``rank`` (higher is better), on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import F, QuerySet
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


def ranked(entries: QuerySet[Entry], terms: Terms, kind: str = "") -> QuerySet[Entry]:
    if connection.vendor == "postgresql":
        return matching(entries, terms).annotate(rank=SearchRank(_DOCUMENT, _tsquery(terms)))
    # FTS5's rank (bm25, the title weighing four times the text) is only known inside the
    # virtual table's own query, so the table joins the entries: ``extra`` is Django's way to
    # name a table the models do not know.
    return entries.extra(  # noqa: S610 - constant SQL; the words are a bound parameter
        tables=["search_entry_fts"],
        where=_FTS_WHERE,
        params=[terms.fts5(kind)],
        # Weights by column: the kind counts nothing, the title four times the text.
        select={"rank": "-bm25(search_entry_fts, 0.0, 4.0, 1.0)"},
    )


@contextmanager
def session() -> Iterator[None]:
    """The queries of one search, in one transaction: on PostgreSQL without parallel workers,
    which take longer to start (8-11 ms measured) than these queries take."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def newest_ranked(
    entries: QuerySet[Entry], terms: Terms, limit: int, *, kind: str
) -> list[tuple[int, float]]:
    """(id, rank) of the ``limit`` newest ``entries`` (all of one ``kind``) holding every word,
    newest by their source row, in no particular order; only those ``limit`` are ranked."""
    if connection.vendor == "postgresql":
        found = matching(entries, terms)
        window = found.order_by("-object_id").values("id")[:limit]
        sql, params = window.query.get_compiler(connection=connection).as_sql()
        ranking = [terms.tsquery(), *params]
        # First among the kind's newest PROBE entries only: a common word fills the window
        # there, reading a few thousand rows instead of every match. If it does not, a second
        # look as deep as the first one's share of matches says the window needs, unless that
        # is deeper than MAX_PROBE. The CTE shadows the table for the window's own query (a
        # non-recursive CTE's body still reads the real table).
        with connection.cursor() as cursor:
            depth = PROBE * limit
            for _ in range(2):
                cursor.execute(_probe(sql), [kind, int(depth), *ranking])
                rows = cursor.fetchall()
                if len(rows) >= limit:
                    break
                # As deep again as this share of matches needs, with a quarter to spare.
                depth = depth * limit * 5 // (4 * max(len(rows), 1))
                if depth > MAX_PROBE * limit:
                    break
            if len(rows) < limit:
                # A rarer word in this kind: every match, from the kind's GIN index, then the
                # rank of the newest. Ordered by an expression, so that no index can give the
                # order: the planner's statistics are the whole table's (a word common in
                # motions may be in no member's name), and walking a kind's index backwards
                # to find a rare word reads every row of the kind.
                everything = found.order_by((F("object_id") + 0).desc()).values("id")[:limit]
                sql, params = everything.query.get_compiler(connection=connection).as_sql()
                cursor.execute(_rank_window(sql), [terms.tsquery(), *params])
                rows = cursor.fetchall()
        return [(int(row[0]), float(row[1])) for row in rows]
    # In the FTS table's own order, so SQLite reads its matches newest first and stops there;
    # the kind is in the FTS query, so FTS5 reads this kind's matches only.
    return list(
        ranked(entries, terms, kind)
        .extra(order_by=["-search_entry_fts.rowid"])
        .values_list("id", "rank")[:limit]
    )


# How many of a kind's newest entries are read first, before every match is looked up (times
# the matches wanted: a word in more than two fifths of them fills the window at once); and
# how deep a second look may go (a word in more than one eighth).
PROBE = 2.5
MAX_PROBE = 8


def _rank_window(window: str) -> str:
    """The rank of the window's entries alone (ids only go through the window's joins). The
    window's SQL is joined as it is (not through str.format: it may hold braces)."""
    return (
        "SELECT ranked.id, ts_rank(ranked.document, to_tsquery('simple', %s)) "
        "FROM search_entry ranked JOIN (" + window + ") window_ ON window_.id = ranked.id"
    )


def _probe(window: str) -> str:
    """The window among the kind's newest entries (as many as the depth parameter says): the
    CTE, named as the table, stands for it in the window's own query. Parameters: the kind,
    the depth, then the rank's and the window's."""
    return (
        "WITH search_entry AS MATERIALIZED (SELECT id, kind, object_id, document "
        "FROM search_entry WHERE kind = %s ORDER BY kind, object_id DESC LIMIT %s) "
        + _rank_window(window)
    )


_FTS_WHERE = ["search_entry_fts.rowid = search_entry.id", "search_entry_fts MATCH %s"]


def _tsquery(terms: Terms) -> SearchQuery:
    # A raw tsquery, built by ``Terms.tsquery`` from quoted words only (so the last word can be
    # a prefix, which websearch_to_tsquery cannot do), in the index's configuration. Matching
    # it on a SearchVectorField is ``document @@ query``, the test the GIN index answers.
    return SearchQuery(terms.tsquery(), search_type="raw", config="simple")
