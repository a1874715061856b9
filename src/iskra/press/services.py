"""The verbs of the paper: publications and their staff, writing and editing articles through the
workflow (``iskra.press.workflow``), comments, locks, editions, and the worker's scheduled
publication. Each is atomic, keyword-only, checks who may do it and writes the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from iskra.audit.services import record
from iskra.core.errors import DomainError, PermissionDenied
from iskra.core.markdown import render_markdown
from iskra.core.notifications import notify
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require
from iskra.press.models import Article, Comment, Edition, Publication, Revision, Role, Section
from iskra.press.notices import author_url, tell_the_desk
from iskra.press.permissions import (
    can_edit_text,
    can_manage_staff,
    can_see_on_desk,
    forget_roles,
    is_editor,
    role_of,
)
from iskra.press.workflow import BY_NAME, may_take

# How long someone editing an article holds it (saving renews it).
LOCK_MINUTES = 15
# The largest article body (characters): a long feature is 5 000 words.
MAX_BODY = 100_000


class FieldError(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def clean_email(value: str, field: str = "email") -> str:
    """An address as the forms take it (one line, one @, a domain), lower-cased; else the
    field's error. Empty stays empty: the caller says whether one is required."""
    address = value.strip().lower()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        raise FieldError(field, "Enter a valid email address.") from None
    if len(address) > 254:
        raise FieldError(field, "Enter a valid email address.")
    return address


def _unique_slug(rows: Any, base: str, *, limit: int, **scope: Any) -> str:
    """A slug of ``base`` that none of ``rows`` (a queryset) in ``scope`` has yet."""
    stem = (slugify(base, allow_unicode=True) or "item")[: limit - 6].strip("-") or "item"
    slug, n = stem, 1
    while rows.filter(slug=slug, **scope).exists():
        n += 1
        slug = f"{stem}-{n}"
    return slug


# ---- publications and staff -------------------------------------------------------------------


def create_publication(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    tagline: str = "",
    is_public: bool = True,
    sub_editing: bool = True,
    print_format: str = Publication.Format.TABLOID,
) -> Publication:
    require(is_officer_of(actor, unit), f"Only officers of {unit.name} start its publications.")
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the publication a name.")
    with transaction.atomic():
        publication = Publication.objects.create(
            name=name,
            slug=_unique_slug(Publication.objects, name, limit=60),
            unit=unit,
            tagline=tagline.strip(),
            is_public=is_public,
            sub_editing=sub_editing,
            print_format=print_format,
            created_at=timezone.now(),
        )
        record(
            actor=actor,
            action="press.publication.create",
            obj=publication,
            unit=unit,
            data={"name": name, "public": is_public},
        )
    return publication


def set_role(*, actor: Any, publication: Publication, user: Any, kind: str | None) -> Role | None:
    """Appoint someone to the publication's staff, change their role, or (``kind`` None) stand
    them down. Only members may be appointed."""
    require(
        can_manage_staff(actor, publication),
        f"Only officers of {publication.unit.name} appoint the staff of {publication.name}.",
    )
    if kind is not None and kind not in Role.Kind.values:
        raise FieldError("kind", "Choose writer, sub-editor or editor.")
    with transaction.atomic():
        existing = Role.objects.select_for_update().filter(publication=publication, user=user)
        old = existing.first()
        if kind is None:
            if old is None:
                raise DomainError(f"{user.full_name} is not on the staff of {publication.name}.")
            old.delete()
            role = None
        else:
            if not is_active_member(user):
                raise FieldError("member", "Only members in good standing join the staff.")
            role, _ = Role.objects.update_or_create(
                publication=publication, user=user, defaults={"kind": kind}
            )
        forget_roles(user)
        record(
            actor=actor,
            action="press.role.set",
            obj=publication,
            unit=publication.unit,
            data={"user_id": user.pk, "from": old.kind if old else None, "to": kind},
        )
        if role is not None:
            notify(
                users=[user],
                kind="press",
                title=f"You are now {role.get_kind_display().lower()} of {publication.name}",
                url=reverse("press:desk", args=[publication.pk]),
            )
    return role


def add_section(*, actor: Any, publication: Publication, name: str) -> Section:
    require(is_editor(actor, publication), "Only the publication's editors add sections.")
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the section a name.")
    with transaction.atomic():
        section = Section.objects.create(
            publication=publication,
            name=name,
            slug=_unique_slug(Section.objects, name, limit=60, publication=publication),
            position=publication.sections.count(),
        )
        record(actor=actor, action="press.section.add", obj=section, data={"name": name})
    return section


