"""The paper's API: publications, articles through the editorial workflow, revisions,
comments, editions and staff. The same services as the desk's pages (``iskra.press.services``).
Published articles of a public publication are for anyone with a token; the desk's for its
staff."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status, UploadedFile
from ninja import File as FileParam
from ninja import Form as FormParam

from iskra.accounts.api_auth import person, request_user
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import NUL_MESSAGE, Input, OptionalId, PathId, has_nul
from iskra.apikit.schemas import Error
from iskra.core.errors import DomainError, NotFound
from iskra.core.uploads import too_large
from iskra.press import images, letters, pictures, selectors, services
from iskra.press.models import Article, Edition, Image, Publication, Section
from iskra.press.permissions import (
    can_read,
    can_see_on_desk,
    load_desk,
    load_desk_article,
    load_edition,
    role_of,
)
from iskra.press.services import MAX_BODY
from iskra.press.workflow import DESK

router = Router(tags=["press"])

StepName = Literal["submit", "edited", "approve", "schedule", "publish", "return", "unpublish"]
StateName = Literal["draft", "submitted", "edited", "approved", "scheduled", "published"]
KindName = Literal["writer", "sub_editor", "editor"]


class PublicationOut(Schema):
    id: int
    name: str
    slug: str
    tagline: str
    is_public: bool
    unit_id: int
    your_role: str | None = Field(description="writer, sub_editor or editor; null if none.")


class ArticleOut(Schema):
    id: int
    publication_id: int
    title: str
    slug: str
    standfirst: str
    body: str | None = Field(description="The Markdown source (the desk only).")
    body_html: str
    byline: str
    author_id: int | None = Field(description="The writer (the desk only).")
    section_id: int | None
    edition_id: int | None
    is_lead: bool
    state: str
    kind: str = Field(description="article; or a member's letter or report, sent in.")
    image: ImageOut | None
    publish_at: dt.datetime | None
    published_at: dt.datetime | None
    revision: int | None = Field(description="The latest revision's number (the desk only).")
    url: str | None = Field(description="The public page, once published.")
    next_steps: list[str] = Field(description="The workflow steps you may take now.")


class ImageOut(Schema):
    id: int
    url: str
    caption: str
    credit: str
    width: int
    height: int


class ArticleIn(Input):
    title: str = Field(max_length=200)
    body: str = Field(max_length=MAX_BODY)
    standfirst: str = Field("", max_length=400)
    section_id: int | None = OptionalId()
    byline: str = Field("", max_length=120)


class ArticleUpdate(Input):
    """Only the fields sent change (a PATCH): the others keep the article's current text."""

    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=MAX_BODY)
    standfirst: str | None = Field(None, max_length=400)
    section_id: int | None = OptionalId()
    byline: str | None = Field(None, max_length=120)
    note: str = Field("", max_length=200)
    base_revision: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="The revision you edited from: refused if someone saved a newer one.",
    )


class StepIn(Input):
    step: StepName
    reason: str = Field("", max_length=2000, description="Needed to send back or take down.")
    at: dt.datetime | None = Field(None, description="When to publish (scheduling).")


class RevisionOut(Schema):
    number: int
    title: str
    standfirst: str
    body: str
    author_id: int
    note: str
    created_at: dt.datetime


class CommentIn(Input):
    body: str = Field(max_length=5000)


class CommentOut(Schema):
    id: int
    author_id: int
    body: str
    created_at: dt.datetime


class PlaceIn(Input):
    edition_id: int | None = OptionalId(description="null: in no edition.")
    is_lead: bool = False


class EditionIn(Input):
    number: int = Field(ge=1, le=1_000_000)
    date: dt.date
    pages: int = Field(16, ge=1, le=64)


class EditionOut(Schema):
    id: int
    publication_id: int
    number: int
    date: dt.date
    pages: int
    published_at: dt.datetime | None


class RoleIn(Input):
    kind: KindName


class RoleOut(Schema):
    user_id: int
    full_name: str
    kind: str


