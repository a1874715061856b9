"""The search index: one row per searchable thing, its words kept by the database's own
full-text index (PostgreSQL: a generated ``tsvector`` column with a GIN index; SQLite: an FTS5
table kept in step by triggers). See docs/search.md."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    MOTION = "motion", "Motions"
    DECISION = "decision", "Decisions"
    MEETING = "meeting", "Meetings"
    POST = "post", "Discussion posts"
    MEMBER = "member", "Members"


class Entry(models.Model):
    """The words of one motion, decision, meeting, post or membership.

    Only words are kept here: who may see a row is decided at query time by the source app's
    own filter on the source table (``object_id``), never by anything copied into the index.
    """

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        db_table = "search_entry"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_entry_per_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
