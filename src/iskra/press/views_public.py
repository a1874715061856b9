"""The paper on the web: a publication's front page, its articles, sections and editions, the
edition as a print PDF, the Atom and RSS feeds and the sitemap. Public publications are for
everyone (no sign-in); a members-only one is for members, and does not say it exists to others."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_GET

from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view
from iskra.press import selectors
from iskra.press.models import Article, Edition, Publication, Section
from iskra.press.permissions import can_read, can_use_desk, load_publication, sees_whole_desk
from iskra.press.print import edition_pdf


def article_url(article: Article) -> str:
    return reverse("press:read", args=[article.publication.slug, article.slug])


@require_GET
@login_not_required
def index(request: HttpRequest) -> HttpResponseBase:
    """The organisation's publications this person may read, and the way to the desk."""
    user = request.user
    publications = [
        p for p in Publication.objects.select_related("unit").order_by("name") if can_read(user, p)
    ]
    on_desk = user.is_authenticated and bool(selectors.desk_publications(user))
    return render(request, "press/index.html", {"publications": publications, "on_desk": on_desk})


@require_GET
@login_not_required
@domain_view
def front(request: HttpRequest, slug: str) -> HttpResponseBase:
    publication = load_publication(request.user, slug)
    edition = selectors.current_edition(publication)
    lead = (
        next((a for a in selectors.edition_articles(edition) if a.is_lead), None)
        if edition
        else None
    )
    page = Paginator(selectors.published(publication), selectors.PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "press/front.html",
        {
            "publication": publication,
            "edition": edition,
            "lead": lead,
            "page": page,
            "sections": list(publication.sections.all()),
        },
    )


@require_GET
@login_not_required
@domain_view
def read(request: HttpRequest, slug: str, article_slug: str) -> HttpResponseBase:
    publication = load_publication(request.user, slug)
    article = (
        Article.objects.select_related("section", "author", "edition", "image")
        .defer("image__data")
        .filter(publication=publication, slug=article_slug, state=Article.State.PUBLISHED)
        .first()
    )
    if article is None:
        raise NotFound("No such article.")
    article.publication = publication
    return render(
        request,
        "press/read.html",
        {
            "publication": publication,
            "article": article,
            "canonical": settings.SITE_URL + article_url(article),
            "site_url": settings.SITE_URL,
            "on_desk": request.user.is_authenticated and can_use_desk(request.user, publication),
        },
    )


@require_GET
@login_not_required
@domain_view
def section(request: HttpRequest, slug: str, section_slug: str) -> HttpResponseBase:
    publication = load_publication(request.user, slug)
    chosen = Section.objects.filter(publication=publication, slug=section_slug).first()
    if chosen is None:
        raise NotFound("No such section.")
    page = Paginator(
        selectors.published(publication).filter(section=chosen), selectors.PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "press/section.html",
        {"publication": publication, "section": chosen, "page": page},
    )


def _edition(request: HttpRequest, slug: str, number: int) -> Edition:
    publication = load_publication(request.user, slug)
    edition = Edition.objects.filter(publication=publication, number=number).first()
    # An edition is public once published; before that, its sub-editors and editors preview
    # it (it may hold articles not yet approved, which writers and officers do not read).
    if edition is None or (
        edition.published_at is None and not sees_whole_desk(request.user, publication)
    ):
        raise NotFound("No such edition.")
    edition.publication = publication
    return edition


@require_GET
@login_not_required
@domain_view
def edition(request: HttpRequest, slug: str, number: int) -> HttpResponseBase:
    item = _edition(request, slug, number)
    return render(
        request,
        "press/edition.html",
        {
            "publication": item.publication,
            "edition": item,
            "articles": selectors.edition_articles(
                item, published_only=item.published_at is not None
            ),
            "editions": item.publication.editions.filter(published_at__isnull=False)[:12],
        },
    )


@require_GET
@login_not_required
@domain_view
def edition_print(request: HttpRequest, slug: str, number: int) -> HttpResponseBase:
    item = _edition(request, slug, number)
    try:
        pdf = edition_pdf(item, published_only=item.published_at is not None)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("press:edition_public", slug, number)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{item.publication.slug}-{item.number}.pdf"'
    )
    return response


class _ArticlesFeed(Feed):  # type: ignore[type-arg]
    """The latest published articles of a public publication."""

    def get_object(self, request: HttpRequest, slug: str) -> Publication:
        publication = load_publication(request.user, slug)
        if not publication.is_public:
            # Feed readers do not sign in: a members-only publication has no feed.
            raise NotFound("No such feed.")
        return publication

    def title(self, obj: Publication) -> str:
        return obj.name

    def subtitle(self, obj: Publication) -> str:
        return obj.tagline

    description = subtitle

    def link(self, obj: Publication) -> str:
        return reverse("press:front", args=[obj.slug])

    def items(self, obj: Publication) -> Any:
        return selectors.published(obj)[: selectors.PAGE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.standfirst or item.body_html

    def item_link(self, item: Article) -> str:
        return reverse("press:read", args=[item.publication.slug, item.slug])

    def item_pubdate(self, item: Article) -> Any:
        return item.published_at

    def item_updateddate(self, item: Article) -> Any:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.byline or item.author.full_name

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name] if item.section else []


class AtomFeed(_ArticlesFeed):
    feed_type = Atom1Feed


class RssFeed(_ArticlesFeed):
    feed_type = Rss201rev2Feed


def _feed(feed: Feed) -> Any:  # type: ignore[type-arg]
    @require_GET
    @login_not_required
    @domain_view
    def view(request: HttpRequest, slug: str) -> HttpResponseBase:
        return feed(request, slug=slug)

    return view


atom = _feed(AtomFeed())
rss = _feed(RssFeed())


class ArticleSitemap(Sitemap):  # type: ignore[type-arg]
    """Rows of (publication id, slug, updated) rather than models, and each address made from
    its publication's prefix: with 10 000 articles, building the models and reversing every
    address took most of the page's second."""

    limit = 10_000

    def items(self) -> Any:
        public = Publication.objects.filter(is_public=True).values_list("pk", flat=True)
        return (
            Article.objects.filter(state=Article.State.PUBLISHED, publication_id__in=list(public))
            .order_by("-published_at", "-pk")
            .values_list("publication_id", "slug", "updated_at")
        )

    def location(self, item: tuple[int, str, Any]) -> str:
        prefixes = self.__dict__.setdefault("_prefixes", {})
        if item[0] not in prefixes:
            slug = Publication.objects.values_list("slug", flat=True).get(pk=item[0])
            prefixes[item[0]] = reverse("press:read", args=[slug, "-"])[:-2]
        return f"{prefixes[item[0]]}{item[1]}/"

    def lastmod(self, item: tuple[int, str, Any]) -> Any:
        return item[2]


class EditionSitemap(Sitemap):  # type: ignore[type-arg]
    def items(self) -> Any:
        return (
            Edition.objects.filter(published_at__isnull=False, publication__is_public=True)
            .select_related("publication")
            .order_by("-published_at", "pk")
        )

    def location(self, item: Edition) -> str:
        return reverse("press:edition_public", args=[item.publication.slug, item.number])


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "articles": ArticleSitemap,
    "editions": EditionSitemap,
}


@require_GET
@login_not_required
def sitemap(request: HttpRequest) -> HttpResponseBase:
    """The public publications' articles and editions, for search engines."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)
