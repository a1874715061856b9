"""Motions and amendments, their support, circulation through the structures, branch
positions, the threaded discussion and the discussion bulletin."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class MotionStatus(models.TextChoices):
    DRAFT = "draft", "Draft (gathering support)"
    SUBMITTED = "submitted", "Submitted"
    ADMITTED = "admitted", "Admitted"
    IN_DISCUSSION = "in_discussion", "In discussion"
    CARRIED = "carried", "Carried"
    LOST = "lost", "Lost"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REMITTED = "remitted", "Remitted"
    RULED_OUT = "ruled_out", "Ruled out of order"
    COMPOSITED = "composited", "Merged into a composite"


# The one map of allowed motion transitions; ``services.transition`` checks it.
MOTION_TRANSITIONS: dict[str, frozenset[str]] = {
    MotionStatus.DRAFT: frozenset({MotionStatus.SUBMITTED, MotionStatus.WITHDRAWN}),
    MotionStatus.SUBMITTED: frozenset(
        {
            MotionStatus.ADMITTED,
            MotionStatus.RULED_OUT,
            MotionStatus.WITHDRAWN,
            MotionStatus.COMPOSITED,
        }
    ),
    MotionStatus.ADMITTED: frozenset(
        {MotionStatus.IN_DISCUSSION, MotionStatus.WITHDRAWN, MotionStatus.COMPOSITED}
    ),
    MotionStatus.IN_DISCUSSION: frozenset(
        {
            MotionStatus.CARRIED,
            MotionStatus.LOST,
            MotionStatus.REMITTED,
            MotionStatus.WITHDRAWN,
            MotionStatus.COMPOSITED,
        }
    ),
}
OPEN_STATUSES = (
    MotionStatus.DRAFT,
    MotionStatus.SUBMITTED,
    MotionStatus.ADMITTED,
    MotionStatus.IN_DISCUSSION,
)


class Motion(models.Model):
    class ProposedBy(models.TextChoices):
        MEMBER = "member", "A member, with supporters"
        UNIT = "unit", "A branch or unit, by its own decision"
        BODY = "body", "A body (e.g. the leadership)"

    body = models.ForeignKey("organisation.Body", on_delete=models.PROTECT, related_name="motions")
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="The motion as it stands now (Markdown).")
    supporting_statement = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=MotionStatus.choices, default=MotionStatus.DRAFT
    )
    proposed_by = models.CharField(
        max_length=8, choices=ProposedBy.choices, default=ProposedBy.MEMBER
    )
    proposing_unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposing_body = models.ForeignKey(
        "organisation.Body", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField(
        max_length=200,
        blank=True,
        help_text="For unit or body motions: the meeting that decided it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    discussion_deadline = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    composite = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    supporters_count = models.PositiveIntegerField(default=0)
    amends_decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rescinds_decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fixed_wording = models.BooleanField(
        default=False,
        help_text="Its wording is fixed (a motion of no confidence names whom it removes): "
        "it is not edited, amended or composited; the mover withdraws it and moves another.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["body", "status"], name="motion_body_status_idx")]

    def __str__(self) -> str:
        return self.title


class MotionStatusChange(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=MotionStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=MotionStatus.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.motion}: {self.to_status}"


class Proposer(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="proposers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_mover = models.BooleanField(default=False)
    agreed_to_composite_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["motion", "user"], name="one_proposer_row")]

    def __str__(self) -> str:
        return f"{self.user} proposes {self.motion}"


class Support(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "user"], name="one_support_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.motion}"


class MotionVersion(models.Model):
    """Every text the motion has had; version 1 is the text as submitted."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "number"], name="unique_motion_version")
        ]

    def __str__(self) -> str:
        return f"{self.motion} v{self.number}"


class Amendment(models.Model):
    class Kind(models.TextChoices):
        DELETE = "delete", "Delete a passage"
        INSERT = "insert", "Insert after a passage"
        REPLACE = "replace", "Replace a passage"
        WHOLE = "whole", "Replace the whole text"

    class Status(models.TextChoices):
        TABLED = "tabled", "Tabled"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"
        FALLEN = "fallen", "Fallen (its passage no longer exists)"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    passage = models.TextField(blank=True, help_text="The exact words of the motion it changes.")
    new_text = models.TextField(blank=True)
    explanation = models.TextField(blank=True)
    proposing_unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TABLED)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "number"], name="unique_amendment_number")
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number} to {self.motion}"


class Circulation(models.Model):
    """A motion before a unit for discussion, with the members it had when circulated."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="circulations")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="circulations"
    )
    unit_path = models.CharField(max_length=255)
    members = models.PositiveIntegerField(default=0)
    circulated_at = models.DateTimeField()
    deadline = models.DateField()
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the unit's officers were last reminded."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "unit"], name="circulate_once_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "deadline"], name="circulation_unit_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.motion} before {self.unit}"


class Position(models.Model):
    """A unit's recorded position and mandate. Corrections are new rows; the latest counts."""

    class Stance(models.TextChoices):
        SUPPORT = "support", "Support"
        OPPOSE = "oppose", "Oppose"
        SUPPORT_IF_AMENDED = "support_if_amended", "Support if amended"

    class Mandate(models.TextChoices):
        INSTRUCTED = "instructed", "Delegates instructed"
        FREE = "free", "Delegates free to decide"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="positions"
    )
    stance = models.CharField(max_length=20, choices=Stance.choices)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    abstentions = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Members in good standing in the unit when the position was recorded: the "
        "votes recorded cannot exceed it.",
    )
    mandate = models.CharField(max_length=10, choices=Mandate.choices, default=Mandate.FREE)
    mandate_note = models.TextField(blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vote = models.ForeignKey(
        "meetings.Vote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The meeting's vote on the motion that decided the position.",
    )
    amendment_stances = models.JSONField(
        default=list,
        blank=True,
        help_text='The stance on each amendment: [{"amendment": id, "number": n, '
        '"stance": "support" | "oppose"}].',
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "unit"], condition=Q(is_current=True), name="one_current_position"
            ),
            models.CheckConstraint(
                condition=Q(members__isnull=True)
                | Q(members__gte=F("votes_for") + F("votes_against") + F("abstentions")),
                name="position_votes_within_members",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.stance} on {self.motion}"


# A unit's stance on each amendment, kept with its position.
AMENDMENT_STANCES = ("support", "oppose")


class Post(models.Model):
    """A contribution to the threaded discussion of a motion."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"post by {self.author} on {self.motion}"


class PostRevision(models.Model):
    """The text a post had before an edit: the history is kept."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["replaced_at"]

    def __str__(self) -> str:
        return f"revision of {self.post}"


class Bulletin(models.Model):
    """The discussion bulletin of a period: signed contributions, published as HTML and PDF."""

    body = models.ForeignKey(
        "organisation.Body", on_delete=models.PROTECT, related_name="bulletins"
    )
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on"]

    def __str__(self) -> str:
        return self.title


class Contribution(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="contributions")
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signature = models.CharField(max_length=200, help_text="How the contribution is signed.")
    title = models.CharField(max_length=200)
    text = models.TextField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return self.title
