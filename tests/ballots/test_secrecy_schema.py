"""Ballot secrecy in the schema (DESIGN.md invariant 2): nothing stored with a ballot can link
it to a voter. These tests read the models and the live database and fail the moment a ballot
table gains a column, key, default, trigger or index that could: a reference to a person or to
the roll, a time or date, a sequence, or anything named like an address, agent or session.

The tables:
- ``CastBallot`` — the ballot as cast: random id, ballot, tracker, content. Nothing else.
- ``BoardEntry`` — the published board, written at the close in random order.
- ``VoteMark`` — *that* a roll entry voted. Its one-to-one to the roll entry is the roll
  itself, so it may carry nothing else: no time, no order, no content, no link to a ballot.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from iskra.ballots.models import BoardEntry, CastBallot, RollEntry, VoteMark

SECRET_TABLES = [CastBallot, BoardEntry, VoteMark]

# Exactly the columns each table may have. Adding one means changing this list, and the
# reviewer of that change must read the module docstring first.
ALLOWED_COLUMNS = {
    CastBallot: {"id", "ballot_id", "tracker", "content"},
    BoardEntry: {"id", "ballot_id", "position", "tracker", "content", "chain_hash"},
    VoteMark: {"id", "roll_entry_id"},
}
# The only foreign keys, and where they may point.
ALLOWED_REFERENCES = {
    CastBallot: {"ballot_id": "ballots_ballot"},
    BoardEntry: {"ballot_id": "ballots_ballot"},
    VoteMark: {"roll_entry_id": "ballots_rollentry"},
}
# BoardEntry keeps Django's auto-increment id: its rows are all written in one statement at
# the close, in the shuffled order, so the id repeats the published random position and nothing
# else (test_guarantees.test_board_row_ids_carry_no_order_but_the_published_one checks it).
# Rows written at casting time (CastBallot, VoteMark) must have random ids.
SEQUENCE_ALLOWED = {BoardEntry: {"id"}}

SUSPICIOUS_NAME = re.compile(
    r"(^|_)(ip|addr|address|agent|ua|user|users|person|member|voter|session|sess|cookie|"
    r"created|updated|modified|time|times|timestamp|stamp|date|when|at|seq|sequence|serial|"
    r"order|email|phone|device|host|roll|entry|mark|request)($|_)",
    re.IGNORECASE,
)
# Names that match the pattern above but are what the table is for.
NAME_ALLOWED = {VoteMark: {"roll_entry_id"}}

TIME_TYPES = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)
AUTO_TYPES = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _person_models() -> set[type[models.Model]]:
    user = apps.get_model(settings.AUTH_USER_MODEL)
    return {user, RollEntry, apps.get_model("members", "Membership")}


@pytest.mark.parametrize("model", SECRET_TABLES, ids=lambda m: m.__name__)
def test_model_fields(model: type[models.Model]) -> None:
    fields = model._meta.concrete_fields
    assert {f.column for f in fields} == ALLOWED_COLUMNS[model], (
        f"{model.__name__} has a new column. Ballot tables may not gain columns that could link "
        "a ballot to a voter (see this test's docstring)."
    )
    for f in fields:
        assert not isinstance(f, TIME_TYPES), f"{model.__name__}.{f.name} is a time or date"
        assert not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
        if isinstance(f, AUTO_TYPES):
            assert f.column in SEQUENCE_ALLOWED.get(model, set()), (
                f"{model.__name__}.{f.name} is a sequence: it records the order of voting"
            )
        if f.column not in NAME_ALLOWED.get(model, set()):
            assert not SUSPICIOUS_NAME.search(f.column), f"{model.__name__}.{f.column}"
        if f.is_relation:
            target = f.related_model
            assert ALLOWED_REFERENCES[model].get(f.column) == target._meta.db_table, (
                f"{model.__name__}.{f.name} refers to {target.__name__}"
            )
    if model in (CastBallot, VoteMark):
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField) and pk.default is not models.NOT_PROVIDED
        assert callable(pk.default) and pk.default.__name__ == "uuid4", "ids must be random"


def test_vote_mark_is_the_roll_and_nothing_else() -> None:
    """The mark's link to the roll entry is the roll itself (who voted); it must then carry
    nothing about the ballot: no content, no tracker, no ballot, no time."""
    field = VoteMark._meta.get_field("roll_entry")
    assert isinstance(field, models.OneToOneField)
    assert field.related_model is RollEntry
    assert [f.name for f in VoteMark._meta.concrete_fields] == ["id", "roll_entry"]


def test_nothing_else_points_at_a_ballot_row() -> None:
    """No other table may refer to a cast ballot, a board entry or a mark (such a table could
    join a ballot to a person), and the roll may not refer to a ballot as cast."""
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if not f.is_relation:
                continue
            if f.related_model in SECRET_TABLES:
                assert model is VoteMark and f.related_model is RollEntry, (
                    f"{model.__name__}.{f.name} points at {f.related_model.__name__}"
                )
    for f in RollEntry._meta.concrete_fields:
        assert f.related_model not in (CastBallot, BoardEntry), f.name
    # The person models may not point at ballot rows either (e.g. "last ballot cast").
    for model in _person_models():
        for f in model._meta.get_fields():
            if f.is_relation and f.concrete:
                assert f.related_model not in (CastBallot, BoardEntry), (model, f.name)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SECRET_TABLES, ids=lambda m: m.__name__)
def test_live_database_columns(model: type[models.Model]) -> None:
    """The database as migrated, not only the models: a migration with RunSQL, a manual
    ALTER TABLE, a default of now(), a trigger or an index could add what the model hides."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        constraints = connection.introspection.get_constraints(cursor, table)
    columns = {c.name for c in description}
    assert columns == ALLOWED_COLUMNS[model], f"{table} has columns {sorted(columns)}"
    for c in description:
        type_name = connection.introspection.get_field_type(c.type_code, c)
        assert type_name not in {"DateTimeField", "DateField", "TimeField", "DurationField"}, (
            f"{table}.{c.name} is a {type_name}"
        )
        if type_name in {"AutoField", "BigAutoField", "SmallAutoField"}:
            assert c.name in SEQUENCE_ALLOWED.get(model, set()), f"{table}.{c.name} is serial"
    for name, info in constraints.items():
        if info.get("foreign_key"):
            (column,) = info["columns"]
            assert ALLOWED_REFERENCES[model].get(column) == info["foreign_key"][0], (
                f"{table}: foreign key {name} on {column} to {info['foreign_key']}"
            )
        for column in info.get("columns") or []:
            assert column in ALLOWED_COLUMNS[model], f"{table}: index {name} on {column}"

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, column_default, is_identity "
            "FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        for column, data_type, default, identity in cursor.fetchall():
            assert "time" not in data_type and data_type != "date", f"{table}.{column}"
            if identity == "YES" or (default or "").startswith("nextval("):
                assert column in SEQUENCE_ALLOWED.get(model, set()), f"{table}.{column} is serial"
            assert not re.search(r"now\(|current_|clock_|statement_|transaction_", default or ""), (
                f"{table}.{column} defaults to the time: {default}"
            )
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        assert triggers == [], f"{table} has triggers {triggers}: they could copy ballots away"
        cursor.execute(
            "SELECT rulename FROM pg_rules WHERE tablename = %s",
            [table],
        )
        assert cursor.fetchall() == [], f"{table} has rewrite rules"


