"""Membership and its history: admission, status changes, transfers, discipline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    DECLINED = "declined", "Application declined"
    CANDIDATE = "candidate", "Candidate member"
    MEMBER = "member", "Member"
    LAPSED = "lapsed", "Lapsed"
    SUSPENDED = "suspended", "Suspended"
    EXPELLED = "expelled", "Expelled"
    RESIGNED = "resigned", "Resigned"


# The statuses in which a person takes part in the life of their branch.
ACTIVE_STATUSES = (Status.CANDIDATE, Status.MEMBER)
# Only these vote (DESIGN.md: only members in good standing vote).
GOOD_STANDING_STATUSES = (Status.MEMBER,)

# The one map of allowed status changes; ``services.change_status`` checks it.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLICANT: frozenset({Status.CANDIDATE, Status.MEMBER, Status.DECLINED}),
    Status.DECLINED: frozenset({Status.APPLICANT}),
    Status.CANDIDATE: frozenset(
        {Status.MEMBER, Status.RESIGNED, Status.EXPELLED, Status.SUSPENDED, Status.LAPSED}
    ),
    Status.MEMBER: frozenset({Status.LAPSED, Status.SUSPENDED, Status.EXPELLED, Status.RESIGNED}),
    Status.LAPSED: frozenset({Status.MEMBER, Status.RESIGNED, Status.EXPELLED}),
    Status.SUSPENDED: frozenset({Status.MEMBER, Status.EXPELLED, Status.RESIGNED}),
    Status.EXPELLED: frozenset({Status.MEMBER}),  # only by a successful appeal
    Status.RESIGNED: frozenset({Status.APPLICANT}),
}


class Membership(models.Model):
    """A person's standing in the organisation and their home branch."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="memberships"
    )
    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLICANT)
    status_changed_at = models.DateTimeField()
    admitted_on = models.DateField(null=True, blank=True)
    probation_ends_on = models.DateField(null=True, blank=True)
    probation_held = models.BooleanField(
        default=False, help_text="The branch decided the candidate does not become a member yet."
    )
    suspended_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["user__full_name"]
        indexes = [models.Index(fields=["unit", "status"], name="membership_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"

    @property
    def in_good_standing(self) -> bool:
        return self.status in GOOD_STANDING_STATUSES

    @property
    def is_active(self) -> bool:
        """A candidate or a member: sees the organisation's structure, takes part."""
        return self.status in ACTIVE_STATUSES

    @property
    def house_number(self) -> str:
        """The number a saved membership gets when none was given: "M" and its id."""
        return f"M{self.pk:07d}"


class MembershipEvent(models.Model):
    """One change of status: who decided it, on which body's authority, and why."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.ForeignKey(
        "organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.membership}: {self.from_status} → {self.to_status}"


class Application(models.Model):
    """An application to join, made on the public join page, decided by the branch."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        ADMITTED = "admitted", "Admitted"
        DECLINED = "declined", "Declined"

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="applications"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    message = models.TextField(blank=True)
    agreed_to_aims_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(decision="pending"),
                name="one_pending_application_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"application of {self.membership.user}"


class Transfer(models.Model):
    """A member's move to another branch: requested by the member, accepted by the receiver."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers")
    from_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(state="pending"),
                name="one_pending_transfer_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"transfer of {self.membership.user} to {self.to_unit}"


class DisciplinaryCase(models.Model):
    """A complaint against a member, its decision by a body, and an optional final appeal."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DECIDED = "decided", "Decided"
        APPEALED = "appealed", "Under appeal"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", "No action"
        WARNING = "warning", "Warning"
        SUSPENSION = "suspension", "Suspension"
        EXPULSION = "expulsion", "Expulsion"

    class AppealOutcome(models.TextChoices):
        UPHELD = "upheld", "Decision upheld"
        OVERTURNED = "overturned", "Decision overturned"

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="cases")
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.TextField()
    deciding_body = models.ForeignKey(
        "organisation.Body", on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_grounds = models.TextField(blank=True)
    appeal_body = models.ForeignKey(
        "organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=12, choices=AppealOutcome.choices, blank=True)
    appeal_reason = models.TextField(blank=True)
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"case about {self.membership.user}"