class ArticleFilter(Schema):
    state: StateName | None = Field(
        None, description="On the desk: articles in this state. Without it: the published ones."
    )
    page: int = Field(1, ge=1, le=100_000)


def _article_out(user: Any, article: Article) -> dict[str, Any]:
    desk = can_see_on_desk(user, article)
    latest = (
        article.revisions.order_by("-number").values_list("number", flat=True).first()
        if desk
        else None
    )
    return {
        "id": article.pk,
        "publication_id": article.publication_id,
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body if desk else None,
        "body_html": article.body_html,
        "byline": article.byline or article.author.full_name,
        "author_id": article.author_id if desk else None,
        "section_id": article.section_id,
        "edition_id": article.edition_id,
        "is_lead": article.is_lead,
        "state": article.state,
        "kind": article.kind,
        "image": _image_out(article.image) if article.image_id else None,
        "publish_at": article.publish_at if desk else None,
        "published_at": article.published_at,
        "revision": latest,
        "url": f"/press/{article.publication.slug}/articles/{article.slug}/"
        if article.is_published
        else None,
        "next_steps": [s.name for s in selectors.steps_for(user, article)] if desk else [],
    }


def _image_out(image: Image | None) -> dict[str, Any] | None:
    if image is None:
        return None
    return {
        "id": image.pk,
        "url": reverse("press:image", args=[image.pk, image.digest]),
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
    }


def _publication(user: Any, publication_id: int) -> Publication:
    publication = Publication.objects.select_related("unit").filter(pk=publication_id).first()
    if publication is None or not can_read(user, publication):
        raise NotFound("No such publication.")
    return publication


def _section(publication: Publication, section_id: int | None) -> Section | None:
    if section_id is None:
        return None
    section = Section.objects.filter(pk=section_id, publication=publication).first()
    if section is None:
        raise DomainError("section_id: no such section in this publication.")
    return section


