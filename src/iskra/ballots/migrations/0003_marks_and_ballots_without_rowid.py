"""On SQLite, rebuild the mark and cast-ballot tables WITHOUT ROWID.

A table with a UUID primary key still has SQLite's implicit rowid, which counts up as rows are
inserted: the n-th mark (→ roll entry → voter) and the n-th ballot were written by the same
vote, so the two rowids paired every ballot with its voter. A WITHOUT ROWID table is stored in
the order of its primary key (a random UUID) and has no other order; its indexes hold the key
too, so they order by their own column and then by the random key, never by insertion.

The rebuild copies each table's own CREATE statement (so the columns, constraints and foreign
keys stay exactly as Django made them), adds WITHOUT ROWID, copies the rows in key order and
recreates the indexes. On PostgreSQL (no rowid) it does nothing.

A later migration that alters one of these tables on SQLite rebuilds it through Django's schema
editor, without this clause: tests/ballots/test_secrecy_schema.py fails if that happens.
"""

from django.db import migrations

TABLES = ["ballots_votemark", "ballots_castballot"]


def _rebuild(schema_editor, *, without_rowid: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
            )
            (create,) = cursor.fetchone()
            create = create.strip()
            has_clause = create.upper().endswith("WITHOUT ROWID")
            if has_clause == without_rowid:
                continue
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes = [row[0] for row in cursor.fetchall()]
            new = f"new__{table}"
            head = f'CREATE TABLE "{table}"'
            assert create.startswith(head), create
            body = create[len(head) :]
            if without_rowid:
                body = f"{body} WITHOUT ROWID"
            else:
                body = body[: -len("WITHOUT ROWID")].rstrip()
            cursor.execute(f'CREATE TABLE "{new}"{body}')
            cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}" ORDER BY id')
            cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
            for index in indexes:
                cursor.execute(index)


def forwards(apps, schema_editor):
    _rebuild(schema_editor, without_rowid=True)


def backwards(apps, schema_editor):
    _rebuild(schema_editor, without_rowid=False)


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0002_ballot_motion"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
