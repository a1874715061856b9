"""The paper's benchmark (issue 14): a publication of 10 000 published articles, its pages and
feeds, and a 16-page tabloid edition as a print PDF; on PostgreSQL and SQLite.

    uv run python bench/press_bench.py                       # both engines, new databases
    uv run python bench/press_bench.py --engine postgresql   # one engine
    uv run python bench/press_bench.py --reuse DATABASE_URL  # a database this bench seeded

Both engines take about ten minutes on 2 CPUs (most of it the PDFs, ``collectstatic`` for the
served pass and the migrations); ``--reuse`` about four.

For each engine, a process of its own: a new database (a temporary SQLite file; the PostgreSQL
database ``iskra_bench_press``, or $BENCH_PRESS_DATABASE_URL, dropped and created), migrated,
seeded with ``iskra seed``'s organisation (``--members``, default 2 000: the paper's pages do not
read the register), then one public tabloid publication published by the national unit with
seven sections, 200 published editions a fortnight apart and ``--articles`` (default 10 000)
published articles written with ``bulk_create``: a headline, a standfirst, a body of three to six
paragraphs (now and then a subheading, emphasis, a link) with its ``body_html`` rendered by
``iskra.core.markdown.render_markdown`` as the services do, ``published_at`` spread over eight
years, authors from the members; 300 more unpublished (drafts and submitted). The latest
edition holds longer features, three with a picture (the lead's among them), as many as make
its print PDF about 16 pages (counted in the PDF; the bench adjusts the number once or twice).

Measured, DEBUG off, as an anonymous reader (no session):

- in-process through Django's test client, as the other page benches do (one client: session,
  middleware, view, template; each page warmed up first): an article page (``--requests``
  different articles, drawn at random), the Atom and RSS feeds, the front page, its second page,
  a section's page, the edition's page and the sitemap; the query count and the slowest query
  of one more request of each;
- the article page, the feeds, the front page, the sitemap, ``/healthz`` and the PDF, served by
  the production app server (gunicorn, two sync workers, ``ISKRA_ENV=production``, a new
  connection per request as a browser's first visit), from this process over loopback
  (``--no-served`` skips it);
- the edition's PDF: ``iskra.press.print.edition_pdf(edition, published_only=True)`` and the
  request ``/press/<slug>/editions/<n>/print.pdf``, ``--pdfs`` times each, the page count, and
  where the time goes (the articles read and the HTML made, ``--pdfs`` times; WeasyPrint's layout
  and its writing of the PDF, once: for the proportions, not the total);
- floors in the same run: ``/healthz`` (the whole stack and one ``SELECT 1``), an article read
  by its primary key, and a one-page trivial HTML rendered by ``iskra.core.pdf.render_pdf``.

- leaflets: a two-sided A5 leaflet with its QR code and an A4 pamphlet (a cover and four
  parts), through ``leaflets.leaflet_pdf`` and ``GET /leaflets/<id>.pdf`` in-process (warm) and
  served: the A5 as a new server's first request, then warm.

Targets (issue 14): an article page p95 <= 50 ms and the feeds <= 100 ms with 10 000 articles;
a 16-page edition PDF <= 10 s; a leaflet <= 2 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

# The sibling benches' helpers: the machine, a PostgreSQL database made anew, percentiles, the
# vocabulary; the production app server (this folder is the script's, so its siblings import).
from search_bench import RARE, VOCABULARY, _percentiles, machine, recreate_database

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench_press"
SLUG = "bench-spark"
ARTICLE_P95_MS = 50.0
FEED_P95_MS = 100.0
PDF_S = 10.0
LEAFLET_S = 2.0
TARGET_PAGES = 16
SECTIONS = ["News", "Workplaces", "Housing", "Health", "International", "Theory", "Letters"]
EDITIONS = 200


# ---- text --------------------------------------------------------------------------------------


def _sentence(rng: random.Random, low: int, high: int) -> str:
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    words = rng.choices(VOCABULARY, weights=weights, k=rng.randint(low, high))
    if rng.random() < 0.03:
        words[rng.randrange(len(words))] = rng.choice(RARE)
    return " ".join(words).capitalize() + "."


def _title(rng: random.Random) -> str:
    return _sentence(rng, 5, 10)[:-1].title()[:180]


def _body(rng: random.Random, paragraphs: int) -> str:
    """Markdown of ``paragraphs`` paragraphs of three to six sentences."""
    out: list[str] = []
    for n in range(paragraphs):
        if n and rng.random() < 0.15:
            out.append("## " + _sentence(rng, 3, 6)[:-1])
        sentences = [_sentence(rng, 8, 20) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.2:
            sentences[0] = f"*{sentences[0]}*"
        if rng.random() < 0.1:
            sentences[-1] += " [More on the branch's page](https://example.org/branch)."
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def _picture(rng: random.Random) -> Any:
    """A photo-like picture (noise over a gradient), as the server keeps one."""
    import io

    from PIL import Image as PILImage

    from iskra.press.images import process

    width, height = 2400, 1600
    base = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = PILImage.effect_noise((width, height), 40).convert("RGB")
    tint = PILImage.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    picture = PILImage.blend(PILImage.blend(base, noise, 0.5), tint, 0.3)
    raw = io.BytesIO()
    picture.save(raw, format="JPEG", quality=92)
    raw.seek(0)
    return process(raw)


# ---- seeding -----------------------------------------------------------------------------------


def seed_paper(*, articles: int, rng: random.Random) -> dict[str, Any]:
    from django.utils import timezone
    from django.utils.text import slugify

    from iskra.accounts.models import User
    from iskra.core.markdown import render_markdown
    from iskra.organisation.models import Unit
    from iskra.press.models import Article, Edition, Image, Publication, Section

    now = timezone.now()
    report: dict[str, Any] = {}
    started = time.perf_counter()
    national = Unit.objects.get(parent__isnull=True)
    authors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:60])
    paper = Publication.objects.create(
        name="The Bench Spark",
        slug=SLUG,
        unit=national,
        tagline="Freedom of discussion, unity in action",
        is_public=True,
        print_format=Publication.Format.TABLOID,
        created_at=now - timedelta(days=9 * 365),
    )
    sections = [
        Section.objects.create(publication=paper, name=name, slug=slugify(name), position=n)
        for n, name in enumerate(SECTIONS)
    ]
    today = timezone.localdate()
    Edition.objects.bulk_create(
        Edition(
            publication=paper,
            number=n,
            date=today - timedelta(days=14 * (EDITIONS - n)),
            pages=16,
            published_at=now - timedelta(days=14 * (EDITIONS - n)),
        )
        for n in range(1, EDITIONS + 1)
    )
    editions = list(Edition.objects.filter(publication=paper).order_by("number"))
    span = timedelta(days=8 * 365).total_seconds()
    made = 0

    def article(i: int, *, paragraphs: int, when: Any, edition: Any = None, **extra: Any) -> Any:
        title = _title(rng)
        body = _body(rng, paragraphs)
        return Article(
            publication=paper,
            section=rng.choice(sections),
            edition=edition,
            title=title,
            slug=f"{slugify(title)[:70].strip('-')}-{i}",
            standfirst=_sentence(rng, 15, 30),
            body=body,
            body_html=str(render_markdown(body)),
            byline="",
            author_id=rng.choice(authors),
            state=Article.State.PUBLISHED,
            published_at=when,
            created_at=when - timedelta(hours=6),
            updated_at=when,
            **extra,
        )

    # The latest edition: features (longer), published on its day; the adjustment below chooses
    # how many of them the edition holds.
    latest = editions[-1]
    features = [
        article(
            i,
            paragraphs=rng.randint(8, 14),
            when=latest.published_at - timedelta(minutes=i),
        )
        for i in range(90)
    ]
    made += len(features)
    batch: list[Any] = []
    for i in range(made, articles):
        when = now - timedelta(seconds=rng.random() * span, days=15)
        # Two in five of the older articles were in the edition of their fortnight.
        number = EDITIONS - 1 - int((now - when).days // 14)
        edition = editions[number - 1] if 1 <= number < EDITIONS and rng.random() < 0.4 else None
        batch.append(article(i, paragraphs=rng.randint(3, 6), when=when, edition=edition))
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    Article.objects.bulk_create(features)
    # The older editions' leads: one each.
    for edition in editions[:-1]:
        first = Article.objects.filter(edition=edition).order_by("pk").first()
        if first is not None:
            Article.objects.filter(pk=first.pk).update(is_lead=True)
    drafts = []
    for i in range(300):
        title = _title(rng)
        body = _body(rng, rng.randint(3, 6))
        drafts.append(
            Article(
                publication=paper,
                section=rng.choice(sections),
                title=title,
                slug=f"draft-{slugify(title)[:60].strip('-')}-{i}",
                body=body,
                body_html=str(render_markdown(body)),
                author_id=rng.choice(authors),
                state=rng.choice([Article.State.DRAFT, Article.State.SUBMITTED]),
                created_at=now,
                updated_at=now,
            )
        )
    Article.objects.bulk_create(drafts)
    report["articles_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    pictures = []
    for _ in range(3):
        picture = _picture(rng)
        pictures.append(
            Image.objects.create(
                publication=paper,
                data=picture.data,
                content_type=picture.content_type,
                width=picture.width,
                height=picture.height,
                digest=picture.digest,
                caption="Pickets at the depot gate",
                credit="Photo: a member",
                uploaded_by_id=authors[0],
                created_at=now,
            )
        )
    report["pictures_s"] = round(time.perf_counter() - started, 1)
    report["picture_bytes"] = [len(p.data) for p in pictures]
    # The features, newest first (the first is the lead).
    feature_ids = list(
        Article.objects.filter(
            publication=paper, published_at__gt=latest.published_at - timedelta(hours=2)
        )
        .order_by("-published_at")
        .values_list("pk", flat=True)
    )
    for n, pk in enumerate(feature_ids[:3]):
        Article.objects.filter(pk=pk).update(image=pictures[n])
    report["print"] = fit_edition(latest, feature_ids, start=19)
    return report


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF, its object streams decompressed (no PDF library needed)."""
    text = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            text.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in text)


