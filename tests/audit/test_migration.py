"""The migration to hash format 2 re-hashes an intact chain and leaves a broken one alone."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from iskra.audit.services import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0002_hash_covers_actor_label")]


def _v1(seq: int, at: datetime, label: str, data: dict[str, Any], prev: str) -> str:
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": None,
        "action": "test.old",
        "object_type": "",
        "object_id": "",
        "unit": None,
        "data": data,
        "prev": prev,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _old_chain(*, break_it: bool) -> str:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    entry_model.objects.all().delete()
    head_model.objects.all().delete()
    prev = "0" * 64
    for seq in (1, 2, 3):
        at = datetime(2026, 1, seq, 12, 0, 0, 123456, tzinfo=UTC)
        data = {"n": seq}
        digest = _v1(seq, at, "", data, prev)
        entry_model.objects.create(
            seq=seq,
            at=at,
            action="test.old",
            actor_label="",
            data=data,
            prev_hash=prev,
            hash=digest,
        )
        prev = digest
    head_model.objects.create(pk=1, seq=3, hash=prev)
    if break_it:
        entry_model.objects.filter(seq=2).update(data={"n": 20})
    return prev


def _migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)


def test_intact_chain_is_rehashed_and_the_old_head_recorded() -> None:
    old_head = _old_chain(break_it=False)
    _migrate_forward()
    from iskra.audit.models import AuditEntry

    assert verify_chain() == (4, None)
    assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {2}
    note = AuditEntry.objects.get(seq=4)
    assert note.action == "audit.rehash"
    assert note.data == {"entries": 3, "from_version": 1, "to_version": 2, "old_head": old_head}
    # Now the "Who" column of the old entries is covered too.
    AuditEntry.objects.filter(seq=1).update(actor_label="someone@example.org")
    _, problem = verify_chain()
    assert problem is not None and problem.seq == 1


def test_broken_chain_is_left_for_verify_to_report() -> None:
    _old_chain(break_it=True)
    _migrate_forward()
    from iskra.audit.models import AuditEntry

    assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {1}
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.message == "entry #2 was changed after it was written"
    assert checked == 1
