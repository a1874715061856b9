"""Writing and checking the audit log. Every service that changes state calls ``record``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
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
) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "at": at_iso,
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "unit": unit_id,
            "data": data,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
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
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor.email if actor_id is not None and actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit=unit,
        data=clean,
        prev_hash=head.hash,
        hash=digest,
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
    """Check every entry in order; return how many were checked and the first problem found."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _iter_entries(batch_size):
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, f"entry #{expected_seq} is missing (next present is #{entry.seq})"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, f"entry #{entry.seq} does not follow the previous entry"
            )
        digest = entry_hash(
            seq=entry.seq,
            at_iso=_iso(entry.at),
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            unit_id=entry.unit_id,
            data=entry.data,
            prev_hash=entry.prev_hash,
        )
        if digest != entry.hash:
            return checked, ChainProblem(
                entry.seq, f"entry #{entry.seq} was changed after it was written"
            )
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, ChainProblem(
            checked + 1, f"entries after #{checked} were deleted (the chain's head is #{head.seq})"
        )
    return checked, None


def _iter_entries(batch_size: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
