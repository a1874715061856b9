"""Writing and checking the audit log. Every service that changes state calls ``record``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from iskra.audit.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from iskra.accounts.models import User
    from iskra.organisation.models import Unit

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# Which fields an entry's hash covers. Version 1 left out ``actor_label``, the "Who" column, so
# the log could be made to name someone else undetected; version 2 covers every field the log
# shows. Old entries keep the version they were written with (the migration that introduced
# version 2 re-hashed intact chains), and a version never goes down along the chain: an entry
# claiming an older format than the one before it is reported as a break.
HASH_VERSION = 2
HASH_VERSIONS = frozenset({1, 2})


def entry_hash(
    *,
    seq: int,
    at_iso: str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    unit_id: int | None,
    data: Any,
    prev_hash: str,
    actor_label: str = "",
    version: int = HASH_VERSION,
) -> str:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at_iso,
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "unit": unit_id,
        "data": data,
        "prev": prev_hash,
    }
    if version >= 2:
        fields["v"] = version
        fields["actor_label"] = actor_label
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _iso(at: Any) -> str:
    return str(at.astimezone(UTC).isoformat(timespec="microseconds"))


@transaction.atomic
def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain; runs inside the caller's transaction."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    at = timezone.now()
    clean = _canonical(data or {})
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_label = actor.email if actor_id is not None and actor is not None else ""
    digest = entry_hash(
        seq=seq,
        at_iso=_iso(at),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit.pk if unit is not None else None,
        data=clean,
        prev_hash=head.hash,
        actor_label=actor_label,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit=unit,
        data=clean,
        prev_hash=head.hash,
        hash=digest,
        hash_version=HASH_VERSION,
    )
    head.seq = seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(*, batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Check every entry in order; return how many were checked and the first problem found.
    A row the database cannot give back as written (an unreadable timestamp, details that are
    not JSON) is a broken entry like any other, never an exception."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    version_seen = 1
    for entry in _iter_entries(batch_size):
        if isinstance(entry, ChainProblem):
            return checked, entry
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, f"entry #{expected_seq} is missing (next present is #{entry.seq})"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, f"entry #{entry.seq} does not follow the previous entry"
            )
        problem = _unreadable(entry)
        if problem is None and entry.hash_version not in HASH_VERSIONS:
            problem = f"has an unknown hash format ({entry.hash_version})"
        if problem is None and entry.hash_version < version_seen:
            problem = "claims an older hash format than the entries before it"
        if problem is None and entry_hash_of(entry) != entry.hash:
            problem = "was changed after it was written"
        if problem is not None:
            return checked, ChainProblem(entry.seq, f"entry #{entry.seq} {problem}")
        version_seen = entry.hash_version
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, ChainProblem(
            checked + 1, f"entries after #{checked} were deleted (the chain's head is #{head.seq})"
        )
    return checked, None


def entry_hash_of(entry: AuditEntry) -> str:
    """The hash ``entry`` should carry, recomputed from what is stored."""
    return entry_hash(
        seq=entry.seq,
        at_iso=_iso(entry.at),
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        unit_id=entry.unit_id,
        data=entry.data,
        prev_hash=entry.prev_hash,
        actor_label=entry.actor_label,
        version=entry.hash_version,
    )


def _unreadable(entry: AuditEntry) -> str | None:
    """What makes a stored row unreadable, if anything (only a damaged database holds these)."""
    if not isinstance(entry.at, datetime):
        return "is unreadable: its timestamp is not a date and time"
    if not isinstance(entry.data, dict):
        return "is unreadable: its details are not valid JSON"
    return None


def _iter_entries(batch_size: int) -> Iterator[AuditEntry | ChainProblem]:
    """Entries in order; a batch the database cannot convert is read again row by row so the
    unreadable row is named (as a ``ChainProblem``) and the rows before it are still checked."""
    last = 0
    while True:
        try:
            batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        except (ValueError, TypeError, OverflowError):
            seqs = list(
                AuditEntry.objects.filter(seq__gt=last)
                .order_by("seq")
                .values_list("seq", flat=True)[:batch_size]
            )
            for seq in seqs:
                try:
                    yield AuditEntry.objects.get(seq=seq)
                except (ValueError, TypeError, OverflowError) as error:
                    yield ChainProblem(seq, f"entry #{seq} is unreadable: {_short(error)}")
                    return
            return  # pragma: no cover - a batch that failed has a row that fails
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def _short(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]
