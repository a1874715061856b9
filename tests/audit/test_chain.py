"""The append-only, hash-chained audit log and ``iskra audit verify``."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from iskra.audit.models import AuditEntry, AuditHead, AuditPersonalValue
from iskra.audit.services import GENESIS_HASH, HASH_VERSION, record, verify_chain
from tests.conftest import World


@pytest.fixture(autouse=True)
def _log_handlers_kept() -> Iterator[None]:
    """``iskra`` on the command line sets Django up again, which binds new log handlers to the
    captured (then closed) stderr of the test; later tests that log would write to it."""
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]
    saved = [(logger, list(logger.handlers)) for logger in loggers]
    yield
    for logger, handlers in saved:
        logger.handlers[:] = handlers


def _three(world: World) -> list[AuditEntry]:
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    return [
        record(actor=world.officer, action="test.one", obj=world.branch_a, unit=world.branch_a),
        record(actor=None, action="test.two", data={"n": 2, "when": "x"}),
        record(actor=world.member, action="test.three", data={"nested": {"b": 1, "a": [1, 2]}}),
    ]


def test_record_chains_hashes(world: World) -> None:
    one, two, three = _three(world)
    assert (one.seq, two.seq, three.seq) == (1, 2, 3)
    assert one.prev_hash == GENESIS_HASH
    assert two.prev_hash == one.hash
    assert three.prev_hash == two.hash
    assert len({one.hash, two.hash, three.hash}) == 3
    assert one.who == "officer@example.org"
    assert two.who == "system"
    assert one.object_type == "organisation.unit"
    assert one.object_id == str(world.branch_a.pk)
    assert two.actor_id is None
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, three.hash)
    assert verify_chain() == (3, None)


def test_world_building_chain_verifies(world: World) -> None:
    checked, problem = verify_chain()
    assert problem is None
    assert checked == AuditEntry.objects.count() > 10


def test_changed_entry_detected(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=2).update(data={"n": 3, "when": "x"})
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 2
    assert "changed" in problem.message
    assert checked == 1


def test_changed_actor_detected(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=1).update(actor=world.member)
    _, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 1


def test_deleted_middle_entry_detected(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=2).delete()
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 2
    assert "missing" in problem.message
    assert checked == 1


def test_deleted_last_entry_detected(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=3).delete()
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 3
    assert "deleted" in problem.message
    assert checked == 2


def test_rewritten_hash_detected_by_the_next_entry(world: World) -> None:
    # A forger who changes an entry and recomputes its own hash still breaks the next link.
    _three(world)
    AuditEntry.objects.filter(seq=2).update(prev_hash="f" * 64)
    _, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 2


def test_verify_in_small_batches(world: World) -> None:
    for i in range(7):
        record(actor=None, action="test.batch", data={"i": i})
    total = AuditEntry.objects.count()
    assert verify_chain(batch_size=3) == (total, None)


def test_command_success(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit log intact" in out
    assert f"{AuditEntry.objects.count()} entries verified" in out


def test_command_names_first_broken_entry(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=2).update(action="test.forged")
    with pytest.raises(CommandError, match="entry #2 was changed"):
        call_command("audit", "verify")


def test_cli_exits_non_zero_on_broken_chain(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``iskra audit verify`` as the command line runs it: exit 0, then 1 after tampering."""
    from django.db import connections

    from iskra.cli import main

    # The command line closes database connections on exit; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    assert main(["audit", "verify"]) == 0
    assert "audit log intact" in capsys.readouterr().out
    AuditEntry.objects.filter(seq=4).delete()
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code not in (0, None)
    assert "entry #4 is missing" in capsys.readouterr().err


# --- Every field the log shows is covered (hash format 2) --------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor_label", "someone.else@example.org"),
        ("at", "2020-01-01T00:00:00+00:00"),
        ("action", "test.forged"),
        ("object_type", "members.membership"),
        ("object_id", "999"),
        ("data", {"n": 3, "when": "x"}),
        ("actor_id", None),
        ("unit_id", None),
    ],
)
def test_each_field_is_covered(world: World, field: str, value: object) -> None:
    one, two, _ = _three(world)
    target = one if field in {"actor_label", "actor_id", "unit_id"} else two
    assert target.hash_version == HASH_VERSION
    AuditEntry.objects.filter(seq=target.seq).update(**{field: value})
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.seq == target.seq
    assert problem.message == f"entry #{target.seq} was changed after it was written"
    assert checked == target.seq - 1