def fit_edition(edition: Any, feature_ids: list[int], *, start: int) -> dict[str, Any]:
    """Put as many features in the edition as make its PDF about 16 pages."""
    from iskra.press.models import Article
    from iskra.press.print import edition_pdf

    def place(count: int) -> None:
        Article.objects.filter(edition=edition).update(edition=None, is_lead=False)
        Article.objects.filter(pk__in=feature_ids[:count]).update(edition=edition)
        Article.objects.filter(pk=feature_ids[0]).update(is_lead=True)

    tries: list[list[int]] = []
    count = start
    for _ in range(3):
        count = max(2, min(count, len(feature_ids)))
        place(count)
        pages = pdf_pages(edition_pdf(edition, published_only=True))
        tries.append([count, pages])
        if pages == TARGET_PAGES:
            break
        count = max(1, round(count * TARGET_PAGES / pages))
        if any(tried == count for tried, _ in tries):
            break
    best = min(tries, key=lambda t: (abs(t[1] - TARGET_PAGES), -t[1]))
    if best != tries[-1]:
        place(best[0])
    return {"articles": best[0], "pages": best[1], "tries (articles, pages)": tries}


# ---- measuring ---------------------------------------------------------------------------------


def _timed(n: int, call: Callable[[int], Any], *, warmup: int = 10) -> dict[str, Any]:
    for i in range(min(warmup, n)):
        call(i)
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times)


