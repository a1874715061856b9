"""The append-only, hash-chained audit log and ``iskra audit verify``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from iskra.audit.models import AuditEntry, AuditHead
from iskra.audit.services import GENESIS_HASH, record, verify_chain
from tests.conftest import World


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
    assert one.actor_label == "officer@example.org"
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
