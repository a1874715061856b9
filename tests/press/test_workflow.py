"""The editorial workflow through the services: who may take which step, locks, revisions,
comments, editions, scheduled publication, and what each refuses with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.press import selectors
from iskra.press import services as press
from iskra.press.models import Article, Edition, Revision
from tests.conftest import fresh
from tests.press.conftest import Paper


def _draft(paper: Paper, **kw: object) -> Article:
    fields = {"title": "Porters win", "body": "They won.\n\nTogether.", "section": paper.news}
    fields.update(kw)
    return press.write_article(actor=paper.writer, publication=paper.publication, **fields)  # type: ignore[arg-type]


def _approved(paper: Paper) -> Article:
    article = _draft(paper)
    article = press.take_step(actor=paper.writer, article=article, step="submit")
    article = press.take_step(actor=paper.sub_editor, article=article, step="edited")
    return press.take_step(actor=paper.editor, article=article, step="approve")


def test_an_article_goes_from_draft_to_published_through_each_role(paper: Paper) -> None:
    article = _draft(paper, title="Porters win back their break!")
    assert article.state == "draft" and article.body_html.startswith("<p>They won.</p>")
    assert [s.name for s in selectors.steps_for(paper.writer, article)] == ["submit"]
    article = press.take_step(actor=paper.writer, article=article, step="submit")
    # The writer can no longer change it, nor approve it.
    assert not press.can_edit_text(fresh(paper.writer), article)
    with pytest.raises(PermissionDenied):
        press.take_step(actor=paper.writer, article=article, step="edited")
    article = press.take_step(actor=paper.sub_editor, article=article, step="edited")
    with pytest.raises(PermissionDenied):
        press.take_step(actor=paper.sub_editor, article=article, step="approve")
    article = press.take_step(actor=paper.editor, article=article, step="approve")
    article = press.take_step(actor=paper.editor, article=article, step="publish")
    assert article.state == "published" and article.published_at is not None
    assert article.slug == "porters-win-back-their-break"
    assert list(selectors.published(paper.publication)) == [article]
    actions = list(
        AuditEntry.objects.filter(object_type="press.article")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "press.article.write",
        "press.article.submit",
        "press.article.edited",
        "press.article.approve",
        "press.article.publish",
    ]


def test_a_step_that_does_not_apply_is_refused_in_words(paper: Paper) -> None:
    article = _draft(paper)
    with pytest.raises(DomainError, match="does not apply to an article that is draft"):
        press.take_step(actor=paper.editor, article=article, step="publish")
    with pytest.raises(DomainError, match="no step called"):
        press.take_step(actor=paper.editor, article=article, step="print")
    # Another writer may not submit someone else's draft.
    with pytest.raises(PermissionDenied):
        press.take_step(actor=paper.other_writer, article=article, step="submit")
    assert Article.objects.get(pk=article.pk).state == "draft"


def test_sending_back_needs_a_reason_which_becomes_a_comment(paper: Paper) -> None:
    article = press.take_step(actor=paper.writer, article=_draft(paper), step="submit")
    with pytest.raises(DomainError, match="Say why"):
        press.take_step(actor=paper.sub_editor, article=article, step="return")
    assert Article.objects.get(pk=article.pk).state == "submitted"
    article = press.take_step(
        actor=paper.sub_editor, article=article, step="return", reason="Too long: cut it by half."
    )
    assert article.state == "draft"
    assert article.comments.get().body == "Send back to the writer: Too long: cut it by half."


def test_without_sub_editing_an_editor_approves_a_submitted_article(paper: Paper) -> None:
    paper.publication.sub_editing = False
    paper.publication.save()
    article = press.take_step(actor=paper.writer, article=_draft(paper), step="submit")
    article = press.take_step(actor=paper.editor, article=article, step="approve")
    assert article.state == "approved"


def test_scheduling_needs_a_future_time_and_the_worker_publishes_it(paper: Paper) -> None:
    article = _approved(paper)
    with pytest.raises(DomainError, match="time in the future"):
        press.take_step(
            actor=paper.editor, article=article, step="schedule", at=timezone.now() - timedelta(1)
        )
    at = timezone.now() + timedelta(hours=2)
    article = press.take_step(actor=paper.editor, article=article, step="schedule", at=at)
    assert article.state == "scheduled"
    assert press.publish_due() == 0
    with time_machine.travel(at + timedelta(minutes=1)):
        assert press.publish_due() == 1
    article.refresh_from_db()
    assert article.state == "published" and article.publish_at is None


def test_every_save_is_a_revision_and_the_diff_shows_what_changed(paper: Paper) -> None:
    article = _draft(paper)
    assert (
        press.save_text(
            actor=paper.writer,
            article=article,
            title=article.title,
            body=article.body,
            section=paper.news,
        )
        is None
    )  # nothing changed: no revision
    revision = press.save_text(
        actor=paper.writer,
        article=article,
        title="Porters win",
        body="They won.\n\nAll of them, together.",
        section=paper.news,
        note="stronger ending",
        base_revision=1,
    )
    assert revision is not None and revision.number == 2
    lines = selectors.diff(revision)["body"]
    assert [(d.kind, d.text) for d in lines if d.kind != "same"] == [
        ("removed", "Together."),
        ("added", "All of them, together."),
    ]
    # A save based on an old revision is refused: someone saved since.
    press.release_lock(actor=paper.writer, article=article)
    with pytest.raises(DomainError, match="newer version"):
        press.save_text(actor=paper.writer, article=article, title="X", body="Y", base_revision=1)
    assert Revision.objects.filter(article=article).count() == 2


def test_the_lock_keeps_a_second_editor_from_saving_over_the_first(paper: Paper) -> None:
    article = press.take_step(actor=paper.writer, article=_draft(paper), step="submit")
    press.take_lock(actor=paper.sub_editor, article=article)
    with pytest.raises(DomainError, match="Sid Sub is editing"):
        press.take_lock(actor=paper.editor, article=article)
    with pytest.raises(DomainError, match="Sid Sub is editing this article: your changes"):
        press.save_text(actor=paper.editor, article=article, title="Mine", body="Mine")
    assert Article.objects.get(pk=article.pk).title == "Porters win"
    # The lock lapses after a quarter of an hour without a save.
    with time_machine.travel(timezone.now() + timedelta(minutes=press.LOCK_MINUTES + 1)):
        press.take_lock(actor=paper.editor, article=article)


def test_bad_text_is_refused_with_nothing_written(paper: Paper) -> None:
    for fields, message in (
        ({"title": "  "}, "headline"),
        ({"body": ""}, "Write the article"),
        ({"body": "x" * (press.MAX_BODY + 1)}, "at most"),
    ):
        with pytest.raises(DomainError, match=message):
            _draft(paper, **fields)
    assert not Article.objects.exists()


def test_unsafe_markdown_is_rendered_harmless(paper: Paper) -> None:
    article = _draft(
        paper,
        body="<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>",
    )
    assert "<script" not in article.body_html
    assert 'href="javascript' not in article.body_html
    assert "<img" not in article.body_html and "&lt;script&gt;" in article.body_html


def test_only_staff_write_and_only_officers_appoint(paper: Paper) -> None:
    w = paper.world
    with pytest.raises(PermissionDenied):
        press.write_article(actor=w.member, publication=paper.publication, title="T", body="B")
    with pytest.raises(PermissionDenied):
        press.set_role(
            actor=paper.editor, publication=paper.publication, user=w.member, kind="writer"
        )
    with pytest.raises(PermissionDenied):
        press.set_role(
            actor=w.other_secretary, publication=paper.publication, user=w.member, kind="writer"
        )
    with pytest.raises(DomainError, match="Only members"):
        press.set_role(
            actor=w.officer, publication=paper.publication, user=w.outsider, kind="writer"
        )


def test_an_edition_is_published_only_with_articles_all_approved(paper: Paper) -> None:
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=7, on=date(2026, 12, 1)
    )
    with pytest.raises(DomainError, match="already has a number 7"):
        press.create_edition(
            actor=paper.editor, publication=paper.publication, number=7, on=date(2026, 12, 8)
        )
    with pytest.raises(DomainError, match="no articles yet"):
        press.publish_edition(actor=paper.editor, edition=edition)
    ready = _approved(paper)
    waiting = _draft(paper, title="Not ready")
    press.place_in_edition(actor=paper.editor, article=ready, edition=edition, is_lead=True)
    press.place_in_edition(actor=paper.editor, article=waiting, edition=edition)
    with pytest.raises(DomainError, match="“Not ready”"):
        press.publish_edition(actor=paper.editor, edition=edition)
    assert Article.objects.get(pk=ready.pk).state == "approved"
    press.place_in_edition(actor=paper.editor, article=waiting, edition=None)
    press.publish_edition(actor=paper.editor, edition=edition)
    assert Article.objects.get(pk=ready.pk).state == "published"
    assert Edition.objects.get(pk=edition.pk).published_at is not None


def test_an_edition_has_one_lead_story_by_constraint(paper: Paper) -> None:
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=1, on=date(2026, 12, 1)
    )
    a, b = _draft(paper, title="A"), _draft(paper, title="B")
    press.place_in_edition(actor=paper.editor, article=a, edition=edition, is_lead=True)
    press.place_in_edition(actor=paper.editor, article=b, edition=edition, is_lead=True)
    assert list(Article.objects.filter(is_lead=True).values_list("title", flat=True)) == ["B"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=a.pk).update(is_lead=True)
