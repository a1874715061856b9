"""SQLite: the FTS5 table holds each entry's kind as a column of its own, so that a search of one
kind is one FTS5 query (``kind : "motion" AND {title text} : (…)``) that FTS5 answers from its
own lists, newest first, and stops at the window, instead of walking the matches of every kind
and dropping the other kinds' rows one by one (a common word in posts made a motion search read
every matching post first). The words typed are looked for in the title and the text only.
PostgreSQL: nothing (one GIN index per kind, migration 0003).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


DROP = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def _create(columns: list[str]) -> list[str]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE search_entry_fts USING fts5({names}, content='search_entry', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
        f"INSERT INTO search_entry_fts(rowid, {names}) VALUES (new.id, {new}); END",
        "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
        f"INSERT INTO search_entry_fts(search_entry_fts, rowid, {names}) "
        f"VALUES ('delete', old.id, {old}); END",
        "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry BEGIN "
        f"INSERT INTO search_entry_fts(search_entry_fts, rowid, {names}) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO search_entry_fts(rowid, {names}) VALUES (new.id, {new}); END",
        "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
    ]


FORWARD = DROP + _create(["kind", "title", "text"])
BACKWARD = DROP + _create(["title", "text"])


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_index_per_kind")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
