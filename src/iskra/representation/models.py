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


class Eligible(models.Model):
    """Who may sign (a recall petition, a requisition): a member on the day it started, with
    their unit then (for the spread rule). Each kind adds its ``petition``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Eligible to sign {self._meta.verbose_name} {getattr(self, 'petition_id', '')}"


class Signature(models.Model):
    """A signature; withdrawn while it gathers signatures, it no longer counts (and may be
    given again). Each kind adds its ``petition``."""

    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"A signature ({self._meta.verbose_name}) {self.pk}"


class RecallPetition(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Gathering signatures"
        BALLOT = "ballot", "Threshold reached: recall ballot"
        MEETING = "meeting", "Threshold reached: vote at the next meeting"
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
    motion = models.OneToOneField(
        "motions.Motion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recall_petition",
        help_text="Where the body's rules say so: the recall motion put to the next meeting.",
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
                condition=Q(state__in=["open", "ballot", "meeting"]),
                name="one_live_recall_per_holding",
            ),
            models.CheckConstraint(
                condition=Q(required__gte=1), name="recall_requires_a_signature"
            ),
        ]

    def __str__(self) -> str:
        return f"Recall of {self.holding}"


class RecallEligible(Eligible):
    """A member of the constituency on the day the petition started, with their unit then."""

    petition = models.ForeignKey(RecallPetition, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "user"], name="eligible_once_per_recall")
        ]


class RecallSignature(Signature):
    """A signature of a recall petition."""

    petition = models.ForeignKey(
        RecallPetition, on_delete=models.CASCADE, related_name="signature_rows"
    )

    class Meta:
        constraints = [
            # Signing twice is one signature: a constraint, not an ``if``.
            models.UniqueConstraint(fields=["petition", "signer"], name="one_signature_per_member")
        ]
        indexes = [models.Index(fields=["petition", "withdrawn_at"])]


class Requisition(models.Model):
    """Members requisition a special meeting of a body, with the agenda they state.

    Who may sign is fixed on the day it starts (the members in good standing under the body's
    unit, with their unit, for the spread rule). At the threshold it is valid: the body's
    officers must call the meeting within the body's days to call it, for a date within its
    days to hold it; if they do not, the worker convenes it in the requisitioners' name.
    """

    class State(models.TextChoices):
        OPEN = "open", "Gathering signatures"
        VALID = "valid", "Valid: the officers must call the meeting"
        CALLED = "called", "Meeting called by the officers"
        CONVENED = "convened", "Meeting convened in the requisitioners' name"
        LAPSED = "lapsed", "Lapsed: too few signatures in time"
        WITHDRAWN = "withdrawn", "Withdrawn: no signature left"

    body = models.ForeignKey(
        "organisation.Body", on_delete=models.PROTECT, related_name="requisitions"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agenda = models.TextField(help_text="The business of the meeting: one item per line.")
    reason = models.TextField()
    place = models.CharField(
        max_length=300, blank=True, help_text="Where the requisitioners propose to meet."
    )
    started_at = models.DateTimeField()
    # The body's rules when it started (they stay those of this requisition).
    closes_on = models.DateField()
    eligible = models.PositiveIntegerField()
    required = models.PositiveIntegerField()
    spread_units = models.PositiveSmallIntegerField(default=0)
    call_days = models.PositiveSmallIntegerField()
    hold_days = models.PositiveSmallIntegerField()
    units_required = models.PositiveSmallIntegerField(
        default=0, help_text="Units whose support also makes it valid (0: not by units)."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    signatures = models.PositiveIntegerField(default=0)
    valid_at = models.DateTimeField(null=True, blank=True)
    call_by = models.DateField(null=True, blank=True)
    hold_by = models.DateField(null=True, blank=True)
    meeting = models.OneToOneField(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requisition",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One requisition at a time by a member to a body (a second agenda is an item of
            # the first).
            models.UniqueConstraint(
                fields=["body", "started_by"],
                condition=Q(state="open"),
                name="one_open_requisition_per_starter",
            ),
            models.CheckConstraint(
                condition=Q(required__gte=1), name="requisition_requires_a_signature"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "lapsed", "withdrawn"])
                | (Q(call_by__isnull=False) & Q(hold_by__isnull=False)),
                name="valid_requisition_has_its_clocks",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["called", "convened"]) | Q(meeting__isnull=False),
                name="requisition_meeting_when_called",
            ),
        ]
        indexes = [models.Index(fields=["state", "call_by"])]

    def __str__(self) -> str:
        return f"Requisition of a meeting of {self.body}"

    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class RequisitionEligible(Eligible):
    """A member under the body's unit on the day the requisition started, with their unit."""

    petition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "user"], name="eligible_once_per_requisition"
            )
        ]


class RequisitionSignature(Signature):
    """A signature of a requisition."""

    petition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="signature_rows"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "signer"], name="one_signature_per_requisitioner"
            )
        ]
        indexes = [models.Index(fields=["petition", "withdrawn_at"])]


class NoConfidence(models.Model):
    """A motion of no confidence in seat holders (an officer, or every member of a committee):
    carried at a meeting or by ballot, it ends the terms it names and by-elections follow."""

    motion = models.OneToOneField(
        "motions.Motion", on_delete=models.PROTECT, related_name="no_confidence"
    )
    holdings = models.ManyToManyField("organisation.SeatHolding", related_name="+")
    committee = models.ForeignKey(
        "organisation.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The committee it names as a whole, if it does.",
    )
    carried_at = models.DateTimeField(null=True, blank=True)
    ended = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"No confidence: {self.motion}"


