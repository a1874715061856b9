"""Trigram indexes for the member directory's search (PostgreSQL only).

``icontains`` becomes ``UPPER(col) LIKE UPPER('%…%')``; GIN trigram indexes on the same
expressions let PostgreSQL answer it without scanning every person. SQLite has no such index
and needs none at its scale, so there this migration does nothing. Creating the extension
needs a privileged role; without it the indexes are skipped with a notice and search still works.
"""

from django.db import migrations

COLUMNS = ("full_name", "email", "workplace")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - lacking the privilege is not an error here.
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print("pg_trgm is not available; directory search works without its indexes.")
            return
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS accounts_user_{column}_trgm "
                f'ON accounts_user USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS accounts_user_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_email_preference")]

    operations = [migrations.RunPython(create, drop)]