# ---- writing ----------------------------------------------------------------------------------


def _check_text(title: str, body: str, standfirst: str) -> tuple[str, str, str]:
    title, standfirst = title.strip(), standfirst.strip()
    if not title:
        raise FieldError("title", "Give the article a headline.")
    if len(title) > 200:
        raise FieldError("title", "Keep the headline to 200 characters.")
    if len(standfirst) > 400:
        raise FieldError("standfirst", "Keep the standfirst to 400 characters.")
    if not body.strip():
        raise FieldError("body", "Write the article's text.")
    if len(body) > MAX_BODY:
        raise FieldError("body", f"An article is at most {MAX_BODY:,} characters.")
    return title, body, standfirst


def _check_section(publication: Publication, section: Section | None) -> None:
    if section is not None and section.publication_id != publication.pk:
        raise FieldError("section", f"That section is not one of {publication.name}'s.")


def new_article(
    *,
    actor: Any,
    publication: Publication,
    section: Section | None,
    title: str,
    body: str,
    standfirst: str = "",
    byline: str = "",
    kind: str = Article.Kind.ARTICLE,
    state: str = Article.State.DRAFT,
    note: str,
) -> Article:
    """The article and its first revision (inside the caller's transaction, checks done)."""
    now = timezone.now()
    article = Article.objects.create(
        publication=publication,
        section=section,
        kind=kind,
        state=state,
        title=title,
        slug=_unique_slug(Article.objects, title, limit=80, publication=publication),
        standfirst=standfirst,
        body=body,
        body_html=str(render_markdown(body)),
        byline=byline.strip()[:120],
        author=actor,
        created_at=now,
        updated_at=now,
    )
    Revision.objects.create(
        article=article,
        number=1,
        title=title,
        standfirst=standfirst,
        body=body,
        author=actor,
        note=note,
        created_at=now,
    )
    return article


def write_article(
    *,
    actor: Any,
    publication: Publication,
    title: str,
    body: str,
    standfirst: str = "",
    section: Section | None = None,
    byline: str = "",
) -> Article:
    """A new draft by the actor (any of the publication's staff)."""
    require(
        role_of(actor, publication) is not None,
        f"Only the staff of {publication.name} write for it.",
    )
    title, body, standfirst = _check_text(title, body, standfirst)
    _check_section(publication, section)
    with transaction.atomic():
        article = new_article(
            actor=actor,
            publication=publication,
            section=section,
            title=title,
            standfirst=standfirst,
            body=body,
            byline=byline,
            note="First draft",
        )
        record(actor=actor, action="press.article.write", obj=article, data={"title": title})
    return article


def _lock_holder(article: Article, now: datetime) -> Any:
    if article.locked_by_id and article.locked_until and article.locked_until > now:
        return article.locked_by
    return None


def lock_holder(article: Article) -> Any:
    """Who is editing the article now (None if no one)."""
    return _lock_holder(article, timezone.now())


def take_lock(*, actor: Any, article: Article) -> Article:
    """Start editing: the article is the actor's for ``LOCK_MINUTES`` (renewed on each save).
    Refused while someone else holds it."""
    require(can_edit_text(actor, article), "You may not change this article now.")
    now = timezone.now()
    with transaction.atomic():
        fresh = (
            Article.objects.select_for_update(of=("self",))
            .select_related("locked_by")
            .get(pk=article.pk)
        )
        holder = _lock_holder(fresh, now)
        if holder is not None and holder.pk != actor.pk:
            until = timezone.localtime(fresh.locked_until)
            raise DomainError(
                f"{holder.full_name} is editing this article (until {until:%H:%M} unless they "
                "save or stop). Try again then, or ask them."
            )
        fresh.locked_by = actor
        fresh.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        fresh.save(update_fields=["locked_by", "locked_until"])
    return fresh


def release_lock(*, actor: Any, article: Article) -> None:
    Article.objects.filter(pk=article.pk, locked_by_id=actor.pk).update(
        locked_by=None, locked_until=None
    )