@pytest.mark.django_db
def test_live_database_has_no_other_table_referring_to_ballot_rows() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Foreign keys across the whole schema are read from PostgreSQL's catalogue.")
    secret = [m._meta.db_table for m in SECRET_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid::regclass::text = ANY(%s)",
            [secret],
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", [CastBallot, VoteMark], ids=lambda m: m.__name__)
def test_sqlite_marks_and_ballots_have_no_rowid(model: type[models.Model]) -> None:
    """On SQLite a table keeps an implicit rowid counting up in insertion order, even with a
    UUID key: the n-th mark and the n-th ballot were one vote. Both tables are WITHOUT ROWID
    (migration 0003). Django's schema editor rebuilds a table without that clause whenever a
    migration alters it on SQLite: this test is what notices."""
    if connection.vendor != "sqlite":
        pytest.skip("rowid is SQLite's")
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        (create,) = cursor.fetchone()
    assert create.rstrip().upper().endswith("WITHOUT ROWID"), create


def test_the_roll_records_no_time_of_voting_or_reminding() -> None:
    """The roll may say who is entitled and (through the mark) that they voted — never when, and
    not whom a reminder went to (that would be who had not voted by then)."""
    for f in RollEntry._meta.concrete_fields:
        assert not isinstance(f, TIME_TYPES), f"RollEntry.{f.name} is a time or date"
    assert {f.name for f in RollEntry._meta.concrete_fields} == {
        "id",
        "ballot",
        "user",
        "credential_hash",
        "added_on_challenge",
    }