def _readable_article(user: Any, article_id: int) -> Article:
    article = (
        Article.objects.select_related("publication__unit", "author", "image")
        .defer("image__data")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound("No such article.")
    if can_see_on_desk(user, article):
        return article
    if article.is_published and can_read(user, article.publication):
        return article
    raise NotFound("No such article.")


@router.get("/publications", response={200: list[PublicationOut], **ERRORS})
def list_publications(request: HttpRequest) -> Any:
    """The publications you may read, with your role on each one's staff."""
    user = request_user(request)
    return [
        {
            "id": p.pk,
            "name": p.name,
            "slug": p.slug,
            "tagline": p.tagline,
            "is_public": p.is_public,
            "unit_id": p.unit_id,
            "your_role": role_of(user, p),
        }
        for p in Publication.objects.order_by("name")
        if can_read(user, p)
    ]


@router.get("/publications/{publication_id}/articles", response={200: list[ArticleOut], **ERRORS})
def list_articles(
    request: HttpRequest, publication_id: PathId, filters: Query[ArticleFilter]
) -> Any:
    """Published articles, newest first (20 a page); with ``state``, the desk's articles in that
    state (its staff: writers see their own)."""
    user = request_user(request)
    if filters.state is None:
        publication = _publication(user, publication_id)
        rows = selectors.published(publication)
    else:
        publication = load_desk(user, publication_id)
        if role_of(user, publication) is None:
            raise NotFound("No such publication on your desk.")
        rows = Article.objects.filter(publication=publication, state=filters.state).select_related(
            "publication", "author"
        )
        if role_of(user, publication) not in DESK:
            rows = rows.filter(author_id=user.pk)
        rows = rows.order_by("-updated_at", "-pk")
    start = (filters.page - 1) * selectors.PAGE
    return [_article_out(user, a) for a in rows[start : start + selectors.PAGE]]


@router.post("/publications/{publication_id}/articles", response={201: ArticleOut, **ERRORS})
def write_article(request: HttpRequest, publication_id: PathId, payload: ArticleIn) -> Any:
    """Write a new draft (the publication's staff)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    article = services.write_article(
        actor=user,
        publication=publication,
        title=payload.title,
        body=payload.body,
        standfirst=payload.standfirst,
        section=_section(publication, payload.section_id),
        byline=payload.byline,
    )
    return Status(201, _article_out(user, article))


@router.get("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def get_article(request: HttpRequest, article_id: PathId) -> Any:
    """An article: on the desk with its source and next steps, or as published."""
    user = request_user(request)
    return _article_out(user, _readable_article(user, article_id))


@router.patch("/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def update_article(request: HttpRequest, article_id: PathId, payload: ArticleUpdate) -> Any:
    """Save a new revision of the text (refused while someone else is editing it, and with
    ``base_revision``, over a newer revision)."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    sent = payload.model_fields_set
    services.save_text(
        actor=user,
        article=article,
        title=article.title if payload.title is None else payload.title,
        body=article.body if payload.body is None else payload.body,
        standfirst=article.standfirst if payload.standfirst is None else payload.standfirst,
        section=(
            _section(article.publication, payload.section_id)
            if "section_id" in sent
            else article.section
        ),
        byline=article.byline if payload.byline is None else payload.byline,
        note=payload.note,
        base_revision=payload.base_revision,
    )
    services.release_lock(actor=user, article=article)
    return _article_out(user, load_desk_article(user, article_id))


@router.post("/articles/{article_id}/steps", response={200: ArticleOut, **ERRORS})
def take_step(request: HttpRequest, article_id: PathId, payload: StepIn) -> Any:
    """Move the article one step of the workflow (``next_steps`` says which you may take)."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    moved = services.take_step(
        actor=user, article=article, step=payload.step, reason=payload.reason, at=payload.at
    )
    return _article_out(user, load_desk_article(user, moved.pk))


@router.get("/articles/{article_id}/revisions", response={200: list[RevisionOut], **ERRORS})
def list_revisions(request: HttpRequest, article_id: PathId) -> Any:
    """Every saved revision, newest first (the desk)."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    return list(article.revisions.all()[:200])


@router.get("/articles/{article_id}/comments", response={200: list[CommentOut], **ERRORS})
def list_comments(request: HttpRequest, article_id: PathId) -> Any:
    user = request_user(request)
    return list(load_desk_article(user, article_id).comments.all())


@router.post("/articles/{article_id}/comments", response={201: CommentOut, **ERRORS})
def add_comment(request: HttpRequest, article_id: PathId, payload: CommentIn) -> Any:
    """Comment on an article (the publication's staff who see it)."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    return Status(201, services.comment(actor=user, article=article, body=payload.body))


@router.put("/articles/{article_id}/edition", response={200: ArticleOut, **ERRORS})
def place_article(request: HttpRequest, article_id: PathId, payload: PlaceIn) -> Any:
    """Put the article in an edition (or none), optionally as its lead story (editors)."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    edition = None
    if payload.edition_id is not None:
        edition = Edition.objects.filter(
            pk=payload.edition_id, publication_id=article.publication_id
        ).first()
        if edition is None:
            raise DomainError("edition_id: no such edition of this publication.")
    services.place_in_edition(actor=user, article=article, edition=edition, is_lead=payload.is_lead)
    return _article_out(user, load_desk_article(user, article_id))


@router.get("/publications/{publication_id}/editions", response={200: list[EditionOut], **ERRORS})
def list_editions(request: HttpRequest, publication_id: PathId) -> Any:
    """Published editions; the desk also sees those in preparation."""
    user = request_user(request)
    publication = _publication(user, publication_id)
    rows = publication.editions.order_by("-number")
    if role_of(user, publication) is None:
        rows = rows.filter(published_at__isnull=False)
    return list(rows[:200])


@router.post("/publications/{publication_id}/editions", response={201: EditionOut, **ERRORS})
def create_edition(request: HttpRequest, publication_id: PathId, payload: EditionIn) -> Any:
    """Start an edition (editors)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    edition = services.create_edition(
        actor=user,
        publication=publication,
        number=payload.number,
        on=payload.date,
        pages=payload.pages,
    )
    return Status(201, edition)


@router.post("/editions/{edition_id}/publish", response={200: EditionOut, **ERRORS})
def publish_edition(request: HttpRequest, edition_id: PathId) -> Any:
    """Publish the edition with its approved articles (editors)."""
    user = request_user(request)
    return services.publish_edition(actor=user, edition=load_edition(user, edition_id))


@router.get("/publications/{publication_id}/staff", response={200: list[RoleOut], **ERRORS})
def list_staff(request: HttpRequest, publication_id: PathId) -> Any:
    """Who writes, sub-edits and edits it (its staff and the officers who appoint them)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    return [
        {"user_id": r.user_id, "full_name": r.user.full_name, "kind": r.kind}
        for r in selectors.staff(publication)
    ]


@router.put("/publications/{publication_id}/staff/{user_id}", response={200: RoleOut, **ERRORS})
def set_role(request: HttpRequest, publication_id: PathId, user_id: PathId, payload: RoleIn) -> Any:
    """Appoint a member to the staff, or change their role (officers of the publishing unit)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    role = services.set_role(
        actor=user, publication=publication, user=person(user_id), kind=payload.kind
    )
    assert role is not None
    return {"user_id": role.user_id, "full_name": role.user.full_name, "kind": role.kind}


@router.delete("/publications/{publication_id}/staff/{user_id}", response={204: None, **ERRORS})
def remove_role(request: HttpRequest, publication_id: PathId, user_id: PathId) -> Any:
    """Stand someone down from the staff (officers of the publishing unit)."""
    user = request_user(request)
    publication = load_desk(user, publication_id)
    services.set_role(actor=user, publication=publication, user=person(user_id), kind=None)
    return Status(204, None)


class SendInIn(Input):
    kind: Literal["letter", "report"]
    title: str = Field(max_length=200)
    body: str = Field(max_length=8000)
    byline: str = Field("", max_length=120)


class SentOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    created_at: dt.datetime


@router.post("/publications/{publication_id}/letters", response={201: SentOut, **ERRORS})
def send_in(request: HttpRequest, publication_id: PathId, payload: SendInIn) -> Any:
    """Send the publication a letter or a report from the ground (members; the desk
    moderates it). At most a few a day."""
    user = request_user(request)
    article = letters.send_in(
        actor=user,
        publication=_publication(user, publication_id),
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        byline=payload.byline,
    )
    return Status(201, article)


@router.get("/publications/{publication_id}/letters", response={200: list[SentOut], **ERRORS})
def my_letters(request: HttpRequest, publication_id: PathId) -> Any:
    """What you have sent the publication, with where each stands."""
    user = request_user(request)
    return list(letters.sent_by(user, _publication(user, publication_id))[:100])


@router.post("/articles/{article_id}/image", response={200: ArticleOut, 413: Error, **ERRORS})
def attach_image(
    request: HttpRequest,
    article_id: PathId,
    # ninja's way to declare an optional file and form fields (the call is the declaration).
    image: UploadedFile | None = FileParam(None),  # type: ignore[type-arg]  # noqa: B008
    caption: str = FormParam("", max_length=300),  # type: ignore[type-arg]
    credit: str = FormParam("", max_length=120),  # type: ignore[type-arg]
) -> Any:
    """Put a picture on the article (multipart: ``image``, ``caption``, ``credit``): at most
    20 MB; resized to 1600 pixels a side and stripped of its EXIF by the server."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    size = too_large(request)
    if size:
        return Status(413, {"detail": images.too_large(size)})
    if image is None:
        raise DomainError("image: send the picture as the multipart field “image”.")
    if has_nul(caption) or has_nul(credit):
        raise DomainError(f"caption, credit: {NUL_MESSAGE}")
    pictures.attach_image(
        actor=user, article=article, source=image, size=image.size, caption=caption, credit=credit
    )
    return _article_out(user, load_desk_article(user, article_id))


@router.delete("/articles/{article_id}/image", response={200: ArticleOut, **ERRORS})
def remove_image(request: HttpRequest, article_id: PathId) -> Any:
    """Take the picture off the article."""
    user = request_user(request)
    article = load_desk_article(user, article_id)
    pictures.remove_image(actor=user, article=article)
    return _article_out(user, load_desk_article(user, article_id))