class MandateDeparture(models.Model):
    """A delegate's recorded vote that departed from their unit's instructed mandate: flagged
    to the unit, and a report-back item on the unit's next meeting."""

    vote = models.ForeignKey("meetings.Vote", on_delete=models.PROTECT, related_name="+")
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    holding = models.ForeignKey(
        "organisation.SeatHolding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.ForeignKey("motions.Position", on_delete=models.PROTECT, related_name="+")
    expected = models.CharField(max_length=8, help_text="for or against, as mandated.")
    cast = models.CharField(max_length=8, help_text="for, against or abstain, as recorded.")
    at = models.DateTimeField()
    report_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The report-back on the unit's next meeting (empty until one is called).",
    )

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "delegate"], name="one_departure_per_vote")
        ]
        indexes = [models.Index(fields=["unit", "report_item"])]

    def __str__(self) -> str:
        return f"Departure from the mandate of {self.unit}"

    @property
    def cast_words(self) -> str:
        """ "voted …": for, against, or abstained."""
        if self.cast == "split":
            return "split the card"
        return "abstained" if self.cast == "abstain" else f"voted {self.cast}"


class ReservedPlace(models.Model):
    """A rule of a conference or council: where a unit sends at least ``from_delegates``
    delegates, at least ``at_least`` of them are ``label`` (e.g. "women"), as members say of
    themselves (``ReservedPlaceClaim``). Checked when a delegate is elected to a seat."""

    body = models.ForeignKey(
        "organisation.Body", on_delete=models.CASCADE, related_name="reserved_places"
    )
    label = models.CharField(max_length=60, help_text='Who the places are for, e.g. "women".')
    # The label as compared (``reserved.label_key``: compatibility-normalised, case-folded, with
    # no invisible characters), so "Women", a full-width WOMEN and "women" are one rule, in any
    # database (SQLite's lower() folds only A to Z).
    label_key = models.CharField(max_length=200, default="")
    at_least = models.PositiveSmallIntegerField(default=1)
    from_delegates = models.PositiveSmallIntegerField(
        default=2, help_text="Applies to a delegation of at least this many delegates."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["body", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "label_key"], name="one_reserved_place_per_label"
            ),
            models.CheckConstraint(
                condition=Q(at_least__gte=1, from_delegates__gte=1)
                & Q(at_least__lte=models.F("from_delegates")),
                name="reserved_places_fit_the_delegation",
            ),
        ]

    def __str__(self) -> str:
        return f"At least {self.at_least} {self.label} among {self.body}'s delegations"


class ReservedPlaceClaim(models.Model):
    """A member says of themselves that they count for a reserved place (e.g. that they are a
    woman). Only they make or take it back; officers see only whether an elected delegate
    counts."""

    place = models.ForeignKey(ReservedPlace, on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reserved_place_claims"
    )
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "member"], name="one_claim_per_place")
        ]

    def __str__(self) -> str:
        return f"Counts for {self.place.label}"


class Election(models.Model):
    """How a seat's holder was elected: by a ballot of the seat's constituency (its declared
    result names them) or at a meeting of it. One per holding; a holding recorded without it
    was recorded by the officers as before."""

    holding = models.OneToOneField(
        "organisation.SeatHolding", on_delete=models.CASCADE, related_name="election"
    )
    ballot = models.ForeignKey(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ballot__isnull=False, meeting__isnull=True)
                | Q(ballot__isnull=True, meeting__isnull=False),
                name="elected_by_ballot_or_at_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"Election of holding {self.holding_id}"


class ByElection(models.Model):
    """A vacant seat's election: nominations from the constituency until a date, then the
    draft ballot gets the accepted nominees as its candidates and its officers open it."""

    class State(models.TextChoices):
        NOMINATING = "nominating", "Taking nominations"
        BALLOT = "ballot", "Nominations closed: the ballot"

    seat = models.ForeignKey("organisation.Seat", on_delete=models.PROTECT, related_name="+")
    ballot = models.OneToOneField(
        "ballots.Ballot", on_delete=models.PROTECT, related_name="by_election"
    )
    why = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NOMINATING)
    nominations_close_on = models.DateField(help_text="The last day nominations are taken.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"By-election for {self.seat}"


class Nomination(models.Model):
    """A member of the constituency nominates a candidate (themselves, or another member, who
    accepts). Only accepted nominations stand when nominations close."""

    by_election = models.ForeignKey(
        ByElection, on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["by_election", "nominee"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_nomination_per_candidate",
            )
        ]

    def __str__(self) -> str:
        return f"Nomination of {self.nominee}"


class Substitute(models.Model):
    """The member elected as the seat's substitute with its holder: if the holder is recalled or
    loses a vote of confidence, the substitute takes the seat and no by-election is needed."""

    seat = models.ForeignKey("organisation.Seat", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="substitute_for"
    )
    elected_with = models.ForeignKey(
        "organisation.SeatHolding", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    took_seat = models.ForeignKey(
        "organisation.SeatHolding",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The holding the substitute took when the seat fell vacant.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat"], condition=Q(ended_at__isnull=True), name="one_substitute_per_seat"
            )
        ]

    def __str__(self) -> str:
        return f"Substitute for {self.seat}"


class RequisitionUnitSupport(models.Model):
    """A unit under the body's unit supports a requisition by its own decision (a branch
    meeting's resolution), recorded by one of its officers with that authority. Units act in
    the open: which units support it is shown."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="unit_supports"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    authority = models.CharField(
        max_length=200, help_text="Which decision: e.g. 'Riverside branch meeting, 3 March'."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "unit"], name="one_support_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} supports requisition {self.requisition_id}"
