"""Writing and checking the audit log. Every service that changes state calls ``record``."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from iskra.audit.models import AuditEntry, AuditHead, AuditPersonalValue


class Person(Protocol):
    """Who acts or whose values are kept: a user of the accounts app, which stands on the audit
    log (every service records through it), so the log names users without importing them."""

    @property
    def pk(self) -> Any: ...

    @property
    def email(self) -> str: ...

    @property
    def is_authenticated(self) -> bool: ...


GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# Which fields an entry's hash covers. Version 1 left out ``actor_label``, the "Who" column, so
# the log could be made to name someone else undetected; version 2 covers every field the log
# shows. Old entries keep the version they were written with (the migration that introduced
# version 2 re-hashed intact chains), and a version never goes down along the chain: an entry
# claiming an older format than the one before it is reported as a break. Version 3 keeps
# personal values (the "Who" column, an applicant's name, a reason about a member) apart, in
# ``AuditPersonalValue``: the hash covers a salted digest of each, so erasing the value later
# leaves the chain intact (see ``erase_personal_values``).
HASH_VERSION = 3
HASH_VERSIONS = frozenset({1, 2, 3})
ERASE_ACTION = "member.erase"


def personal_digest(salt: str, value: Any) -> str:
    """SHA-256 of the salt's bytes followed by the value as canonical JSON."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes.fromhex(salt) + text.encode()).hexdigest()


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
    personal: list[tuple[str, str]] | None = None,
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
        fields["actor_label"] = actor_label  # from format 3 on, empty: the label is personal
    if version >= 3:
        fields["personal"] = sorted([name, digest] for name, digest in personal or [])
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _iso(at: Any) -> str:
    return str(at.astimezone(UTC).isoformat(timespec="microseconds"))


@transaction.atomic
def record(
    *,
    actor: Person | None,
    action: str,
    obj: models.Model | None = None,
    unit: models.Model | None = None,
    data: dict[str, Any] | None = None,
    personal: dict[str, Any] | None = None,
    subject_id: int | None = None,
) -> AuditEntry:
    """Append one entry to the chain; runs inside the caller's transaction.

    ``personal`` holds the values about a person (the user ``subject_id``) -- a name, an email, a reason
    about them -- that must be erasable on their request: they are stored apart and the chain
    covers only their salted digests. The actor's label (their email) is kept the same way,
    with the actor as its subject."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    at = timezone.now()
    clean = _canonical(data or {})
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    values: list[AuditPersonalValue] = []
    if actor_id is not None and actor is not None:
        values.append(_personal("actor_label", actor.email, actor_id))
    for name, value in _canonical(personal or {}).items():
        if name in clean or name == "actor_label":
            raise ValueError(f"audit: {name!r} is both personal and not")
        values.append(_personal(name, value, subject_id))
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
        personal=[(v.name, v.digest) for v in values],
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label="",
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit.pk if unit is not None else None,
        data=clean,
        prev_hash=head.hash,
        hash=digest,
        hash_version=HASH_VERSION,
    )
    for value in values:
        value.entry = entry
    AuditPersonalValue.objects.bulk_create(values)
    head.seq = seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return entry


def _personal(name: str, value: Any, subject_id: int | None) -> AuditPersonalValue:
    salt = secrets.token_hex(16)
    return AuditPersonalValue(
        name=name,
        subject_id=subject_id,
        salt=salt,
        value=value,
        digest=personal_digest(salt, value),
    )


def erasable_values(user: Person) -> models.QuerySet[AuditPersonalValue]:
    """The personal values about ``user`` the log still holds."""
    return AuditPersonalValue.objects.filter(subject_id=user.pk, erased_by_seq__isnull=True)


def erase_personal_values(*, user: Person, erasure: AuditEntry) -> int:
    """Blank every personal value about ``user`` in the log, naming the ``erasure`` entry (which
    must record how many: ``data["personal_values"]``). The chain still verifies: it covers
    only the digests, which stay; without the salt they can no longer be tied to a value."""
    return erasable_values(user).update(value=None, salt="", erased_by_seq=erasure.seq)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(*, batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Check every entry in order; return how many were checked and the first problem found.
    A row the database cannot give back as written (an unreadable timestamp, details that are
    not JSON) is a broken entry like any other, never an exception. Personal values still held
    must match their digests; an erased one must belong to an erasure on record that counted
    it."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    version_seen = 1
    erasures: dict[int, Any] = {}  # erasure entry's seq -> how many values it says it erased
    erased: Counter[int] = Counter()  # erasure entry's seq -> values that name it
    first_erased_by: dict[int, int] = {}  # erasure entry's seq -> first entry holding one
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
        if problem is None:
            problem = _personal_problem(entry)
        if problem is None and entry_hash_of(entry) != entry.hash:
            problem = "was changed after it was written"
        if problem is not None:
            return checked, ChainProblem(entry.seq, f"entry #{entry.seq} {problem}")
        if entry.action == ERASE_ACTION:
            erasures[entry.seq] = entry.data.get("personal_values")
        for value in _personal_of(entry):
            if value.erased_by_seq is not None:
                erased[value.erased_by_seq] += 1
                first_erased_by.setdefault(value.erased_by_seq, entry.seq)
        version_seen = entry.hash_version
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return checked, ChainProblem(
            checked + 1, f"entries after #{checked} were deleted (the chain's head is #{head.seq})"
        )
    unaccounted = sorted(
        first_erased_by[seq] for seq, n in erased.items() if erasures.get(seq) != n
    )
    if unaccounted:
        seq = unaccounted[0]
        return checked, ChainProblem(
            seq,
            f"entry #{seq} has a personal value blanked without an erasure on record "
            "that counts it",
        )
    return checked, None


def _personal_of(entry: AuditEntry) -> list[AuditPersonalValue]:
    return list(entry.personal.all()) if entry.hash_version >= 3 else []


def _personal_problem(entry: AuditEntry) -> str | None:
    """A personal value of a format-3 entry that no longer matches its digest (or a format-1
    or 2 entry that somehow holds some)."""
    values = list(entry.personal.all())
    if entry.hash_version < 3:
        return "holds personal values its hash format does not cover" if values else None
    for value in values:
        if value.erased_by_seq is not None:
            if value.salt or value.value is not None:
                return f"has an erased personal value ({value.name}) that is still held"
            continue
        try:
            matches = personal_digest(value.salt, value.value) == value.digest
        except ValueError:
            matches = False
        if not matches:
            return f"has a personal value ({value.name}) that was changed after it was written"
    return None


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
        personal=[(v.name, v.digest) for v in entry.personal.all()],
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
            batch = list(
                AuditEntry.objects.filter(seq__gt=last)
                .prefetch_related("personal")
                .order_by("seq")[:batch_size]
            )
        except (ValueError, TypeError, OverflowError):
            seqs = list(
                AuditEntry.objects.filter(seq__gt=last)
                .order_by("seq")
                .values_list("seq", flat=True)[:batch_size]
            )
            for seq in seqs:
                try:
                    yield AuditEntry.objects.prefetch_related("personal").get(seq=seq)
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
