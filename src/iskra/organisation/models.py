"""The organisation's structure: settings, the unit tree, bodies, seats and their holders."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q


class Organisation(models.Model):
    """The one organisation this installation serves, and its policy defaults (policy is data)."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    statement_of_aims = models.TextField(
        blank=True, help_text="Shown on the join page; applicants agree to it."
    )
    probation_days = models.PositiveIntegerField(
        default=180, help_text="How long a candidate member's probation lasts."
    )
    require_2fa_for_officers = models.BooleanField(
        default=True,
        help_text="Require two-factor sign-in for anyone whose seat gives access to member data.",
    )
    share_email_with_members = models.BooleanField(default=False)
    share_phone_with_members = models.BooleanField(default=False)
    share_workplace_with_members = models.BooleanField(default=False)
    share_pronouns_with_members = models.BooleanField(default=True)
    # Defaults later issues extend: a body may override each of these.
    default_quorum_percent = models.PositiveSmallIntegerField(default=25)
    default_turnout_threshold_percent = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        organisation = cls.objects.first()
        if organisation is None:
            organisation = cls.objects.create(name="Our organisation")
        return organisation


class UnitKind(models.Model):
    """A configurable level of the tree: national, region, district, branch, workplace group…"""

    name = models.CharField(max_length=60, unique=True)
    plural = models.CharField(max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(default=0, help_text="0 for the top of the tree.")
    holds_members = models.BooleanField(
        default=False, help_text="Members have their home in units of this kind (branches)."
    )

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of the organisation tree. ``path`` lists the ids from the root, e.g. ``/1/4/17/``,
    so a subtree is one indexed prefix query and ancestors come from the path itself."""

    name = models.CharField(max_length=200)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_like_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """This unit's id and its ancestors', from the root down."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class UnitMove(models.Model):
    """A unit's move to a new parent; the history of the tree is kept, never rewritten."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="moves")
    from_parent = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    to_parent = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-moved_at"]

    def __str__(self) -> str:
        return f"{self.unit} moved"


class Body(models.Model):
    """Where decisions are taken, attached to a unit."""

    class Kind(models.TextChoices):
        GENERAL_MEETING = "general_meeting", "General meeting"
        COMMITTEE = "committee", "Committee"
        COUNCIL = "council", "Council"
        CONFERENCE = "conference", "Conference"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    quorum_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the organisation's default."
    )
    # Standing orders: how motions reach this body and how it decides (policy is data).
    members_may_propose = models.BooleanField(
        default=True, help_text="Individual members may propose motions, with supporters."
    )
    supporters_required = models.PositiveSmallIntegerField(
        default=5, help_text="Supporters a member's motion needs before it can be submitted."
    )
    units_may_propose = models.BooleanField(
        default=True, help_text="Units within the body's scope may propose by their own decision."
    )
    majority_numerator = models.PositiveSmallIntegerField(default=1)
    majority_denominator = models.PositiveSmallIntegerField(default=2)
    majority_strict = models.BooleanField(
        default=True, help_text="Votes for must exceed (not just reach) the fraction."
    )
    abstentions_count = models.BooleanField(
        default=False, help_text="Abstentions count as votes cast."
    )
    votes_are_secret = models.BooleanField(
        default=False, help_text="The body's rules require secret votes."
    )
    discussion_days = models.PositiveSmallIntegerField(default=28)
    dissent_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days after a decision in which dissent may be recorded."
    )
    min_notice_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Standing orders: the least notice, in days, of a meeting of this body.",
    )
    # Recall at any time of the holders of this body's seats (iskra.representation).
    recall_threshold_percent = models.PositiveSmallIntegerField(
        default=20,
        help_text="Signatures, as a share of the seat's constituency, that open a recall ballot.",
    )
    recall_spread_units = models.PositiveSmallIntegerField(
        default=0,
        help_text="The signatures must come from at least this many units (0: from anywhere).",
    )
    recall_period_days = models.PositiveSmallIntegerField(
        default=42, help_text="Days a recall petition gathers signatures before it lapses."
    )
    recall_ballot_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days the recall ballot stays open."
    )

    nomination_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days a by-election for one of its seats takes nominations."
    )

    class RecallBy(models.TextChoices):
        BALLOT = "ballot", "A secret ballot of the constituency"
        MEETING = "meeting", "A vote at the constituency's next meeting"

    recall_by = models.CharField(
        max_length=8,
        choices=RecallBy.choices,
        default=RecallBy.BALLOT,
        help_text="At the threshold, how the constituency decides the recall.",
    )
    # Members requisition a special meeting of this body (iskra.representation). Defaults: the
    # Companies Act 2006 s.303-305 (5 % of the members; called within 21 days, for a date
    # within 28 days of the call).
    requisition_threshold_percent = models.PositiveSmallIntegerField(
        default=5,
        help_text="Signatures, as a share of the members under the body's unit, that make a "
        "requisition of a special meeting valid.",
    )
    requisition_spread_units = models.PositiveSmallIntegerField(
        default=0,
        help_text="The signatures must come from at least this many units (0: from anywhere).",
    )
    requisition_period_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days a requisition gathers signatures before it lapses."
    )
    requisition_call_days = models.PositiveSmallIntegerField(
        default=21,
        help_text="Days the officers have to call a valid requisition's meeting; after them "
        "Iskra convenes it in the requisitioners' name.",
    )
    requisition_units = models.PositiveSmallIntegerField(
        default=0,
        help_text="A requisition is also valid when this many units under the body's unit "
        "support it by their own decision (0: only members' signatures count).",
    )
    requisition_hold_days = models.PositiveSmallIntegerField(
        default=28,
        help_text="The meeting is held within this many days of the requisition becoming valid.",
    )

    # Proxies at this body's meetings (iskra.meetings.services.proxies): a member who cannot
    # come names another member to vote for them. Off by default: most unions and parties vote
    # in person; companies and co-ops usually allow them (Companies Act 2006 s.324).
    proxies_allowed = models.BooleanField(
        default=False, help_text="Members may appoint a proxy to vote for them at a meeting."
    )
    proxy_deadline_hours = models.PositiveSmallIntegerField(
        default=48, help_text="A proxy is appointed at least this many hours before the meeting."
    )
    proxy_cap = models.PositiveSmallIntegerField(
        default=2, help_text="The most proxies one member holds at a meeting."
    )
    proxy_same_unit = models.BooleanField(
        default=True, help_text="A proxy is a member of the same unit as the member appointing."
    )

    # Delegate entitlement, for a conference or council of delegates of the units below.
    class Entitlement(models.TextChoices):
        NONE = "", "No delegates computed"
        STEPS = "steps", "1 for the first members, 1 more per further block, up to a cap"
        PROPORTIONAL = "proportional", "1 per block of members (rounded), at least 1, up to a cap"

    entitlement_rule = models.CharField(
        max_length=12, choices=Entitlement.choices, blank=True, default=""
    )
    entitlement_first = models.PositiveIntegerField(
        default=749, help_text="Steps: the members the first delegate stands for."
    )
    entitlement_step = models.PositiveIntegerField(
        default=250,
        help_text="Steps: one more delegate per this many further members (or part of them); "
        "proportional: one delegate per this many members.",
    )
    entitlement_max = models.PositiveSmallIntegerField(
        default=6, help_text="The most delegates a unit sends."
    )

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A place on a body or an office, elected by a constituency, recallable at any time."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", "Secretary"
        TREASURER = "treasurer", "Treasurer"
        CHAIR = "chair", "Chair"
        COMMITTEE_MEMBER = "committee_member", "Committee member"
        DELEGATE = "delegate", "Delegate"
        OFFICER = "officer", "Officer"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="seats")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(max_length=200)
    constituency_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elected_seats",
        help_text="The unit whose members elect this seat.",
    )
    constituency_body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elected_seats",
        help_text="Or: the body whose members elect it.",
    )
    represents_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegate_seats",
        help_text="For council and conference delegates: the unit sending them.",
    )
    grants_officer_rights = models.BooleanField(
        default=False,
        help_text="Holders can see and manage the member records of the body's unit and below.",
    )
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["body", "role", "title"]

    def __str__(self) -> str:
        return self.title


class SeatHoldingQuerySet(models.QuerySet["SeatHolding"]):
    def current(self, on: date | None = None) -> SeatHoldingQuerySet:
        from django.utils import timezone

        today = on or timezone.localdate()
        return self.filter(started_on__lte=today).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=today)
        )


class SeatHolding(models.Model):
    """Someone holding a seat for a period; the seat's rights end with ``ended_on``."""

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="holdings")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seat_holdings"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    objects = SeatHoldingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(ended_on__isnull=True),
                name="one_open_holding_per_seat",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="holding_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} as {self.seat}"