def _queries(client: Any, url: str) -> dict[str, Any]:
    """One more request's queries: how many, their time, and the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = captured.captured_queries
    slowest = max(rows, key=lambda q: float(q["time"])) if rows else {"sql": "", "time": "0"}
    return {
        "queries": len(rows),
        "queries_ms": round(sum(float(q["time"]) for q in rows) * 1000, 1),
        "slowest_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_sql": slowest["sql"][:300],
        "bytes": len(response.content),
    }


def make_leaflets(paper: Any) -> dict[str, Any]:
    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.press.models import Leaflet

    rng = random.Random(7)
    now = timezone.now()
    author = User.objects.order_by("pk").first()
    Leaflet.objects.filter(publication=paper).delete()
    common = {"publication": paper, "created_by": author, "created_at": now, "updated_at": now}
    a5 = Leaflet.objects.create(
        title="Save our hospital",
        size=Leaflet.Size.A5,
        layout=Leaflet.Layout.LEAFLET,
        front="# Save our hospital\n\n" + _body(rng, 2),
        back="## What you can do\n\n" + _body(rng, 3),
        qr_target=Leaflet.Target.JOIN,
        **common,
    )
    a4 = Leaflet.objects.create(
        title="Why we organise",
        size=Leaflet.Size.A4,
        layout=Leaflet.Layout.PAMPHLET,
        front="# Why we organise\n\n" + _sentence(rng, 20, 30),
        back="\n\n".join(f"## Part {n}\n\n" + _body(rng, 6) for n in range(1, 5)),
        qr_target=Leaflet.Target.PAPER,
        **common,
    )
    return {"A5 leaflet": a5, "A4 pamphlet": a4}


def measure(*, requests: int, pdfs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from iskra.core.pdf import render_pdf
    from iskra.press import print as press_print
    from iskra.press.leaflets import leaflet_pdf
    from iskra.press.models import Article, Edition, Publication

    paper = Publication.objects.get(slug=SLUG)
    edition = Edition.objects.filter(publication=paper).order_by("-number").first()
    assert edition is not None
    edition.publication = paper
    published = Article.objects.filter(publication=paper, state=Article.State.PUBLISHED)
    slugs = list(published.order_by("?").values_list("slug", flat=True)[: requests + 20])
    article_paths = [f"/press/{SLUG}/articles/{slug}/" for slug in slugs]
    pages = {
        "article page": lambda i: article_paths[i % len(article_paths)],
        "Atom feed": lambda i: f"/press/{SLUG}/feed/atom/",
        "RSS feed": lambda i: f"/press/{SLUG}/feed/rss/",
        "front page": lambda i: f"/press/{SLUG}/",
        "front page, page 2": lambda i: f"/press/{SLUG}/?page=2",
        "a section's page": lambda i: f"/press/{SLUG}/sections/{('news', 'housing')[i % 2]}/",
        "the edition's page": lambda i: f"/press/{SLUG}/editions/{edition.number}/",
        "sitemap.xml": lambda i: "/sitemap.xml",
        "floor: /healthz": lambda i: "/healthz",
    }
    counts = {"sitemap.xml": max(10, requests // 10), "the edition's page": requests // 2}
    results: dict[str, Any] = {
        "published": published.count(),
        "unpublished": Article.objects.filter(publication=paper).count() - published.count(),
        "editions": Edition.objects.filter(publication=paper).count(),
        "print edition": {"number": edition.number, "articles": edition.articles.count()},
    }
    client = Client()  # one client, as one server process; anonymous

    def get(url: str) -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    pages_out: dict[str, Any] = {}
    for name, url in pages.items():
        n = counts.get(name, requests if name in ("article page", "floor: /healthz") else 100)
        pages_out[name] = {
            **_timed(n, lambda i, u=url: get(u(i)), warmup=3 if name == "sitemap.xml" else 10),
            **_queries(client, url(0)),
        }
    results["pages (test client)"] = pages_out
    ids = list(published.order_by("?").values_list("pk", flat=True)[:500])
    results["floor: an article by its primary key"] = _timed(
        requests, lambda i: Article.objects.filter(pk=ids[i % len(ids)]).first()
    )

    # The print PDF, and where its time goes.
    trivial = "<!doctype html><html><body><h1>Bench</h1><p>One page.</p></body></html>"
    render_pdf(trivial)  # WeasyPrint's fonts and imports, once
    results["floor: render_pdf, a one-page trivial HTML"] = _timed(5, lambda i: render_pdf(trivial))
    made: list[bytes] = []
    results["print: edition_pdf()"] = _timed(
        pdfs,
        lambda i: made.append(press_print.edition_pdf(edition, published_only=True)),
        warmup=0,
    )
    results["print: pages, bytes"] = [pdf_pages(made[0]), len(made[0])]
    path = f"/press/{SLUG}/editions/{edition.number}/print.pdf"
    results["print: GET print.pdf (test client)"] = _timed(pdfs, lambda i: get(path), warmup=0)
    results["print: GET print.pdf, queries"] = _queries(client, path)
    # The split: the articles read and the HTML made (render_pdf swapped for a stub here only),
    # then WeasyPrint's layout and its writing of the PDF.
    from weasyprint import HTML

    from iskra.core.pdf import BASE_URL, _fetcher

    html: list[str] = []
    real = press_print.render_pdf
    press_print.render_pdf = lambda text: html.append(text) or b""  # type: ignore[assignment,func-returns-value]
    try:
        results["print split: articles read + HTML made"] = _timed(
            pdfs, lambda i: press_print.edition_pdf(edition, published_only=True), warmup=1
        )
    finally:
        press_print.render_pdf = real  # type: ignore[assignment]
    # Once: the split, not the total.
    started = time.perf_counter()
    document = HTML(string=html[-1], base_url=BASE_URL, url_fetcher=_fetcher()).render()
    middle = time.perf_counter()
    document.write_pdf()
    results["print split: WeasyPrint layout"] = _percentiles([(middle - started) * 1000])
    results["print split: WeasyPrint writes the PDF"] = _percentiles(
        [(time.perf_counter() - middle) * 1000]
    )
    results["print: HTML characters, pictures"] = [
        len(html[-1]),
        html[-1].count("<img "),
    ]
    # Leaflets (made here, so --reuse measures them too): the demo's kind, a two-sided A5 with
    # its QR code, and an A4 pamphlet of a cover and several pages.
    leaflets = make_leaflets(paper)
    # A leaflet is for the organisation's members to print: a member signed in fetches it.
    from django.conf import settings

    from iskra.members.models import Membership, Status

    reader = Membership.objects.filter(status=Status.MEMBER).select_related("user").first()
    assert reader is not None
    member = Client()
    member.force_login(reader.user)

    def member_get(url: str) -> Any:
        response = member.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    for name, leaflet in leaflets.items():
        results[f"leaflet: {name}, leaflet_pdf()"] = _timed(
            pdfs * 5, lambda i, item=leaflet: leaflet_pdf(item), warmup=1
        )
        results[f"leaflet: {name}, pages"] = pdf_pages(leaflet_pdf(leaflet))
        results[f"leaflet: {name}, GET (test client)"] = _timed(
            pdfs * 5, lambda i, item=leaflet: member_get(f"/leaflets/{item.pk}.pdf"), warmup=1
        )
    results["leaflet_ids"] = {name: leaflet.pk for name, leaflet in leaflets.items()}
    results["member_cookie"] = (
        f"{settings.SESSION_COOKIE_NAME}={member.cookies[settings.SESSION_COOKIE_NAME].value}"
    )
    results["article_paths"] = article_paths[:requests]
    results["edition_number"] = edition.number
    results["engine"] = connection.vendor
    return results


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    report: dict[str, Any] = {"engine": connection.vendor}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["migrate_s"] = round(time.perf_counter() - started, 1)
    if not args.reuse:
        from iskra.members.seeding import seed_organisation

        started = time.perf_counter()
        seed_organisation(members=args.members, branches=max(1, args.members // 20))
        report["seed_members_s"] = round(time.perf_counter() - started, 1)
        report["seed"] = seed_paper(articles=args.articles, rng=random.Random(1917))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    report["results"] = measure(requests=args.requests, pdfs=args.pdfs)
    return report


# ---- served by gunicorn ------------------------------------------------------------------------


def served(url: str, data_dir: str, engine: dict[str, Any], *, requests: int, pdfs: int) -> Any:
    """The same pages through the production app server, a new connection per request."""
    from ballot_harness import (
        collectstatic_once,
        free_port,
        production_env,
        start_server,
        stop_server,
        wait_ready,
    )

    env = production_env(url, data_dir)
    started = time.perf_counter()
    collectstatic_once(env)
    collect_s = round(time.perf_counter() - started, 1)
    port = free_port()
    log = Path(data_dir) / "gunicorn.log"
    server = start_server(env, port, workers=2, log=log)
    results: dict[str, Any] = {"collectstatic_s": collect_s}
    try:
        wait_ready(port)
        leaflet_ids = engine["results"]["leaflet_ids"]
        paths = engine["results"]["article_paths"]
        number = engine["results"]["edition_number"]

        def get(path: str, cookie: str = "") -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            assert response.status == 200, (path, response.status, body[:200])

        plan: list[tuple[str, Callable[[int], str], int]] = [
            ("article page", lambda i: paths[i % len(paths)], requests),
            ("Atom feed", lambda i: f"/press/{SLUG}/feed/atom/", 100),
            ("RSS feed", lambda i: f"/press/{SLUG}/feed/rss/", 100),
            ("front page", lambda i: f"/press/{SLUG}/", 100),
            ("sitemap.xml", lambda i: "/sitemap.xml", max(10, requests // 10)),
            ("floor: /healthz", lambda i: "/healthz", requests),
        ]
        # A leaflet is a new server's first request (its worker's first PDF: WeasyPrint's
        # start-up included, unless iskra.wsgi's warm-up has done it), then warm ones.
        cookie = engine["results"]["member_cookie"]
        first = f"/leaflets/{leaflet_ids['A5 leaflet']}.pdf"
        results["leaflet: A5, the new server's first request"] = _timed(
            1, lambda i: get(first, cookie), warmup=0
        )
        for name, pk in leaflet_ids.items():
            results[f"leaflet: {name}, GET"] = _timed(
                pdfs * 5, lambda i, p=f"/leaflets/{pk}.pdf": get(p, cookie), warmup=0
            )
        for name, path, n in plan:
            results[name] = _timed(n, lambda i, p=path: get(p(i)))
        pdf_path = f"/press/{SLUG}/editions/{number}/print.pdf"
        results["print: GET print.pdf"] = _timed(pdfs, lambda i: get(pdf_path), warmup=0)
    finally:
        stop_server(server)
    return results


# ---- the parent --------------------------------------------------------------------------------


def main() -> int:
    from ballot_harness import BENCH_SECRET_KEY

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pdfs", type=int, default=3)
    parser.add_argument("--no-served", action="store_true", help="Skip the gunicorn pass.")
    parser.add_argument("--json", type=Path, help="Also write the report here.")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE_URL",
        help="Measure this database, seeded by an earlier run, instead of building one.",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args)))
        return 0

    report: dict[str, Any] = {"machine_at_start": machine(), "engines": []}
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    if args.reuse:
        engines = ["sqlite" if args.reuse.startswith("sqlite") else "postgresql"]
    for engine in engines:
        data_dir = tempfile.mkdtemp(prefix="iskra-press-bench-")
        if args.reuse:
            url = args.reuse
        elif engine == "sqlite":
            url = f"sqlite:///{data_dir}/bench.sqlite3"
        else:
            url = os.environ.get("BENCH_PRESS_DATABASE_URL", DEFAULT_PG_URL)
            recreate_database(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ISKRA_ENV": "development",
            "DEBUG": "0",
            "ISKRA_DATA_DIR": data_dir,
            # The served pass's key (bench/ballot_harness.py): the member's session made here
            # must be valid there.
            "SECRET_KEY": BENCH_SECRET_KEY,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        argv = [
            *("--members", str(args.members), "--articles", str(args.articles)),
            *("--requests", str(args.requests), "--pdfs", str(args.pdfs)),
            *(("--reuse", args.reuse) if args.reuse else ()),
        ]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", *argv],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        engine_report = json.loads(done.stdout.strip().splitlines()[-1])
        engine_report["database"] = url
        if not args.no_served:
            engine_report["served"] = served(
                url, data_dir, engine_report, requests=args.requests, pdfs=args.pdfs
            )
        engine_report["wall_s"] = round(time.perf_counter() - started, 1)
        engine_report["load_average_after"] = machine()["load_average"]
        engine_report["results"].pop("article_paths")
        engine_report["results"].pop("member_cookie")
        report["engines"].append(engine_report)
        print(f"{engine}: done in {engine_report['wall_s']} s", file=sys.stderr)
    print(json.dumps(report, indent=2))
    print()
    print_tables(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


def _verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "MISSED"


def print_tables(report: dict[str, Any]) -> None:
    for engine in report["engines"]:
        results = engine["results"]
        pages = results["pages (test client)"]
        served_pages = engine.get("served", {})
        print(
            f"### {engine['engine']}: {results['published']} published articles, "
            f"{results['editions']} editions (load after: {engine['load_average_after']})"
        )
        print()
        print(
            "| page (anonymous) | n | p50 ms | **p95 ms** | p99 ms | queries (ms) | "
            "p95 ÷ /healthz | served: p50 / p95 ms |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        floor = pages["floor: /healthz"]["p95_ms"]
        for name, r in pages.items():
            s = served_pages.get(name)
            print(
                f"| {name} | {r['n']} | {r['p50_ms']} | **{r['p95_ms']}** | {r['p99_ms']} | "
                f"{r['queries']} ({r['queries_ms']}) | {r['p95_ms'] / floor:.1f}x | "
                + (f"{s['p50_ms']} / {s['p95_ms']} |" if s else "— |")
            )
        pk = results["floor: an article by its primary key"]
        print(
            f"| floor: an article by its primary key | {pk['n']} | {pk['p50_ms']} | "
            f"{pk['p95_ms']} | {pk['p99_ms']} | 1 | | |"
        )
        print()
        pdf_floor = results["floor: render_pdf, a one-page trivial HTML"]
        print("| print PDF | n | p50 ms | max ms | ÷ trivial PDF (p50) |")
        print("|---|---:|---:|---:|---:|")
        rows = {
            "edition_pdf()": results["print: edition_pdf()"],
            "GET print.pdf (test client)": results["print: GET print.pdf (test client)"],
            "split: articles read + HTML made": results["print split: articles read + HTML made"],
            "split: WeasyPrint layout": results["print split: WeasyPrint layout"],
            "split: WeasyPrint writes the PDF": results["print split: WeasyPrint writes the PDF"],
            "floor: render_pdf, one-page trivial HTML": pdf_floor,
        }
        if "print: GET print.pdf" in served_pages:
            rows["GET print.pdf (served)"] = served_pages["print: GET print.pdf"]
        for name, r in rows.items():
            print(
                f"| {name} | {r['n']} | {r['p50_ms']} | {r['p99_ms']} | "
                f"{r['p50_ms'] / pdf_floor['p50_ms']:.1f}x |"
            )
        pages_bytes = results["print: pages, bytes"]
        print()
        print("| leaflet PDF | n | p50 ms | max ms | ÷ trivial PDF (p50) |")
        print("|---|---:|---:|---:|---:|")
        leaflet_rows = {
            k: v for k, v in results.items() if k.startswith("leaflet: ") and isinstance(v, dict)
        }
        leaflet_rows.update(
            {f"{k} (served)": v for k, v in served_pages.items() if k.startswith("leaflet: ")}
        )
        for name, r in leaflet_rows.items():
            print(
                f"| {name.removeprefix('leaflet: ')} | {r['n']} | {r['p50_ms']} | {r['p99_ms']} | "
                f"{r['p50_ms'] / pdf_floor['p50_ms']:.1f}x |"
            )
        slowest_leaflet = max(r["p99_ms"] for r in leaflet_rows.values())
        print()
        print(
            f"- leaflets: pages {results['leaflet: A5 leaflet, pages']} (A5) and "
            f"{results['leaflet: A4 pamphlet, pages']} (A4 pamphlet); the slowest "
            f"{slowest_leaflet / 1000:.2f} s, {_verdict(slowest_leaflet / 1000, LEAFLET_S)} (<= 2)"
        )
        print(
            f"- print edition: {results['print edition']['articles']} articles, "
            f"{pages_bytes[0]} pages, {pages_bytes[1]} bytes; "
            f"HTML {results['print: HTML characters, pictures'][0]} characters, "
            f"{results['print: HTML characters, pictures'][1]} pictures"
        )
        pdf_runs = [
            results["print: edition_pdf()"]["p99_ms"],
            results["print: GET print.pdf (test client)"]["p99_ms"],
        ]
        verdicts = [("test client", pages, pdf_runs)]
        if served_pages:
            verdicts.append(
                ("served", served_pages, [served_pages["print: GET print.pdf"]["p99_ms"]])
            )
        for how, measured, runs in verdicts:
            article = measured["article page"]["p95_ms"]
            feeds = max(measured["Atom feed"]["p95_ms"], measured["RSS feed"]["p95_ms"])
            pdf = max(runs) / 1000
            print(
                f"- {how}: article page p95 {article} ms, {_verdict(article, ARTICLE_P95_MS)} "
                f"(<= 50); feeds p95 (the worse) {feeds} ms, {_verdict(feeds, FEED_P95_MS)} "
                f"(<= 100); the PDF's slowest run {pdf:.2f} s, {_verdict(pdf, PDF_S)} (<= 10)"
            )
        for name, r in pages.items():
            print(f"- {name}: slowest query {r['slowest_ms']} ms: {r['slowest_sql'][:160]}")
        print()


if __name__ == "__main__":
    sys.exit(main())
