"""Recall at any time: a petition of a seat's constituency to recall its holder.

A member of the constituency starts a petition with a reason; the holder may reply beside it.
Who may sign is fixed on the day it starts (``RecallEligible``: the constituency's members in
good standing then, with their unit, for the spread rule). At the threshold set by the seat's
body (a share of the constituency, optionally from at least k units) a secret recall ballot of
the constituency opens by itself; if it carries, the holding ends as "recalled".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RecallPetition(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Gathering signatures"
        BALLOT = "ballot", "Threshold reached: recall ballot"
        RECALLED = "recalled", "Recalled"
        NOT_RECALLED = "not_recalled", "Recall ballot lost"
        LAPSED = "lapsed", "Lapsed: too few signatures in time"
        ENDED = "ended", "Ended: the holder left the seat"

    holding = models.ForeignKey(
        "organisation.SeatHolding", on_delete=models.PROTECT, related_name="recall_petitions"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()
    # The body's rules when it started (they stay those of this petition).
    closes_on = models.DateField()
    eligible = models.PositiveIntegerField()
    required = models.PositiveIntegerField()
    spread_units = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    signatures = models.PositiveIntegerField(default=0)
    ballot = models.OneToOneField(
        "ballots.Ballot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recall_petition",
    )
    by_election = models.OneToOneField(
        "ballots.Ballot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="by_election_for",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One petition at a time against a holding.
            models.UniqueConstraint(
                fields=["holding"],
                condition=Q(state__in=["open", "ballot"]),
                name="one_live_recall_per_holding",
            ),
            models.CheckConstraint(
                condition=Q(required__gte=1), name="recall_requires_a_signature"
            ),
        ]

    def __str__(self) -> str:
        return f"Recall of {self.holding}"


class RecallEligible(models.Model):
    """A member of the constituency on the day the petition started, with their unit then."""

    petition = models.ForeignKey(RecallPetition, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "user"], name="eligible_once_per_recall")
        ]

    def __str__(self) -> str:
        return f"Eligible to sign petition {self.petition_id}"


class RecallSignature(models.Model):
    """A signature; withdrawn while the petition gathers signatures, it no longer counts."""

    petition = models.ForeignKey(
        RecallPetition, on_delete=models.CASCADE, related_name="signature_rows"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Signing twice is one signature: a constraint, not an ``if``.
            models.UniqueConstraint(fields=["petition", "signer"], name="one_signature_per_member")
        ]
        indexes = [models.Index(fields=["petition", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"A signature of petition {self.petition_id}"
