"""What an outside attack on the paper found (a writer rewriting leaflets, previews of editions
showing unapproved articles, addresses with line breaks, a contact mailed without end, a PATCH
that blanked fields, dates in year 1, "1e3" taken as 1 000, bundles rewritten after the edition
was out, targets for units that do not sell the paper, a sub-editor undoing an approval,
entities in plain-text emails), each kept fixed here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from iskra.core.email import render_email
from iskra.core.errors import DomainError
from iskra.newsletter import subscriptions
from iskra.press import letters, sales, selectors
from iskra.press import services as press
from iskra.press.models import Article, Contact, Sale, SalesTarget
from tests.api.test_api import Api, is_error
from tests.conftest import fresh
from tests.press.conftest import Paper, published_article


def _approved(paper: Paper, title: str = "Draft news") -> Article:
    article = press.write_article(
        actor=paper.writer, publication=paper.publication, title=title, body="Not yet out."
    )
    for actor, step in ((paper.writer, "submit"), (paper.sub_editor, "edited")):
        article = press.take_step(actor=actor, article=article, step=step)
    return article


def test_only_the_desk_previews_an_edition_before_it_is_out(paper: Paper) -> None:
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=7, on=timezone.localdate()
    )
    article = _approved(paper)  # edited, not approved: only the desk may read it
    press.place_in_edition(actor=paper.editor, article=article, edition=edition)
    public = "/press/the-spark/editions/7/"
    for someone, seen in (
        (paper.writer, 404),
        (paper.other_writer, 404),
        (paper.world.officer, 404),  # appoints the staff, but does not sit on the desk
        (paper.sub_editor, 200),
        (paper.editor, 200),
    ):
        client = Client()
        client.force_login(someone)
        assert client.get(public).status_code == seen, someone
        assert client.get(f"/desk/editions/{edition.pk}/").status_code == seen, someone
    writer = Client()
    writer.force_login(paper.writer)
    assert writer.get(public + "print.pdf").status_code == 404


def test_a_patch_changes_only_what_it_sends(paper: Paper) -> None:
    api = Api(paper.writer)
    made = api.post(
        f"/publications/{paper.publication.pk}/articles",
        {
            "title": "Patch me",
            "body": "b1",
            "standfirst": "Important standfirst",
            "byline": "Special byline",
            "section_id": paper.news.pk,
        },
    ).json()
    changed = api.patch(f"/articles/{made['id']}", {"body": "b2 fixed typo"}).json()
    assert (changed["standfirst"], changed["byline"], changed["section_id"]) == (
        "Important standfirst",
        "Special byline",
        paper.news.pk,
    )
    cleared = api.patch(f"/articles/{made['id']}", {"section_id": None}).json()
    assert cleared["section_id"] is None and cleared["standfirst"] == "Important standfirst"


def test_a_sub_editor_does_not_undo_an_editors_approval(paper: Paper) -> None:
    article = press.take_step(actor=paper.editor, article=_approved(paper), step="approve")
    with pytest.raises(DomainError, match="does not apply"):
        press.take_step(actor=paper.sub_editor, article=article, step="return", reason="No")
    assert "return" not in [s.name for s in selectors.steps_for(paper.sub_editor, article)]
    back = press.take_step(actor=paper.editor, article=article, step="return", reason="Redo")
    assert back.state == Article.State.DRAFT


def test_dates_from_another_century_are_refused(paper: Paper) -> None:
    for on in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(DomainError, match="from 1900"):
            press.create_edition(actor=paper.editor, publication=paper.publication, number=9, on=on)
    article = press.take_step(actor=paper.editor, article=_approved(paper), step="approve")
    with pytest.raises(DomainError, match="within the next year"):
        press.take_step(
            actor=paper.editor,
            article=article,
            step="schedule",
            at=timezone.now() + timedelta(days=3000),
        )
    with pytest.raises(DomainError, match="last twelve months"):
        sales.record_sale(
            actor=paper.world.member,
            publication=paper.publication,
            unit=paper.world.branch_a,
            seller=paper.world.member,
            pitch="Gate",
            sold_on=date(1900, 1, 1),
            copies=3,
        )
    assert not Sale.objects.exists()


def test_a_sale_is_filed_under_the_edition_on_sale_that_day(paper: Paper) -> None:
    today = timezone.localdate()
    older = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=1, on=today - timedelta(20)
    )
    newer = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=2, on=today - timedelta(6)
    )
    for edition in (older, newer):
        press.place_in_edition(
            actor=paper.editor,
            article=published_article(paper, f"Story {edition.number}"),
            edition=edition,
        )
        press.publish_edition(actor=paper.editor, edition=edition)
    client = Client()
    client.force_login(paper.world.member)
    url = f"/press/the-spark/sales/{paper.world.branch_a.pk}/record/"
    for day, money in ((today - timedelta(10), "5"), (today, "6.50")):
        client.post(
            url, {"pitch": "Gate", "sold_on": day.isoformat(), "copies": "2", "money": money}
        )
    assert [(s.edition_id, str(s.money)) for s in Sale.objects.order_by("sold_on")] == [
        (older.pk, "5.00"),
        (newer.pk, "6.50"),
    ]
    # Money is plain digits: "1e3" is not 1 000, nor are other scripts' digits read.
    for typed in ("1e3", "\u0661\u0662", "12,50"):
        page = client.post(
            url,
            {"pitch": "Gate", "sold_on": today.isoformat(), "copies": "1", "money": typed},
            follow=True,
        ).content.decode()
        assert "Give an amount of money, such as 12.50" in page, typed
    assert Sale.objects.count() == 2


def test_bundles_and_targets_stay_within_the_paper_and_its_edition(paper: Paper) -> None:
    w = paper.world
    edition = press.create_edition(
        actor=paper.editor, publication=paper.publication, number=3, on=timezone.localdate()
    )
    with pytest.raises(DomainError, match="More delivered than wanted"):
        sales.set_bundle(actor=w.secretary, edition=edition, unit=w.branch_a, wanted=5, delivered=9)
    sales.set_bundle(actor=w.secretary, edition=edition, unit=w.branch_a, wanted=40)
    press.place_in_edition(actor=paper.editor, article=published_article(paper), edition=edition)
    press.publish_edition(actor=paper.editor, edition=fresh_edition(edition))
    edition.refresh_from_db()
    with pytest.raises(DomainError, match="is out"):
        sales.set_bundle(actor=w.secretary, edition=edition, unit=w.branch_a, wanted=400)
    done = sales.set_bundle(
        actor=w.secretary, edition=edition, unit=w.branch_a, wanted=40, delivered=38
    )
    assert (done.copies_wanted, done.copies_delivered) == (40, 38)
    # A paper's targets are for the units that sell it; nobody sets the publisher's own.
    with pytest.raises(DomainError, match="Targets are for the units"):
        sales.set_target(
            actor=paper.editor, publication=paper.publication, unit=w.national, copies=10
        )
    bulletin = press.create_publication(
        actor=w.officer, unit=w.branch_b, name="B bulletin", tagline=""
    )
    with pytest.raises(DomainError, match="Targets are for the units"):
        sales.set_target(actor=w.admin, publication=bulletin, unit=w.branch_a, copies=5)
    assert not SalesTarget.objects.exists()


def fresh_edition(edition: object) -> object:
    from iskra.press.models import Edition

    return Edition.objects.get(pk=edition.pk)  # type: ignore[attr-defined]


def test_contacts_take_real_addresses_are_mailed_once_a_week_and_can_be_removed(
    paper: Paper, django_capture_on_commit_callbacks: Any
) -> None:
    w = paper.world
    api = Api(w.member)
    for address in ("not-an-email", "a@example.net\r\nBcc: evil@example.net"):
        is_error(
            api.post(
                f"/units/{w.branch_a.pk}/contacts",
                {"name": "Pat", "email": address, "consent": True},
            ),
            400,
        )
    is_error(
        Api(w.secretary).post(
            f"/publications/{paper.publication.pk}/subscriptions",
            {
                "unit_id": w.branch_a.pk,
                "kind": "digital",
                "name": "Reader",
                "email": "a@example.net\nBcc: x@example.net",
            },
        ),
        400,
    )
    assert not Contact.objects.exists()
    contact = sales.add_contact(
        actor=fresh(w.member), unit=w.branch_a, name="Pat", consent=True, email="pat@example.net"
    )
    client = Client()
    client.force_login(w.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/contacts/{contact.pk}/invite/", {"publication": "the-spark"})
    with pytest.raises(DomainError, match="give them a week"):
        sales.invite_contact(actor=fresh(w.secretary), contact=contact)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            f"/contacts/{contact.pk}/invite/", {"publication": "the-spark"}, follow=True
        )
    assert "give them a week" in again.content.decode()
    assert [m.to for m in mail.outbox] == [["pat@example.net"]]
    assert Api(w.member).delete(f"/contacts/{contact.pk}").status_code == 404
    client.post(f"/contacts/{contact.pk}/remove/", {"publication": "the-spark"})
    assert not Contact.objects.exists()


def test_contacts_a_day_and_letters_a_day_are_429(paper: Paper, monkeypatch: object) -> None:
    w = paper.world
    monkeypatch.setattr(sales, "CONTACTS_A_DAY", 2)  # type: ignore[attr-defined]
    api = Api(w.member)
    for n in range(2):
        made = api.post(
            f"/units/{w.branch_a.pk}/contacts",
            {"name": f"P{n}", "email": f"p{n}@example.net", "consent": True},
        )
        assert made.status_code == 201
    is_error(
        api.post(
            f"/units/{w.branch_a.pk}/contacts",
            {"name": "P3", "email": "p3@example.net", "consent": True},
        ),
        429,
    )
    for n in range(letters.PER_DAY):
        letters.send_in(
            actor=fresh(w.member),
            publication=paper.publication,
            kind="letter",
            title=f"L{n}",
            body="Hello",
        )
    is_error(
        api.post(
            f"/publications/{paper.publication.pk}/letters",
            {"kind": "letter", "title": "One more", "body": "Hello"},
        ),
        429,
    )


def test_plain_text_emails_read_as_typed(paper: Paper) -> None:
    _subject, text, html = render_email(
        "press/email/join_invitation",
        {"name": "Tom & <Jo>", "unit": "Branch A", "url": "https://x.example/join/"},
    )
    assert "Hello Tom & <Jo>," in text and "&amp;" not in text
    assert "Tom &amp; &lt;Jo&gt;" in html


def test_a_members_only_paper_has_no_public_newsletter(paper: Paper) -> None:
    paper.publication.is_public = False
    paper.publication.save()
    with pytest.raises(DomainError, match="for members only"):
        subscriptions.create_list(
            actor=paper.editor, publication=paper.publication, name="Open", frequency="weekly"
        )
    made = subscriptions.create_list(
        actor=paper.editor,
        publication=paper.publication,
        name="Members",
        frequency="weekly",
        is_public=False,
    )
    assert not made.is_public


def test_the_desk_is_told_when_work_reaches_it(paper: Paper) -> None:
    """Found by a volunteer: only the writer was told of each step."""
    from iskra.core.notifications import Notification

    article = press.write_article(
        actor=paper.writer, publication=paper.publication, title="Waiting", body="Text."
    )
    Notification.objects.all().delete()  # their appointments to the staff
    press.take_step(actor=paper.writer, article=article, step="submit")
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {paper.sub_editor.pk, paper.editor.pk}
    Notification.objects.all().delete()
    press.take_step(actor=paper.sub_editor, article=fresh_article(article), step="edited")
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        paper.editor.pk,
        paper.writer.pk,
    }


def fresh_article(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def test_a_members_letter_is_declined_not_sent_back(paper: Paper) -> None:
    """Found by a volunteer: a letter sent back became a draft its sender could not change."""
    letter = letters.send_in(
        actor=fresh(paper.world.member),
        publication=paper.publication,
        kind="letter",
        title="Rents",
        body="Too high.",
    )
    assert "return" not in [s.name for s in selectors.steps_for(paper.editor, letter)]
    with pytest.raises(DomainError):
        press.take_step(actor=paper.editor, article=letter, step="return", reason="Shorter")
    declined = press.take_step(actor=paper.editor, article=letter, step="decline", reason="Full")
    assert declined.state == Article.State.DECLINED
