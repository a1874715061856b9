"""The migrations to hash formats 2 and 3 re-hash an intact chain (moving personal values
apart) and leave a broken one alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from iskra.audit.services import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial")]


@pytest.fixture(autouse=True)
def _back_to_the_latest() -> Iterator[None]:
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _v1(entry: dict[str, Any], prev: str) -> str:
    payload = {
        "seq": entry["seq"],
        "at": entry["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.get("actor_id"),
        "action": entry["action"],
        "object_type": entry.get("object_type", ""),
        "object_id": entry.get("object_id", ""),
        "unit": None,
        "data": entry["data"],
        "prev": prev,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _old_chain(*, break_it: bool) -> tuple[str, int]:
    """Three entries as format 1 wrote them: a system entry, a profile change by a member
    (personal values in its details), and an entry by that member."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    from iskra.accounts.models import User  # its table is at its latest migration

    user = User.objects.create_user(email="mo@example.org", full_name="Mo Member")
    entry_model.objects.all().delete()
    head_model.objects.all().delete()
    rows: list[dict[str, Any]] = [
        {"action": "test.old", "data": {"n": 1}},
        {
            "action": "profile.update",
            "actor_id": user.pk,
            "actor_label": user.email,
            "object_type": "accounts.user",
            "object_id": str(user.pk),
            "data": {"old": {"phone": ""}, "new": {"phone": "0123"}},
        },
        {"action": "test.old", "actor_id": user.pk, "actor_label": user.email, "data": {"n": 3}},
    ]
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        row |= {"seq": seq, "at": datetime(2026, 1, seq, 12, 0, 0, 123456, tzinfo=UTC)}
        digest = _v1(row, prev)
        entry_model.objects.create(prev_hash=prev, hash=digest, **row)
        prev = digest
    head_model.objects.create(pk=1, seq=3, hash=prev)
    if break_it:
        entry_model.objects.filter(seq=1).update(data={"n": 20})
    return prev, user.pk


def _migrate_to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_intact_chain_is_rehashed_and_personal_values_moved_apart() -> None:
    old_head, user_id = _old_chain(break_it=False)
    _migrate_to_the_latest()
    from iskra.audit.models import AuditEntry, AuditPersonalValue

    assert verify_chain() == (5, None)
    assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {3}
    first, second = AuditEntry.objects.filter(action="audit.rehash").order_by("seq")
    assert first.data == {"entries": 3, "from_version": 1, "to_version": 2, "old_head": old_head}
    assert (first.seq, second.seq) == (4, 5)
    profile = AuditEntry.objects.get(seq=2)
    assert profile.data == {} and profile.actor_label == ""
    assert profile.who == "mo@example.org"
    assert profile.details == {"old": {"phone": ""}, "new": {"phone": "0123"}}
    assert set(
        AuditPersonalValue.objects.filter(subject_id=user_id).values_list("entry__seq", "name")
    ) == {(2, "actor_label"), (2, "old"), (2, "new"), (3, "actor_label")}
    # The "Who" column of the old entries is covered.
    AuditPersonalValue.objects.filter(entry__seq=3).update(value="someone@example.org")
    _, problem = verify_chain()
    assert problem is not None and problem.seq == 3


def test_broken_chain_is_left_for_verify_to_report() -> None:
    _old_chain(break_it=True)
    _migrate_to_the_latest()
    from iskra.audit.models import AuditEntry, AuditPersonalValue

    assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {1}
    assert not AuditPersonalValue.objects.exists()
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.message == "entry #1 was changed after it was written"
    assert checked == 0
