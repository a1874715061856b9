"""Secret ballots. The roll (who may vote, and *that* they voted) and the ballots (what was
voted) live in separate tables with nothing linking them: ballot rows carry a random id, no
timestamp, no sequence number and no reference to any person (DESIGN.md invariant 2).

Neither may their *order*: on SQLite the mark and ballot tables are ``WITHOUT ROWID`` (migration
0003), so their only order is their random keys'; at the close both are rewritten in a random
order and the old pages released (``services.close_ballot``, docs/ballots.md). A migration that
alters either table on SQLite rebuilds it through Django's schema editor, which would bring the
rowid back: ``tests/ballots/test_secrecy_schema.py`` fails if it does.

The storage leaves room for browser-side encryption later: ``CastBallot.content`` would hold a
ciphertext and the count would run on decryptions published by threshold trustees.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Preset(models.TextChoices):
    UK_INDUSTRIAL_ACTION = "uk_industrial_action", "UK industrial action ballot"
    UNION_TWO_THIRDS = "union_two_thirds", "Union constitution: two-thirds majority"
    SIMPLE_MAJORITY = "simple_majority", "Simple majority referendum"
    STV_COMMITTEE = "stv_committee", "STV committee election"
    RECALL = "recall", "Recall ballot"


class Ballot(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        TALLYING = "tallying", "Closed, awaiting the trustees' decryption"
        CLOSED = "closed", "Closed and counted"

    title = models.CharField(max_length=200)
    preset = models.CharField(max_length=24, choices=Preset.choices)
    description = models.TextField(blank=True)
    paper_text = models.TextField(
        blank=True,
        help_text="Printed on the voting paper (statutory statements for strike ballots).",
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="ballots")
    constituency_body = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Instead of the unit's members: the members of this body.",
    )
    motion = models.ForeignKey(
        "motions.Motion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
        help_text="A motion decided by this ballot: carried or lost when the ballot closes.",
    )
    filter_workplace = models.CharField(max_length=200, blank=True)
    filter_employer = models.CharField(max_length=200, blank=True)
    filter_job_title = models.CharField(max_length=200, blank=True)
    important_public_service = models.BooleanField(default=False)
    turnout_rule_repealed = models.BooleanField(
        default=False, help_text="Switch on once the 50% turnout rule's repeal commences."
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    scrutineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scrutinised_ballots",
    )
    min_published_ballots = models.PositiveIntegerField(
        default=10,
        help_text="If fewer ballots than this are cast, the bulletin board and the figures for "
        "each answer are withheld: with so few ballots they would show how people voted. "
        "Turnout and the outcome are always published.",
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    roll_size = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    board_hash = models.CharField(max_length=64, blank=True)
    report_signed_at = models.DateTimeField(null=True, blank=True)
    report_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused_second_attempts = models.PositiveIntegerField(default=0)
    # When the pages that held this ballot's marks and ballots in casting order were released
    # (after the close); until then the worker's sweep keeps trying.
    storage_compacted_at = models.DateTimeField(null=True, blank=True)
    # Sealed ballots (docs/sealed.md): encrypted in the voter's browser, opened only by k of
    # the trustees together. None of these fields holds a secret.
    sealed = models.BooleanField(
        default=False,
        help_text="Sealed: votes are encrypted in the voter's browser and only the trustees "
        "together can open the result; not even the server's administrators can read a vote.",
    )
    sealed_uuid = models.CharField(max_length=36, blank=True)
    threshold = models.PositiveSmallIntegerField(default=2)
    credential_authority = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The trustees' key generation transcript (once complete and checked), the election
    # parameters (frozen at the opening) and the record before decryption (at the close).
    sealed_transcript = models.JSONField(null=True, blank=True)
    sealed_election = models.JSONField(null=True, blank=True)
    sealed_record = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", "Yes or no"
        CHOOSE_ONE = "choose_one", "Choose one"
        APPROVAL = "approval", "Choose up to k"
        RANKED = "ranked", "Rank in order (alternative vote)"
        STV = "stv", "STV election to n seats"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    seats = models.PositiveSmallIntegerField(default=1)
    max_choices = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="question_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position")
        ]

    def __str__(self) -> str:
        return self.label


class RollEntry(models.Model):
    """A person entitled to vote, frozen at opening. Holds a hash of their credential only."""

    # Indexed by one_roll_entry_per_person (ballot first): no index of its own.
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="roll", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roll_entries"
    )
    # The hash of the voter's credential; empty (NULL) until the credential is made and sent
    # (``services.credentials``), and for a sealed ballot, whose credentials the credential
    # authority makes. No credential hashes to NULL, so an entry without one cannot be voted
    # with a credential.
    # NULL, not "": many entries wait for a credential, and the hashes are unique.
    credential_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    added_on_challenge = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="one_roll_entry_per_person"),
            # A constraint, not ``unique=True``: PostgreSQL then builds no second, LIKE-able
            # index of the hashes, which freezing a roll of 100 000 would write for nothing.
            models.UniqueConstraint(
                fields=["credential_hash"], name="one_roll_entry_per_credential"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on the roll of {self.ballot}"


class VoteMark(models.Model):
    """That a roll entry has voted. Its uniqueness is what makes one person one vote; it has
    no time and no link to the ballot cast. Its id is random too: a sequence would record the
    order in which people voted. (``WITHOUT ROWID`` on SQLite: see the module docstring.)"""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    roll_entry = models.OneToOneField(RollEntry, on_delete=models.PROTECT, related_name="mark")

    def __str__(self) -> str:
        return "voted"


class BallotProxy(models.Model):
    """A member of the roll names another to vote for them in a plain (unsealed) secret ballot
    whose body's standing orders allow proxies. Once used, it says only that: not when, and
    nothing links it to the ballot cast (the proxy alone knows the vote)."""

    class State(models.TextChoices):
        APPOINTED = "appointed", "Appointed"
        WITHDRAWN = "withdrawn", "Taken back"
        DECLINED = "declined", "Declined by the proxy"
        USED = "used", "Used: the proxy voted"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="proxies")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballot_proxies_given"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballot_proxies_held"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPOINTED)
    appointed_at = models.DateTimeField()
    # Only when taken back or declined: a used proxy keeps no time (it would date the vote).
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "member"],
                condition=models.Q(state__in=["appointed", "used"]),
                name="one_ballot_proxy_per_member",
            ),
            models.CheckConstraint(
                condition=~models.Q(holder=models.F("member")), name="ballot_proxy_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["appointed", "used"], ended_at__isnull=True)
                | models.Q(state__in=["withdrawn", "declined"], ended_at__isnull=False),
                name="ballot_proxy_ended_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"Proxy in {self.ballot}"


class CastBallot(models.Model):
    """A ballot as cast: random id, the tracker the voter was given, and the choices. Nothing
    else — see the secrecy test in the suite, which fails if a column is added here.
    (``WITHOUT ROWID`` on SQLite: see the module docstring.)"""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="cast_ballots")
    tracker = models.CharField(max_length=32, unique=True)
    content = models.JSONField()

    def __str__(self) -> str:
        return self.tracker


class BoardEntry(models.Model):
    """The published bulletin board: ballots in a random order, each chained to the last."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="board")
    position = models.PositiveIntegerField()
    tracker = models.CharField(max_length=32)
    content = models.JSONField()
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="board_position")
        ]

    def __str__(self) -> str:
        return f"{self.ballot} #{self.position}"


class Challenge(models.Model):
    """A member who believes they were wrongly left off the roll; the scrutineer decides."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        UPHELD = "upheld", "Upheld: added to the roll"
        REJECTED = "rejected", "Rejected"

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="challenges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "user"], name="one_challenge_per_person")
        ]

    def __str__(self) -> str:
        return f"challenge by {self.user}"


class Extension(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="extensions")
    old_closes_at = models.DateTimeField()
    new_closes_at = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"extension of {self.ballot}"


class DeliveryFailure(models.Model):
    """A credential email that could not be sent (for the scrutineer's report)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="delivery_failures")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    error = models.CharField(max_length=300)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"delivery failure on {self.ballot}"


from iskra.ballots.sealed_models import (  # noqa: E402
    SealedAudit,
    SealedBoardEntry,
    SealedCredentialBatch,
    Trustee,
)

__all__ = [
    "Ballot",
    "BoardEntry",
    "CastBallot",
    "Challenge",
    "DeliveryFailure",
    "Extension",
    "Option",
    "Preset",
    "Question",
    "RollEntry",
    "SealedAudit",
    "SealedBoardEntry",
    "SealedCredentialBatch",
    "Trustee",
    "VoteMark",
]
