"""Campaigns and their events: a campaign groups a decision's actions and the events through
which members carry them out; an event has RSVPs (members and, for a public event, anyone who
consents), a capacity with a waiting list that moves up, a check-in at the door, and a report
from the ground that feeds its action's report-back."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Campaign(models.Model):
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, allow_unicode=True)
    summary = models.TextField(blank=True, help_text="Markdown.")
    summary_html = models.TextField(blank=True)
    is_public = models.BooleanField(default=False, help_text="Its page is on the open web.")
    actions = models.ManyToManyField("decisions.Action", blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    class Kind(models.TextChoices):
        PROTEST = "protest", "Protest"
        PICKET = "picket", "Picket"
        STALL = "stall", "Stall"
        PUBLIC_MEETING = "public_meeting", "Public meeting"
        PAPER_SALE = "paper_sale", "Paper sale"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    action = models.ForeignKey(
        "decisions.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="The decision's action it carries out: its report feeds the report-back.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True)
    place = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    is_public = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaigns_event_times"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="campaigns_event_capacity",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="campaigns_event_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Rsvp(models.Model):
    """Someone coming to an event: a member (their account) or, for a public event, anyone who
    gave a name and address and agreed to be contacted about it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the email to be confirmed"
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Not coming"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rsvps",
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254, blank=True, help_text="Lower-cased.")
    phone = models.CharField(max_length=40, blank=True)
    consent = models.BooleanField(default=False, help_text="Agreed to be contacted about it.")
    status = models.CharField(max_length=10, choices=Status.choices)
    # The place in the queue: a waiting list moves up in this order.
    queued_at = models.DateTimeField()
    walk_in = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The RSVP's own page (confirming, cancelling without signing in) and, apart, the code its
    # QR code shows at the door: whoever sees the QR code cannot cancel with it.
    token = models.CharField(max_length=43, unique=True)
    door_code = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="campaigns_one_rsvp_each",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email=""),
                name="campaigns_one_rsvp_an_address",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(consent=True) | Q(walk_in=True),
                name="campaigns_rsvp_consent",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="going"),
                name="campaigns_checked_in_going",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="campaigns_rsvp_status")]

    def __str__(self) -> str:
        return f"RSVP {self.pk}"


class EventReport(models.Model):
    """After the event, its organiser's report from the ground."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="report")
    attendance = models.PositiveIntegerField()
    leaflets = models.PositiveIntegerField(default=0)
    papers_sold = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField(default=0)
    money = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    account = models.TextField(blank=True)
    action_report = models.ForeignKey(
        "decisions.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(money__gte=0), name="campaigns_report_money"),
        ]

    def __str__(self) -> str:
        return f"Report on {self.event_id}"


class Shift(models.Model):
    """A role or a slot members sign up for: a steward, a speaker, 9 to 11 on the picket line."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    needed = models.PositiveIntegerField(help_text="How many people it needs.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaigns_shift_times"
            ),
            models.CheckConstraint(condition=Q(needed__gte=1), name="campaigns_shift_needed"),
        ]

    def __str__(self) -> str:
        return self.title


class ShiftSignup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_signups"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="campaigns_one_signup_each"),
        ]

    def __str__(self) -> str:
        return f"Signup {self.pk}"
