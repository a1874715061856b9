"""Meetings of bodies: notice, agenda, attendance and quorum, recorded votes, minutes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    body = models.ForeignKey("organisation.Body", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    notice = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    card_vote_snapshot_on = models.DateField(
        null=True, blank=True, help_text="Card-vote weights use membership on this date."
    )
    minutes = models.TextField(blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at_meeting = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes_of"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_after = models.BooleanField(
        default=False, help_text="Held offline and recorded afterwards: no notice was sent."
    )
    opened_early_reason = models.TextField(
        blank=True, help_text="Why the meeting was opened before its time."
    )
    sign_in_code = models.CharField(
        max_length=8, blank=True, help_text="Shown in the room; members sign in with it."
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["body", "starts_at"], name="meeting_body_start_idx")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        MOTION = "motion", "Motion"
        REPORT = "report", "Report"
        OTHER = "other", "Other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=200)
    motion = models.ForeignKey(
        "motions.Motion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances"
    )
    at = models.DateTimeField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"


class Reply(models.Model):
    """A member's answer to the notice: coming, or apologies (sent by them or the secretary)."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", "Attending"
        APOLOGIES = "apologies", "Apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_replies"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="reply_once")]

    def __str__(self) -> str:
        return f"{self.user}: {self.answer}"


class Vote(models.Model):
    """A recorded vote on a motion or an amendment at a meeting."""

    class Method(models.TextChoices):
        SHOW_OF_HANDS = "hands", "Show of hands"
        ROLL_CALL = "roll_call", "Roll call"
        CARD = "card", "Card vote"
        SECRET = "secret", "Secret ballot"

    class State(models.TextChoices):
        OPEN = "open", "Voting"
        COUNTED = "counted", "Counted"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes")
    motion = models.ForeignKey("motions.Motion", on_delete=models.PROTECT, related_name="votes")
    amendment = models.ForeignKey(
        "motions.Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    votes_for = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    votes_against = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    abstentions = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    present = models.PositiveIntegerField(default=0)
    entitled = models.PositiveIntegerField(default=0)
    carried = models.BooleanField(null=True)
    result = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField()
    counted_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        subject = (
            f"amendment {self.amendment.number}"
            if self.amendment_id and self.amendment
            else "the motion"
        )
        return f"Vote on {subject}: {self.motion}"


class Ballot(models.Model):
    """One named vote in a roll call or card vote (open voting: recorded by name)."""

    class Choice(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstain"
        SPLIT = "split", "Split card"

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_votes"
    )
    choice = models.CharField(max_length=8, choices=Choice.choices)
    weight = models.DecimalField(max_digits=14, decimal_places=2, default=1)
    represents_unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    # A delegation's card split between the choices in one action (card votes only): the parts
    # add up to the card's weight.
    split_for = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    split_against = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    split_abstain = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Cast by the member's proxy (``user`` is still the member whose vote it is: one vote per
    # member, in person or by proxy).
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxy_votes_cast",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "user"], name="one_named_vote_per_person"),
            models.CheckConstraint(
                condition=~models.Q(cast_by=models.F("user")), name="proxy_vote_not_own"
            ),
            models.CheckConstraint(
                condition=(
                    ~models.Q(choice="split")
                    & models.Q(
                        split_for__isnull=True,
                        split_against__isnull=True,
                        split_abstain__isnull=True,
                    )
                )
                | models.Q(
                    choice="split",
                    split_for__gte=0,
                    split_against__gte=0,
                    split_abstain__gte=0,
                    weight=models.F("split_for")
                    + models.F("split_against")
                    + models.F("split_abstain"),
                ),
                name="split_card_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.choice}"

    def parts(self) -> list[tuple[str, Decimal]]:
        """(choice, weight) for counting: a split card counts in each of its parts."""
        if self.choice == self.Choice.SPLIT:
            return [
                ("for", self.split_for or Decimal(0)),
                ("against", self.split_against or Decimal(0)),
                ("abstain", self.split_abstain or Decimal(0)),
            ]
        return [(self.choice, self.weight)]

    @property
    def split_words(self) -> str:
        """ "60 for, 40 against" (the parts that are not nought)."""
        return ", ".join(f"{part.normalize():f} {choice}" for choice, part in self.parts() if part)


class Proxy(models.Model):
    """A member who cannot come names another member of the body to vote for them at a meeting
    (where the body's standing orders allow it). It ends when the member takes it back, the
    proxy declines, or the member comes in person."""

    class State(models.TextChoices):
        APPOINTED = "appointed", "Appointed"
        WITHDRAWN = "withdrawn", "Taken back"
        DECLINED = "declined", "Declined by the proxy"
        CANCELLED = "cancelled", "Cancelled: the member came"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxies_given"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxies_held"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPOINTED)
    appointed_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(state="appointed"),
                name="one_proxy_per_member",
            ),
            models.CheckConstraint(
                condition=~models.Q(holder=models.F("member")), name="proxy_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(state="appointed", ended_at__isnull=True)
                | (~models.Q(state="appointed") & models.Q(ended_at__isnull=False)),
                name="proxy_ended_when_not_appointed",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "holder"], name="proxy_meeting_holder_idx")]

    def __str__(self) -> str:
        return f"{self.holder} for {self.member} at {self.meeting}"


class CalendarFeed(models.Model):
    """A member's secret calendar feed address; revealing the token reveals only meeting times."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
