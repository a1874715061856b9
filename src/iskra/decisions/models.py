"""Decisions (immutable), the minority's dissent, and the actions that carry them out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Decision(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        AMENDED = "amended", "Amended"
        RESCINDED = "rescinded", "Rescinded"
        COMPLETED = "completed", "Completed"

    number = models.CharField(max_length=32, unique=True)
    motion = models.OneToOneField(
        "motions.Motion", on_delete=models.PROTECT, related_name="decision"
    )
    body = models.ForeignKey(
        "organisation.Body", on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    vote = models.OneToOneField(
        "meetings.Vote", null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    title = models.CharField(max_length=200)
    text = models.TextField()
    scope = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="decisions",
        help_text="It binds this unit and every unit below.",
    )
    scope_path = models.CharField(max_length=255, db_index=True)
    effective_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    rescinds = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rescinded_by"
    )
    is_public = models.BooleanField(default=False)
    dissent_until = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"


class Dissent(models.Model):
    """A short statement of the minority's view, by a member or a branch, once per decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="dissents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "user"],
                condition=Q(unit__isnull=True),
                name="one_dissent_per_member",
            ),
            models.UniqueConstraint(
                fields=["decision", "unit"],
                condition=Q(unit__isnull=False),
                name="one_dissent_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"dissent on {self.decision}"


class Action(models.Model):
    """Work a decision requires, assigned to a unit (cascading down) or to a member."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_on = models.DateField()
    target = models.PositiveIntegerField(null=True, blank=True, help_text="e.g. 1000 (leaflets)")
    measure = models.CharField(
        max_length=60, blank=True, help_text="What the figures count, e.g. leaflets"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_actions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="commitments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commitments"
    )
    description = models.CharField(max_length=300)
    amount = models.PositiveIntegerField(
        default=0, help_text="How much of the target, if it counts."
    )
    due_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.description}"


class Report(models.Model):
    """A report-back with figures and text. A correction is a new report naming the one it
    corrects (``corrects``); the corrected report is kept but its figure no longer counts."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    figure = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report on {self.action}"