def save_text(
    *,
    actor: Any,
    article: Article,
    title: str,
    body: str,
    standfirst: str = "",
    section: Section | None = None,
    byline: str = "",
    note: str = "",
    base_revision: int | None = None,
) -> Revision | None:
    """Save a new revision of the article's text (None if nothing changed). The actor must hold
    the lock or find it free; ``base_revision`` (the revision they started from) refuses a save
    over someone else's newer one."""
    require(can_edit_text(actor, article), "You may not change this article now.")
    title, body, standfirst = _check_text(title, body, standfirst)
    _check_section(article.publication, section)
    now = timezone.now()
    with transaction.atomic():
        fresh = (
            Article.objects.select_for_update(of=("self",))
            .select_related("locked_by")
            .get(pk=article.pk)
        )
        holder = _lock_holder(fresh, now)
        if holder is not None and holder.pk != actor.pk:
            raise DomainError(
                f"{holder.full_name} is editing this article: your changes were not saved. "
                "Copy them, and try again when they have finished."
            )
        latest = fresh.revisions.order_by("-number").first()
        number = latest.number if latest else 0
        if base_revision is not None and base_revision != number:
            raise DomainError(
                "Someone saved a newer version while you were editing: your changes were not "
                "saved. Open the article again to see theirs."
            )
        byline = byline.strip()[:120]
        unchanged = (
            latest is not None
            and (latest.title, latest.standfirst, latest.body) == (title, standfirst, body)
            and fresh.section_id == (section.pk if section else None)
            and fresh.byline == byline
        )
        fresh.locked_by = actor
        fresh.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        if unchanged:
            fresh.save(update_fields=["locked_by", "locked_until"])
            return None
        fresh.title, fresh.standfirst, fresh.body = title, standfirst, body
        fresh.body_html = str(render_markdown(body))
        fresh.section, fresh.byline, fresh.updated_at = section, byline, now
        fresh.save()
        revision = Revision.objects.create(
            article=fresh,
            number=number + 1,
            title=title,
            standfirst=standfirst,
            body=body,
            author=actor,
            note=note.strip()[:200],
            created_at=now,
        )
        record(
            actor=actor,
            action="press.article.revise",
            obj=fresh,
            data={"revision": revision.number, "state": fresh.state},
        )
    article.refresh_from_db()
    return revision


def comment(*, actor: Any, article: Article, body: str) -> Comment:
    require(can_see_on_desk(actor, article), "Only the publication's staff comment on articles.")
    body = body.strip()
    if not body:
        raise FieldError("body", "Write your comment.")
    if len(body) > 5000:
        raise FieldError("body", "Keep a comment to 5,000 characters.")
    with transaction.atomic():
        note = Comment.objects.create(
            article=article, author=actor, body=body, created_at=timezone.now()
        )
        record(actor=actor, action="press.article.comment", obj=article)
        if article.author_id != actor.pk:
            notify(
                users=[article.author],
                kind="press",
                title=f"{actor.full_name} commented on “{article.title}”",
                url=reverse("press:article", args=[article.pk]),
            )
    return note


# ---- the workflow -----------------------------------------------------------------------------


def take_step(
    *, actor: Any, article: Article, step: str, reason: str = "", at: datetime | None = None
) -> Article:
    """Move the article one step of the workflow (``iskra.press.workflow.STEPS``)."""
    chosen = BY_NAME.get(step)
    if chosen is None:
        raise DomainError(f"There is no step called {step!r}.")
    now = timezone.now()
    with transaction.atomic():
        fresh = (
            Article.objects.select_for_update()
            .select_related("publication__unit", "author")
            .get(pk=article.pk)
        )
        kind = role_of(actor, fresh.publication)
        if not may_take(chosen, kind=kind, article=fresh, user_id=actor.pk):
            mine = fresh.author_id == actor.pk or not chosen.own_only_for_writers
            if kind is not None and kind in chosen.roles and (kind != Role.Kind.WRITER or mine):
                raise DomainError(
                    f"“{chosen.label}” does not apply to an article that is "
                    f"{fresh.get_state_display().lower()}."
                )
            raise PermissionDenied(f"You may not “{chosen.label.lower()}” this article.")
        reason = reason.strip()
        if chosen.needs_reason and not reason:
            raise FieldError("reason", "Say why, for the writer.")
        if chosen.needs_time:
            if at is None or at <= now:
                raise FieldError("at", "Choose a time in the future to publish it.")
            if at > now + timedelta(days=366):
                raise FieldError("at", "Schedule it within the next year; check the year.")
            fresh.publish_at = at
        fresh.state = chosen.target
        if chosen.target == Article.State.PUBLISHED:
            _publish(fresh, now)
        elif chosen.target != Article.State.SCHEDULED:
            fresh.publish_at = None
        fresh.locked_by, fresh.locked_until = None, None
        fresh.updated_at = now
        fresh.save()
        if reason:
            Comment.objects.create(
                article=fresh, author=actor, body=f"{chosen.label}: {reason}", created_at=now
            )
        record(
            actor=actor,
            action=f"press.article.{chosen.name}",
            obj=fresh,
            data={"to": fresh.state, "at": at.isoformat() if at else None},
        )
        tell_the_desk(fresh, chosen.name, actor)
        if fresh.author_id != actor.pk:
            notify(
                users=[fresh.author],
                kind="press",
                title=f"“{fresh.title}”: {fresh.get_state_display().lower()}"
                + (f" ({reason})" if reason and fresh.kind != Article.Kind.ARTICLE else ""),
                url=author_url(fresh),
            )
    return fresh


