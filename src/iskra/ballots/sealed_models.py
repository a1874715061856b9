"""The tables of a sealed ballot (docs/sealed.md). The server keeps only public things: the
trustees' key generation messages and decryption shares, the credential authority's signed
batches of public credentials, and the board of encrypted ballots. No private key, no secret
credential and no plaintext vote is ever stored (tests/ballots/test_sealed_secrecy.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Trustee(models.Model):
    """Trustee number ``number`` (1 … n) of a sealed ballot, and the public messages they have
    sent: one per key generation round, then their decryption share."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.CASCADE, related_name="trustees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    certificate = models.JSONField(null=True, blank=True)
    polynomial = models.JSONField(null=True, blank=True)
    verification = models.JSONField(null=True, blank=True)
    decryption = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="trustee_number"),
            models.UniqueConstraint(fields=["ballot", "user"], name="trustee_once"),
        ]

    def __str__(self) -> str:
        return f"trustee {self.number} of {self.ballot}"


class SealedCredentialBatch(models.Model):
    """A batch of voters' public credentials, signed by the credential authority."""

    ballot = models.ForeignKey(
        "ballots.Ballot", on_delete=models.CASCADE, related_name="credential_batches"
    )
    number = models.PositiveSmallIntegerField()
    batch = models.JSONField()
    authority = models.JSONField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="credential_batch_number")
        ]

    def __str__(self) -> str:
        return f"credential batch {self.number} of {self.ballot}"


class SealedBoardEntry(models.Model):
    """One entry of a sealed ballot's public board, hash-chained to the one before it
    (``iskra.sealed.Board``): an encrypted ballot as cast, its tracker and its origin."""

    class Origin(models.TextChoices):
        BROWSER = "browser", "Encrypted in the voter's browser"
        SERVER = "server", "Encrypted by the server (no JavaScript)"

    ballot = models.ForeignKey(
        "ballots.Ballot", on_delete=models.PROTECT, related_name="sealed_board"
    )
    seq = models.PositiveIntegerField()
    tracker = models.CharField(max_length=64)
    credential = models.CharField(max_length=64, db_index=True)
    content = models.JSONField()
    origin = models.CharField(max_length=8, choices=Origin.choices)
    replaces = models.CharField(max_length=64, blank=True)
    replaced = models.BooleanField(default=False)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "seq"], name="sealed_board_seq"),
            models.UniqueConstraint(fields=["ballot", "tracker"], name="sealed_board_tracker"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} sealed #{self.seq}"

    def as_entry(self) -> dict[str, object]:
        """The entry as ``iskra.sealed.Board`` and the export have it."""
        return {
            "seq": self.seq,
            "tracker": self.tracker,
            "ballot": self.content,
            "origin": self.origin,
            "replaces": self.replaces or None,
            "hash": self.chain_hash,
        }


class SealedAudit(models.Model):
    """The tracker of a ballot that a voter's browser encrypted and then opened for Benaloh's
    audit (docs/sealed.md, "Benaloh's audit"): it must never be cast, and the export lists it
    under ``"audited"``. Nothing ties it to whoever audited: a random id, no person, no time
    (reporting it takes a signed-in voter on the roll, limited per person in the cache only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(
        "ballots.Ballot", on_delete=models.CASCADE, related_name="sealed_audits"
    )
    tracker = models.CharField(max_length=64)

    class Meta:
        ordering = ["tracker"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "tracker"], name="sealed_audit_tracker")
        ]

    def __str__(self) -> str:
        return f"audited {self.tracker}"
