"""Hash format 3: personal values kept apart, so a former member's can be erased.

Creates ``AuditPersonalValue``. If the whole chain verifies (under formats 1 and 2), every
entry is converted to format 3: the "Who" label and the personal values in known entries'
details (an applicant's email and name, reasons given about a member, a profile's old and new
values) move to the new table with a fresh salt, the chain covers their digests, every entry
is re-hashed in order, and an ``audit.rehash`` entry records the old head's hash. A chain that
does not verify is left exactly as it is, for ``iskra audit verify`` to name its break.

The hash functions are copied here, as they were when this migration was written.
"""

import hashlib
import json
import secrets
from datetime import UTC

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64

# Which details of which entries are personal, as ``record`` now writes them.
PERSONAL = {
    "application.submit": ("email", "name"),
    "application.decide": ("reason",),
    "membership.status": ("reason",),
    "membership.probation": ("reason",),
    "profile.update": ("old", "new"),
    "transfer.decide": ("reason",),
    "discipline.decide": ("reason",),
    "discipline.appeal_decide": ("reason",),
}


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _hash(entry, prev: str, version: int, personal=()) -> str:
    fields = {
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "unit": entry.unit_id,
        "data": entry.data,
        "prev": prev,
    }
    if version >= 2:
        fields["v"] = version
        fields["actor_label"] = entry.actor_label
    if version >= 3:
        fields["personal"] = sorted([name, digest] for name, digest in personal)
    return hashlib.sha256(_dumps(fields).encode()).hexdigest()


def _digest(salt: str, value) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + _dumps(value).encode()).hexdigest()


def _entries(AuditEntry):
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:2000])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def _intact(AuditEntry, head) -> bool:
    prev, seq, version = GENESIS, 0, 1
    try:
        for batch in _entries(AuditEntry):
            for entry in batch:
                if entry.seq != seq + 1 or entry.prev_hash != prev:
                    return False
                if entry.hash_version not in (1, 2) or entry.hash_version < version:
                    return False
                if _hash(entry, prev, entry.hash_version) != entry.hash:
                    return False
                prev, seq, version = entry.hash, entry.seq, entry.hash_version
    except (ValueError, TypeError, AttributeError, OverflowError):
        return False
    return (head.seq, head.hash) == (seq, prev)


def _subject_finder(apps):
    """object type -> function(object id) -> the user the entry is about (or None)."""

    def owner(model: str, field: str):
        cls = apps.get_model(*model.split("."))
        return lambda pk: cls.objects.filter(pk=pk).values_list(field, flat=True).first()

    return {
        "accounts.user": lambda pk: int(pk),
        "members.membership": owner("members.Membership", "user_id"),
        "members.application": owner("members.Application", "membership__user_id"),
        "members.transfer": owner("members.Transfer", "membership__user_id"),
        "members.disciplinarycase": owner("members.DisciplinaryCase", "membership__user_id"),
    }


def keep_personal_values_apart(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditPersonalValue = apps.get_model("audit", "AuditPersonalValue")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or not _intact(AuditEntry, head):
        return
    owners = _subject_finder(apps)
    old_head, prev, seq = head.hash, GENESIS, head.seq
    for batch in _entries(AuditEntry):
        values = []
        for entry in batch:
            mine = []
            if entry.actor_label:
                mine.append(("actor_label", entry.actor_label, entry.actor_id))
            keys = [k for k in PERSONAL.get(entry.action, ()) if k in entry.data]
            if keys:
                find = owners.get(entry.object_type)
                try:
                    subject = find(entry.object_id) if find and entry.object_id else None
                except (ValueError, TypeError):
                    subject = None
                for key in keys:
                    mine.append((key, entry.data.pop(key), subject))
            entry.actor_label = ""
            rows = []
            for name, value, subject_id in mine:
                salt = secrets.token_hex(16)
                rows.append(
                    AuditPersonalValue(
                        entry=entry,
                        name=name,
                        subject_id=subject_id,
                        salt=salt,
                        value=value,
                        digest=_digest(salt, value),
                    )
                )
            entry.prev_hash = prev
            entry.hash_version = 3
            entry.hash = _hash(entry, prev, 3, [(r.name, r.digest) for r in rows])
            prev = entry.hash
            values.extend(rows)
        AuditEntry.objects.bulk_update(
            batch, ["prev_hash", "hash", "hash_version", "actor_label", "data"]
        )
        AuditPersonalValue.objects.bulk_create(values)
    note = AuditEntry(
        seq=seq + 1,
        at=timezone.now(),
        actor_id=None,
        actor_label="",
        action="audit.rehash",
        object_type="",
        object_id="",
        unit_id=None,
        data={"entries": seq, "from_version": 2, "to_version": 3, "old_head": old_head},
        prev_hash=prev,
        hash_version=3,
    )
    note.hash = _hash(note, prev, 3)
    note.save()
    head.seq, head.hash = note.seq, note.hash
    head.save(update_fields=["seq", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_hash_covers_actor_label'),
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditPersonalValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=64)),
                ('salt', models.CharField(blank=True, max_length=32)),
                ('value', models.JSONField(blank=True, null=True)),
                ('digest', models.CharField(max_length=64)),
                ('erased_by_seq', models.PositiveBigIntegerField(blank=True, db_index=True, null=True)),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='personal', to='audit.auditentry')),
                ('subject', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('entry', 'name'), name='one_personal_value_per_name')],
            },
        ),
        migrations.RunPython(
            keep_personal_values_apart, migrations.RunPython.noop, elidable=True
        ),
    ]