def _publish(article: Article, now: datetime) -> None:
    if article.published_at is None:
        # The canonical address follows the headline it is first published under, then stays.
        article.slug = _unique_slug(
            Article.objects.exclude(pk=article.pk),
            article.title,
            limit=80,
            publication=article.publication,
        )
        article.published_at = now
    article.publish_at = None


def publish_due(*, now: datetime | None = None) -> int:
    """The worker's sweep: publish the scheduled articles whose time has come."""
    now = now or timezone.now()
    done = 0
    for pk in Article.objects.filter(
        state=Article.State.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update()
                .filter(pk=pk, state=Article.State.SCHEDULED)
                .first()
            )
            if article is None:
                continue
            article.state = Article.State.PUBLISHED
            _publish(article, now)
            article.save()
            record(actor=None, action="press.article.publish", obj=article, data={"due": True})
            done += 1
    return done


# ---- editions ---------------------------------------------------------------------------------


def create_edition(
    *, actor: Any, publication: Publication, number: int, on: date, pages: int = 16
) -> Edition:
    require(is_editor(actor, publication), "Only the publication's editors make editions.")
    if not 1 <= pages <= 64:
        raise FieldError("pages", "An edition has 1 to 64 pages.")
    if not 1 <= number <= 100_000:
        raise FieldError("number", "Give the edition's number, from 1.")
    today = timezone.localdate()
    # Back numbers may be entered (from 1900); a date more than a year ahead is a typo.
    if not date(1900, 1, 1) <= on <= today + timedelta(days=366):
        raise FieldError("date", "Give the edition's date: from 1900 to a year from now.")
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                publication=publication, number=number, date=on, pages=pages
            )
            record(
                actor=actor,
                action="press.edition.create",
                obj=edition,
                data={"number": number, "date": on.isoformat()},
            )
    except IntegrityError:
        raise FieldError("number", f"{publication.name} already has a number {number}.") from None
    return edition


def place_in_edition(
    *, actor: Any, article: Article, edition: Edition | None, is_lead: bool = False
) -> Article:
    """Put an article in an edition (or take it out), optionally as its lead story."""
    require(is_editor(actor, article.publication), "Only the publication's editors make editions.")
    if edition is not None and edition.publication_id != article.publication_id:
        raise FieldError("edition", "That edition is of another publication.")
    with transaction.atomic():
        fresh = Article.objects.select_for_update().get(pk=article.pk)
        if is_lead and edition is not None:
            Article.objects.filter(edition=edition, is_lead=True).exclude(pk=fresh.pk).update(
                is_lead=False
            )
        fresh.edition, fresh.is_lead = edition, bool(is_lead and edition is not None)
        fresh.save(update_fields=["edition", "is_lead"])
        record(
            actor=actor,
            action="press.edition.place",
            obj=fresh,
            data={"edition_id": edition.pk if edition else None, "lead": fresh.is_lead},
        )
    return fresh


def publish_edition(*, actor: Any, edition: Edition) -> Edition:
    """Publish the edition: every article in it must be approved (or already published); the
    approved ones are published with it."""
    require(is_editor(actor, edition.publication), "Only the publication's editors publish it.")
    now = timezone.now()
    with transaction.atomic():
        fresh = Edition.objects.select_for_update().get(pk=edition.pk)
        articles = list(Article.objects.select_for_update().filter(edition=fresh))
        if not articles:
            raise DomainError(f"Number {fresh.number} has no articles yet: place some in it first.")
        ready = {Article.State.APPROVED, Article.State.SCHEDULED, Article.State.PUBLISHED}
        waiting = [a.title for a in articles if a.state not in ready]
        if waiting:
            raise DomainError(
                "These articles are not approved yet: " + "; ".join(f"“{t}”" for t in waiting)
            )
        for article in articles:
            if article.state != Article.State.PUBLISHED:
                article.state = Article.State.PUBLISHED
                _publish(article, now)
                article.save()
        fresh.published_at = fresh.published_at or now
        fresh.save(update_fields=["published_at"])
        record(
            actor=actor,
            action="press.edition.publish",
            obj=fresh,
            data={"articles": len(articles)},
        )
    return fresh
