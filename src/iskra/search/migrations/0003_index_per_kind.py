"""PostgreSQL: one GIN index per kind instead of one for the whole table, without GIN's pending
list (``fastupdate = off``).

Every search asks one kind at a time, so a kind's own index holds only that kind's postings (a
word common in motions costs nothing when members are searched), and with no pending list a
search never scans unsorted recent entries (after a bulk reindex the list held 54 000 entries
and doubled the time of a common word). A kind added to ``Kind`` needs its index here too:
``tests/search/test_engines.py`` checks that every kind has one. SQLite: nothing (FTS5).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

KINDS = ("motion", "decision", "meeting", "post", "member")

POSTGRESQL = ["DROP INDEX IF EXISTS search_entry_document_idx"] + [
    f"CREATE INDEX search_entry_{kind}_document_idx ON search_entry USING gin (document) "
    f"WITH (fastupdate = off) WHERE kind = '{kind}'"
    for kind in KINDS
]
POSTGRESQL_REVERSE = [f"DROP INDEX IF EXISTS search_entry_{kind}_document_idx" for kind in KINDS] + [
    "CREATE INDEX search_entry_document_idx ON search_entry USING gin (document)"
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
