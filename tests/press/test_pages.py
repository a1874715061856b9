"""The desk's pages and the public site: what each person sees, what forms keep, feeds, the
sitemap, the print PDF, and a members-only publication kept from outsiders."""

from __future__ import annotations

from datetime import date

from django.test import Client

from iskra.press import services as press
from iskra.press.models import Article
from tests.press.conftest import Paper, published_article


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _published(paper: Paper, title: str = "Porters win") -> Article:
    return published_article(paper, title, body="**Together** we won.")


def test_a_writer_writes_on_the_desk_and_a_bad_form_keeps_what_was_typed(paper: Paper) -> None:
    client = _client(paper.writer)
    url = f"/desk/{paper.publication.pk}/write/"
    page = client.post(url, {"title": "", "body": "My words", "standfirst": "Short"})
    assert page.status_code == 200
    assert "This field is required" in page.content.decode()
    assert "My words" in page.content.decode()
    assert not Article.objects.exists()
    response = client.post(url, {"title": "My story", "body": "My words"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/articles/{article.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Submit for editing" in page and "Revision 1" in page


def test_editing_takes_the_lock_and_a_second_editor_is_told_who_has_it(paper: Paper) -> None:
    article = _published(paper)
    editor = _client(paper.editor)
    assert editor.get(f"/desk/articles/{article.pk}/edit/").status_code == 200
    other = press.write_article(
        actor=paper.writer, publication=paper.publication, title="B", body="B"
    )
    press.take_step(actor=paper.writer, article=other, step="submit")
    press.take_lock(actor=paper.sub_editor, article=other)
    response = editor.get(f"/desk/articles/{other.pk}/edit/", follow=True)
    assert "Sid Sub is editing this article" in response.content.decode()


def test_a_revision_page_shows_the_lines_changed(paper: Paper) -> None:
    article = press.write_article(
        actor=paper.writer, publication=paper.publication, title="T", body="one\ntwo"
    )
    press.save_text(actor=paper.writer, article=article, title="T", body="one\nthree")
    page = _client(paper.writer).get(f"/desk/articles/{article.pk}/revisions/2/").content.decode()
    assert '<del><span class="visually-hidden">removed: </span>two</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>three</ins>' in page


def test_the_public_reads_a_published_article_with_its_tags_and_feeds(paper: Paper) -> None:
    article = _published(paper)
    draft = press.write_article(
        actor=paper.writer, publication=paper.publication, title="Secret draft", body="x"
    )
    anon = _client()
    page = anon.get(f"/press/the-spark/articles/{article.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta property="og:title" content="Porters win">' in html
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000/press/the-spark/articles/{article.slug}/">'
        in html
    )
    assert "<strong>Together</strong>" in html
    assert anon.get(f"/press/the-spark/articles/{draft.slug}/").status_code == 404
    front = anon.get("/press/the-spark/").content.decode()
    assert "Porters win" in front and "Secret draft" not in front
    atom = anon.get("/press/the-spark/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"Porters win" in atom.content and b"Secret draft" not in atom.content
    rss = anon.get("/press/the-spark/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml") and b"<item>" in rss.content
    sitemap = anon.get("/sitemap.xml").content.decode()
    assert f"/press/the-spark/articles/{article.slug}/" in sitemap and draft.slug not in sitemap


def test_a_members_only_publication_is_not_found_by_outsiders(paper: Paper) -> None:
    article = _published(paper)
    paper.publication.is_public = False
    paper.publication.save()
    anon = _client()
    for url in (
        "/press/the-spark/",
        f"/press/the-spark/articles/{article.slug}/",
        "/press/the-spark/feed/atom/",
    ):
        assert anon.get(url).status_code == 404, url
    assert (
        f"/press/the-spark/articles/{article.slug}/"
        not in anon.get("/sitemap.xml").content.decode()
    )
    assert _client(paper.world.outsider).get("/press/the-spark/").status_code == 404
    member = _client(paper.world.member)
    assert member.get(f"/press/the-spark/articles/{article.slug}/").status_code == 200
    # Feed readers do not sign in: no feed even for members.
    assert member.get("/press/the-spark/feed/atom/").status_code == 404


def test_the_desk_is_its_staffs_and_a_writer_sees_only_their_own(paper: Paper) -> None:
    article = press.write_article(
        actor=paper.writer, publication=paper.publication, title="Mine", body="x"
    )
    assert _client(paper.world.member).get(f"/desk/{paper.publication.pk}/").status_code == 404
    assert _client(paper.other_writer).get(f"/desk/articles/{article.pk}/").status_code == 404
    assert _client(paper.sub_editor).get(f"/desk/articles/{article.pk}/").status_code == 200
    # A member's POST to the editor's button is refused, not taken as bad input.
    response = _client(paper.world.member).post(f"/desk/articles/{article.pk}/steps/publish/")
    assert response.status_code == 404
    response = _client(paper.writer).post(f"/desk/articles/{article.pk}/steps/approve/")
    assert response.status_code == 403


def test_the_edition_prints_as_a_pdf_and_an_empty_one_says_why(paper: Paper) -> None:
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=3, on=date(2026, 12, 1)
    )
    editor = _client(paper.editor)
    response = editor.get("/press/the-spark/editions/3/print.pdf", follow=True)
    assert "no articles to print yet" in response.content.decode()
    # Not published: not for the public.
    assert _client().get("/press/the-spark/editions/3/").status_code == 404
    article = _published(paper)
    press.place_in_edition(actor=paper.editor, article=article, edition=edition, is_lead=True)
    press.publish_edition(actor=paper.editor, edition=edition)
    pdf = _client().get("/press/the-spark/editions/3/print.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_officers_appoint_staff_by_email_and_an_unknown_one_is_a_form_error(paper: Paper) -> None:
    officer = _client(paper.world.officer)
    url = f"/desk/{paper.publication.pk}/staff/"
    page = officer.post(url, {"email": "nobody@example.org", "kind": "writer"})
    assert "No member has that email address" in page.content.decode()
    assert "nobody@example.org" in page.content.decode()
    response = officer.post(url, {"email": paper.world.member.email, "kind": "writer"})
    assert response.status_code == 302
    assert _client(paper.world.member).get(f"/desk/{paper.publication.pk}/").status_code == 200
