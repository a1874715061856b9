"""The organisation's publications: the paper, a journal, a branch bulletin.

A publication has sections, people with a role on it (writer, sub-editor, editor), editions
(issue number, date, pages) and articles. An article goes through the editorial workflow of
``iskra.press.workflow`` (draft → submitted → edited → approved → scheduled → published); every
save of its text is a revision, so editors see what changed; editors comment on it; whoever edits
it holds a lock for a while so two people do not overwrite each other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Publication(models.Model):
    class Format(models.TextChoices):
        TABLOID = "tabloid", "Tabloid (279 by 432 mm)"
        A4 = "a4", "A4 (210 by 297 mm)"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="publications",
        help_text="The unit that publishes it: its officers appoint the editors.",
    )
    tagline = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(
        default=True,
        help_text="Published articles are on the public site and in the feeds; otherwise "
        "members only.",
    )
    sub_editing = models.BooleanField(
        default=True,
        help_text="Articles are sub-edited before an editor approves them (a small bulletin "
        "may go straight from submitted to approved).",
    )
    print_format = models.CharField(max_length=10, choices=Format.choices, default=Format.TABLOID)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "slug"], name="press_section_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """Someone's role on a publication's staff."""

    class Kind(models.TextChoices):
        WRITER = "writer", "Writer"
        SUB_EDITOR = "sub_editor", "Sub-editor"
        EDITOR = "editor", "Editor"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="press_roles"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "user"], name="press_one_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.publication}"


class Edition(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField()
    date = models.DateField()
    pages = models.PositiveSmallIntegerField(default=16)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="press_edition_number"),
            models.CheckConstraint(
                condition=Q(pages__gte=1) & Q(pages__lte=64), name="press_edition_pages"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication.name} no. {self.number}"


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        EDITED = "edited", "Edited"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        LETTER = "letter", "Letter"
        REPORT = "report", "Report from the ground"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    is_lead = models.BooleanField(default=False, help_text="The lead story of its edition.")
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.ARTICLE,
        help_text="Letters and reports are sent in by members through the publication's form.",
    )
    image = models.ForeignKey(
        "Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    standfirst = models.CharField(max_length=400, blank=True)
    body = models.TextField()
    body_html = models.TextField(blank=True, help_text="The body rendered when it was saved.")
    byline = models.CharField(max_length=120, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="press_articles"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "slug"], name="press_article_slug"),
            models.UniqueConstraint(
                fields=["edition"], condition=Q(is_lead=True), name="press_one_lead"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="press_published_when",
            ),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(publish_at__isnull=False),
                name="press_scheduled_when",
            ),
        ]
        indexes = [
            # The newest first, ties by id: the index gives that order, so a front page or a
            # feed reads 20 rows, not all of them sorted (SQLite sorted 10 000: bench/press_bench).
            models.Index(
                fields=["publication", "state", "-published_at", "-id"], name="press_public"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Revision(models.Model):
    """The article's text as one person saved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    standfirst = models.CharField(max_length=400, blank=True)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="press_revision_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.article_id}"


class Comment(models.Model):
    """An editor's (or the writer's) comment on an article, seen by the publication's staff."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.article_id}"


class Image(models.Model):
    """A picture for an article, as the server re-encoded it: resized to at most
    ``iskra.press.images.MAX_SIDE`` pixels a side, with no EXIF or other metadata (a phone's
    photo carries where and when it was taken). Kept in the database, so every app server
    serves it and a backup holds it."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="images")
    data = models.BinaryField()
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of data (the URL's cache key).")
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.caption or f"Image {self.pk}"

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"


class Leaflet(models.Model):
    """A leaflet (two sides) or a pamphlet (a cover, then pages) from the desk's templates, made
    as a print-ready PDF with a QR code to the join page, the paper, or another address."""

    class Layout(models.TextChoices):
        LEAFLET = "leaflet", "Leaflet: two sides"
        PAMPHLET = "pamphlet", "Pamphlet: a cover, then pages"

    class Size(models.TextChoices):
        A5 = "a5", "A5"
        A4 = "a4", "A4"

    class Target(models.TextChoices):
        JOIN = "join", "The join page"
        PAPER = "paper", "The publication's front page"
        URL = "url", "Another address"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="leaflets")
    title = models.CharField(max_length=120)
    layout = models.CharField(max_length=10, choices=Layout.choices, default=Layout.LEAFLET)
    size = models.CharField(max_length=4, choices=Size.choices, default=Size.A5)
    front = models.TextField(help_text="The front (or the cover), in Markdown.")
    back = models.TextField(blank=True, help_text="The back (or the pages), in Markdown.")
    qr_target = models.CharField(max_length=6, choices=Target.choices, default=Target.JOIN)
    qr_url = models.URLField(max_length=300, blank=True)
    qr_label = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(qr_target="url") | ~Q(qr_url=""), name="press_leaflet_url"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BundleOrder(models.Model):
    """The copies of an edition a branch (or any unit) orders, and how many reached it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="bundles")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    copies_wanted = models.PositiveIntegerField()
    copies_delivered = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "unit"], name="press_one_bundle"),
        ]

    def __str__(self) -> str:
        return f"Bundle of {self.edition_id} for {self.unit_id}"


class Sale(models.Model):
    """Papers sold at a pitch by a seller on a day: copies, the money taken for them, and what
    was given to the fighting fund. Money is a Decimal in ``settings.CURRENCY``."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="sales")
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="sales"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pitch = models.CharField(max_length=120, help_text="Where: a market, a workplace gate.")
    sold_on = models.DateField()
    copies = models.PositiveIntegerField()
    money = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    fighting_fund = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    action = models.ForeignKey(
        "decisions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "decisions.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-sold_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(money__gte=0) & Q(fighting_fund__gte=0), name="press_sale_money"
            ),
            models.CheckConstraint(
                condition=Q(copies__gt=0) | Q(money__gt=0) | Q(fighting_fund__gt=0),
                name="press_sale_something",
            ),
        ]
        indexes = [models.Index(fields=["publication", "unit", "sold_on"], name="press_sales")]

    def __str__(self) -> str:
        return f"{self.copies} sold at {self.pitch}"


class SalesTarget(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    copies_per_edition = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "unit"], name="press_one_target"),
        ]

    def __str__(self) -> str:
        return f"Target of {self.unit_id}"


class Contact(models.Model):
    """Someone met while selling who agreed to be contacted: on the branch's follow-up list."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    sale = models.ForeignKey(
        Sale, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=300, blank=True)
    consent = models.BooleanField(help_text="They agreed to be contacted by the organisation.")
    invited_at = models.DateTimeField(null=True, blank=True, help_text="Sent the join link.")
    followed_up_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="press_contact_consent"),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="press_contact_reachable"
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class PaperSubscription(models.Model):
    """A reader's subscription to the paper, in print or digital, sold by a branch; the worker
    reminds them by email before it runs out."""

    class Kind(models.TextChoices):
        PRINT = "print", "Print (posted)"
        DIGITAL = "digital", "Digital"

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="subscriptions"
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    address = models.TextField(blank=True, help_text="For print: where it is posted.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="press_sub_period"
            ),
            models.CheckConstraint(
                condition=~Q(kind="print") | ~Q(address=""), name="press_sub_address"
            ),
        ]

    def __str__(self) -> str:
        return f"Subscription {self.pk}"
