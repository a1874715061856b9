"""Keeping the index in step with the source tables.

Each searchable model has a builder that says which words of a row are searched. Saving or
deleting a row updates its entry through Django's signals, in the same transaction; what
bypasses signals (``bulk_create``, ``QuerySet.update``: the bulk seeder, a member import, an
erasure's rewrite of a person's posts) is covered by ``iskra search reindex`` or by the
handlers below (the import sends ``members.signals.people_imported``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from iskra.accounts.models import User
from iskra.decisions.models import Decision
from iskra.meetings.models import Meeting
from iskra.members.models import Membership
from iskra.members.signals import people_imported
from iskra.motions.models import Motion, Post
from iskra.search.models import Entry, Kind

BATCH_SIZE = 2_000


def _motion_words(motion: Motion) -> tuple[str, str]:
    return motion.title, f"{motion.text}\n{motion.supporting_statement}"


def _decision_words(decision: Decision) -> tuple[str, str]:
    return decision.title, f"{decision.number}\n{decision.text}"


def _meeting_words(meeting: Meeting) -> tuple[str, str]:
    # The minutes are on the meeting's page once it has closed, not before.
    minutes = meeting.minutes if meeting.status == Meeting.Status.CLOSED else ""
    return meeting.title, f"{meeting.location}\n{meeting.notice}\n{minutes}"


def _post_words(post: Post) -> tuple[str, str]:
    return "", post.text


def _member_words(membership: Membership) -> tuple[str, str]:
    # Names and the membership number only: contact details stay in the directory.
    return membership.user.full_name, membership.number or ""


@dataclass(frozen=True)
class Source:
    kind: str
    model: type[models.Model]
    words: Callable[[Any], tuple[str, str]]
    related: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {
    Kind.MOTION: Source(Kind.MOTION, Motion, _motion_words),
    Kind.DECISION: Source(Kind.DECISION, Decision, _decision_words),
    Kind.MEETING: Source(Kind.MEETING, Meeting, _meeting_words),
    Kind.POST: Source(Kind.POST, Post, _post_words),
    Kind.MEMBER: Source(Kind.MEMBER, Membership, _member_words, ("user",)),
}


def _entries(source: Source, rows: Iterable[Any]) -> Iterator[Entry]:
    for row in rows:
        title, text = source.words(row)
        yield Entry(kind=source.kind, object_id=row.pk, title=title[:300], text=text)


def index_rows(kind: str, queryset: models.QuerySet[Any]) -> int:
    """(Re)write the entries of these rows of one kind; returns how many were written."""
    source = SOURCES[kind]
    rows = queryset.select_related(*source.related).order_by("pk")
    written = 0
    with transaction.atomic():
        batch: list[Entry] = []
        for entry in _entries(source, rows.iterator(chunk_size=BATCH_SIZE)):
            batch.append(entry)
            if len(batch) >= BATCH_SIZE:
                written += _replace(kind, batch)
                batch = []
        written += _replace(kind, batch)
    return written


def _replace(kind: str, batch: list[Entry]) -> int:
    if not batch:
        return 0
    Entry.objects.filter(kind=kind, object_id__in=[e.object_id for e in batch]).delete()
    Entry.objects.bulk_create(batch)
    return len(batch)


def reindex(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the index of these kinds (all by default) from the source tables."""
    counts: dict[str, int] = {}
    for kind in kinds or SOURCES:
        source = SOURCES[kind]
        with transaction.atomic():
            Entry.objects.filter(kind=kind).delete()
            counts[kind] = index_rows(kind, source.model._default_manager.all())
    return counts


def _saved(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    for source in SOURCES.values():
        if source.model is sender:
            title, text = source.words(instance)
            Entry.objects.update_or_create(
                kind=source.kind,
                object_id=instance.pk,
                defaults={"title": title[:300], "text": text},
            )


def _deleted(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    for source in SOURCES.values():
        if source.model is sender:
            Entry.objects.filter(kind=source.kind, object_id=instance.pk).delete()


def _person_saved(
    sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    # A name change renames the person's membership in the index. A whole-row save is also
    # how an erasure ends, after it has rewritten the person's posts with ``update()``: their
    # posts are read again once the transaction commits, so no erased word stays searchable.
    if update_fields is not None and "full_name" not in update_fields:
        return
    user_id = instance.pk

    def refresh() -> None:
        index_rows(Kind.MEMBER, Membership.objects.filter(user_id=user_id))
        index_rows(Kind.POST, Post.objects.filter(author_id=user_id))

    transaction.on_commit(refresh)


def _people_imported(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    # A bulk import writes with bulk_create (no post_save): its people's memberships are read
    # into the index once the import commits (their names may also have changed).
    ids = list(user_ids)

    def refresh() -> None:
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            index_rows(Kind.MEMBER, Membership.objects.filter(user_id__in=chunk))

    transaction.on_commit(refresh)


def connect_signals() -> None:
    for source in SOURCES.values():
        uid = f"search-{source.kind}"
        post_save.connect(_saved, sender=source.model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=source.model, dispatch_uid=uid)
    post_save.connect(_person_saved, sender=User, dispatch_uid="search-person")
    people_imported.connect(_people_imported, dispatch_uid="search-people-imported")
