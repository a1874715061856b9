"""The directory also matches postcodes by prefix; without an index on that expression the
planner cannot combine the other trigram indexes and scans every person (PostgreSQL only)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS accounts_user_postcode_trgm "
            'ON accounts_user USING gin ((UPPER("postcode"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS accounts_user_postcode_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_people_search_trigram_idx")]

    operations = [migrations.RunPython(create, drop)]