def test_actor_label_shown_in_the_log_is_covered(world: World) -> None:
    """The "Who" column cannot be made to name someone else."""
    _three(world)
    AuditEntry.objects.filter(seq=1).update(actor_label=world.member.email)
    _, problem = verify_chain()
    assert problem is not None and problem.seq == 1


def test_rewritten_own_hash_detected(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=3).update(hash="e" * 64)
    _, problem = verify_chain()
    assert problem is not None and problem.seq == 3


def test_downgrading_the_hash_format_is_a_break(world: World) -> None:
    """Claiming format 1 (which left the label out) for an entry written in format 2, and
    recomputing its hash that way, is still reported: a version never goes down."""
    from iskra.audit.services import entry_hash_of

    _three(world)
    forged = AuditEntry.objects.get(seq=3)
    forged.actor_label = "someone.else@example.org"
    forged.hash_version = 1
    forged.hash = entry_hash_of(forged)
    AuditEntry.objects.filter(seq=3).update(
        actor_label=forged.actor_label, hash_version=1, hash=forged.hash
    )
    AuditHead.objects.filter(pk=1).update(hash=forged.hash)
    _, problem = verify_chain()
    assert problem is not None
    assert problem.message == "entry #3 claims an older hash format than the entries before it"


def test_unknown_hash_format_is_a_break(world: World) -> None:
    _three(world)
    AuditEntry.objects.filter(seq=2).update(hash_version=9)
    _, problem = verify_chain()
    assert problem is not None
    assert problem.message == "entry #2 has an unknown hash format (9)"


def test_format_1_entries_still_verify(world: World) -> None:
    """An entry written before format 2 (and not re-hashed) verifies under its own format."""
    from iskra.audit.services import entry_hash_of

    one, _, _ = _three(world)
    AuditPersonalValue.objects.filter(entry=one).delete()
    one = AuditEntry.objects.get(seq=1)
    one.hash_version = 1
    one.actor_label = "officer@example.org"
    old_hash = entry_hash_of(one)
    AuditEntry.objects.filter(seq=1).update(
        hash_version=1, hash=old_hash, actor_label=one.actor_label
    )
    AuditEntry.objects.filter(seq=2).update(prev_hash=old_hash)
    # The rest of the chain re-linked as it would have been written.
    prev = old_hash
    for entry in AuditEntry.objects.filter(seq__gte=2).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = entry_hash_of(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=entry.hash)
        prev = entry.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)
    assert verify_chain() == (3, None)


# --- A damaged row is a broken entry, not a traceback -------------------------------------------


def _raw(sql: str, params: list[object]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sqlite_only() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's types refuse these values; only SQLite can hold them")


@pytest.mark.parametrize("stamp", ["garbage", "2026-13-45 99:99:99", ""])
def test_unreadable_timestamp_is_a_broken_entry(world: World, stamp: str) -> None:
    _sqlite_only()
    _three(world)
    _raw("UPDATE audit_auditentry SET at = %s WHERE seq = 2", [stamp])
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.seq == 2
    assert problem.message.startswith("entry #2 is unreadable")
    assert checked == 1


def test_bad_json_is_a_broken_entry(world: World) -> None:
    _sqlite_only()
    _three(world)
    _raw("PRAGMA ignore_check_constraints = 1", [])
    try:
        _raw("UPDATE audit_auditentry SET data = %s WHERE seq = 3", ["{not json"])
    finally:
        _raw("PRAGMA ignore_check_constraints = 0", [])
    checked, problem = verify_chain()
    assert problem is not None
    assert problem.message == "entry #3 is unreadable: its details are not valid JSON"
    assert checked == 2


def test_cli_reports_an_unreadable_row_in_one_line(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _sqlite_only()
    from django.db import connections

    from iskra.cli import main

    monkeypatch.setattr(connections, "close_all", lambda: None)
    _three(world)
    _raw("UPDATE audit_auditentry SET at = %s WHERE seq = 2", ["garbage"])
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code not in (0, None)
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "entry #2 is unreadable" in err
    assert "Traceback" not in err
