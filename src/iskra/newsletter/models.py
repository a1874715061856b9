"""The newsletter: lists that members and the public subscribe to, the sends an editor makes
from the paper's articles, and one delivery per subscriber per send.

A subscriber is an address on a list: a member's (who chooses on their Newsletters page, with
no confirmation: the account's address is already theirs) or the public's (pending until the
link in the confirmation email is followed: double opt-in). An unsubscribe, a complaint, or a
bounce score at the limit stops delivery at once, including to a send already under way.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q


class MailingList(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        CAMPAIGN = "campaign", "A campaign's"
        OCCASIONAL = "occasional", "Now and then"

    publication = models.ForeignKey(
        "press.Publication", on_delete=models.PROTECT, related_name="mailing_lists"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    is_public = models.BooleanField(
        default=True, help_text="The public may subscribe (with a confirmation email)."
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        ACTIVE = "active", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Stopped: the address bounces"
        COMPLAINED = "complained", "Stopped: marked as spam"

    mailing_list = models.ForeignKey(
        MailingList, on_delete=models.CASCADE, related_name="subscribers"
    )
    email = models.EmailField(max_length=254, help_text="Lower-cased.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    bounce_score = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "email"], name="newsletter_one_sub"),
            models.CheckConstraint(condition=~Q(email=""), name="newsletter_sub_email"),
        ]
        indexes = [
            models.Index(fields=["mailing_list", "status"], name="newsletter_sub_status"),
            models.Index(fields=["email"], name="newsletter_sub_email_idx"),
        ]

    def __str__(self) -> str:
        return f"Subscriber {self.pk} of {self.mailing_list_id}"


class Send(models.Model):
    """One issue of the newsletter, built from an introduction and the paper's articles."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Stopped"

    mailing_list = models.ForeignKey(MailingList, on_delete=models.PROTECT, related_name="sends")
    subject = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    article_ids = models.JSONField(default=list, help_text="The articles, in order.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    html = models.TextField(blank=True, help_text="As queued, with the unsubscribe placeholder.")
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped: unsubscribed since"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="newsletter_one_delivery"),
        ]
        indexes = [models.Index(fields=["send", "status"], name="newsletter_delivery_status")]

    def __str__(self) -> str:
        return f"Delivery {self.pk}"
