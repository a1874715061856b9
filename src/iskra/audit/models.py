"""The append-only, hash-chained audit log (DESIGN.md invariant 4)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

ERASED = "[erased]"


class AuditEntry(models.Model):
    """One state change: who did what, when, to which object, with old/new values.

    ``hash`` covers every other field and the previous entry's hash, so changing or deleting any
    entry breaks the chain from that point on; ``iskra audit verify`` finds the first break.
    ``hash_version`` says which fields the hash covers (see ``iskra.audit.services``): version 1
    left ``actor_label`` out; later versions cover every field the log shows.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    hash_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.who}"

    # What the log shows. From format 3 on, personal values live in ``personal`` (prefetch it
    # when showing many entries); an erased value shows as ERASED.
    @property
    def who(self) -> str:
        if self.hash_version < 3:
            return self.actor_label or "system"
        for value in self.personal.all():
            if value.name == "actor_label":
                return ERASED if value.erased_by_seq is not None else str(value.value)
        return "system"

    @property
    def details(self) -> dict[str, Any]:
        shown = dict(self.data) if isinstance(self.data, dict) else {}
        if self.hash_version >= 3:
            for value in self.personal.all():
                if value.name != "actor_label":
                    shown[value.name] = ERASED if value.erased_by_seq is not None else value.value
        return shown


class AuditHead(models.Model):
    """The chain's tip, one row: locked while appending so entries chain in a single line."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditPersonalValue(models.Model):
    """A personal value an audit entry records (who did it, an applicant's name, a reason about a
    member), kept apart from the entry so that it can be erased without breaking the chain.

    The entry's hash covers ``digest`` = SHA-256(salt ‖ value as JSON), not the value: erasure
    blanks ``value`` and ``salt`` (so the digest can no longer be tied to any guess of the value)
    and names the erasure entry in ``erased_by_seq``; ``iskra audit verify`` checks every value
    still held against its digest, and every erased value against an erasure on record.
    """

    entry = models.ForeignKey(AuditEntry, on_delete=models.CASCADE, related_name="personal")
    name = models.CharField(max_length=64)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    salt = models.CharField(max_length=32, blank=True)
    value = models.JSONField(null=True, blank=True)
    digest = models.CharField(max_length=64)
    erased_by_seq = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "name"], name="one_personal_value_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} of audit entry {self.entry_id}"
