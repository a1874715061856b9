"""The newsletter end to end with a real SMTP server (aiosmtpd in the test process): a test
send, a batched send with per-recipient unsubscribe links and RFC 8058 headers, unsubscribes
honoured mid-send, the one-click POST, double opt-in, bounces (DSN), complaints (ARF, and the
provider's webhooks through django-anymail), and who may do what."""

from __future__ import annotations

import re
import time
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from iskra.core.errors import DomainError, PermissionDenied
from iskra.newsletter import sending, subscriptions, tokens
from iskra.newsletter.models import Delivery, MailingList, Send, Subscriber
from iskra.press import services as press
from iskra.press.models import Article
from tests.conftest import make_member
from tests.newsletter.conftest import Sink
from tests.press.conftest import Paper, published_article

Status = Subscriber.Status


def _article(paper: Paper) -> Article:
    return published_article(paper, standfirst="Back pay for all.")


def _subscribe(daily: MailingList, *emails: str) -> list[Subscriber]:
    return [
        Subscriber.objects.create(
            mailing_list=daily, email=e, status=Status.ACTIVE, created_at=daily.created_at
        )
        for e in emails
    ]


def _header(msg: Message, name: str) -> str:
    """A header's value, unfolded (a long one is folded over lines, as RFC 5322 allows)."""
    return re.sub(r"\r?\n[ \t]+", " ", str(msg[name])).strip()


def _text(msg: Message) -> str:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    return parts[0].get_payload(decode=True).decode()  # type: ignore[union-attr]


def test_a_send_goes_out_through_smtp_each_with_its_own_one_click_link(
    paper: Paper, daily: MailingList, smtp: Sink, settings: Any
) -> None:
    settings.NEWSLETTER_RATE = 0
    article = _article(paper)
    ann, bob, cat = _subscribe(daily, "ann@example.org", "bob@example.org", "cat@example.org")
    send = sending.write_send(
        actor=paper.editor,
        mailing_list=daily,
        subject="Today in The Spark",
        intro="Good **news**.",
        articles=[article],
    )
    sending.send_test(actor=paper.editor, send=send)
    assert [m["Subject"] for m in smtp.messages] == ["[Test] Today in The Spark"]
    assert sending.queue_send(actor=paper.editor, send=send) == 3
    # Cat leaves after it was queued, before it is delivered: nothing goes to Cat.
    Client().post(
        f"/newsletter/unsubscribe/{tokens.unsubscribe_token(cat.pk)}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    while sending.deliver_batch(send.pk):
        pass
    sending.finish_if_done(send.pk)
    got = {m["To"]: m for m in smtp.messages[1:]}
    assert set(got) == {"ann@example.org", "bob@example.org"}
    for who, sub in (("ann@example.org", ann), ("bob@example.org", bob)):
        msg = got[who]
        link = f"http://127.0.0.1:8000/newsletter/unsubscribe/{tokens.unsubscribe_token(sub.pk)}/"
        assert _header(msg, "List-Unsubscribe") == f"<{link}>"
        assert _header(msg, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert _header(msg, "List-Id") == "The Spark daily <the-spark-daily.127.0.0.1>"
        assert [p.get_content_type() for p in msg.walk()][1:] == ["text/plain", "text/html"]
        assert link in _text(msg) and "Porters win" in _text(msg) and "Good news." in _text(msg)
    progress = sending.progress(send)
    assert (progress.sent, progress.skipped, progress.left) == (2, 1, 0)
    assert Send.objects.get(pk=send.pk).status == Send.Status.SENT


def test_one_click_unsubscribe_is_a_post_without_csrf_answered_without_redirect(
    daily: MailingList,
) -> None:
    (sub,) = _subscribe(daily, "ann@example.org")
    client = Client(enforce_csrf_checks=True)
    url = f"/newsletter/unsubscribe/{tokens.unsubscribe_token(sub.pk)}/"
    page = client.get(url)
    assert page.status_code == 200 and "Unsubscribe me" in page.content.decode()
    assert Subscriber.objects.get(pk=sub.pk).status == Status.ACTIVE  # a GET changes nothing
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get(pk=sub.pk).status == Status.UNSUBSCRIBED
    # A forged token: refused, and nobody's subscription changes.
    (other,) = _subscribe(daily, "bob@example.org")
    forged = f"{other.pk}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    response = client.post(f"/newsletter/unsubscribe/{forged}/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert Subscriber.objects.get(pk=other.pk).status == Status.ACTIVE


def test_the_public_subscribes_with_double_opt_in(
    daily: MailingList, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/newsletter/{daily.slug}/subscribe/", {"email": "New@Example.org"})
    assert "Check your inbox" in page.content.decode()
    sub = Subscriber.objects.get()
    assert (sub.email, sub.status) == ("new@example.org", Status.PENDING)
    (message,) = mail.outbox
    link = next(w for w in message.body.split() if "/newsletter/confirm/" in w)
    path = link.replace("http://127.0.0.1:8000", "")
    assert "Yes, subscribe me" in client.get(path).content.decode()
    assert Subscriber.objects.get().status == Status.PENDING  # a mail scanner's GET: nothing
    assert "You are subscribed" in client.post(path).content.decode()
    assert Subscriber.objects.get().status == Status.ACTIVE
    # The same address again says the same, and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/newsletter/{daily.slug}/subscribe/", {"email": "new@example.org"})
    assert "Check your inbox" in page.content.decode() and len(mail.outbox) == 1
    assert client.post("/newsletter/confirm/1:forged/").status_code == 400
    # A bad address stays on the form.
    page = client.post(f"/newsletter/{daily.slug}/subscribe/", {"email": "not an address"})
    assert "Enter a valid email address" in page.content.decode()


def test_members_choose_on_their_newsletters_page(paper: Paper, daily: MailingList) -> None:
    client = Client()
    client.force_login(paper.world.member)
    assert "Get The Spark daily" in client.get("/newsletter/").content.decode()
    client.post(f"/newsletter/lists/{daily.pk}/choose/", {"on": "1"})
    sub = Subscriber.objects.get(user=paper.world.member)
    assert sub.status == Status.ACTIVE and sub.email == paper.world.member.email.lower()
    assert "Stop getting The Spark daily" in client.get("/newsletter/").content.decode()
    client.post(f"/newsletter/lists/{daily.pk}/choose/", {"on": "0"})
    assert Subscriber.objects.get(pk=sub.pk).status == Status.UNSUBSCRIBED


def test_a_members_subscriptions_follow_a_change_of_address(
    paper: Paper, daily: MailingList
) -> None:
    from iskra.accounts import account_changes
    from iskra.accounts.email_links import email_change_token
    from iskra.accounts.models import EmailChange, User

    member = User.objects.get(pk=paper.world.member.pk)
    sub = subscriptions.set_member_subscription(actor=member, mailing_list=daily, on=True)
    Subscriber.objects.filter(pk=sub.pk).update(status=Status.BOUNCED, bounce_score=5)
    # The new address had signed up by the public form before: the member's row stands.
    _subscribe(daily, "new.address@example.org")
    account_changes.request_email_change(
        user=member, new_email="New.Address@example.org", password="correct horse battery"
    )
    change = EmailChange.objects.filter(user=member).latest("pk")
    token = email_change_token(User.objects.get(pk=member.pk), change.new_email, change.pk)
    account_changes.confirm_email_change(token=token)
    rows = list(Subscriber.objects.filter(mailing_list=daily, email="new.address@example.org"))
    assert [(r.pk, r.user_id, r.status, r.bounce_score) for r in rows] == [
        (sub.pk, member.pk, Status.ACTIVE, 0)
    ]


DSN = """From MAILER-DAEMON Thu Dec  3 10:00:00 2026
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: bounces@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {hard}
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; {soft}
Action: delayed
Status: 4.2.2

--B--

From abuse@isp.example Thu Dec  3 11:00:00 2026
From: abuse@isp.example
To: bounces@example.org
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="C"

--C
Content-Type: text/plain

This is an email abuse report.

--C
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ISP-FBL/1.0
Version: 1
Original-Rcpt-To: {spam}

--C--
"""


def test_bounces_and_complaints_from_the_bounce_mailbox(
    daily: MailingList, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    settings.NEWSLETTER_BOUNCE_LIMIT = 2
    hard, soft, spam = _subscribe(
        daily, "gone@example.org", "full@example.org", "cross@example.org"
    )
    box = tmp_path / "bounces.mbox"
    box.write_text(DSN.format(hard=hard.email, soft=soft.email, spam=spam.email))
    call_command("newsletter", "bounces", str(box))
    assert "2 messages: 1 hard bounces, 1 soft, 1 complaints" in capsys.readouterr().out
    assert Subscriber.objects.get(pk=hard.pk).status == Status.ACTIVE  # 1 < 2
    assert Subscriber.objects.get(pk=spam.pk).status == Status.COMPLAINED
    call_command("newsletter", "bounces", str(box))
    assert Subscriber.objects.get(pk=hard.pk).status == Status.BOUNCED  # 2 hard bounces
    assert Subscriber.objects.get(pk=soft.pk).status == Status.ACTIVE  # two soft: 1.0
    with pytest.raises(CommandError, match="No such file"):
        call_command("newsletter", "bounces", str(tmp_path / "missing"))


def test_the_providers_webhook_events_stop_delivery(daily: MailingList) -> None:
    ann, bob = _subscribe(daily, "ann@example.org", "bob@example.org")
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(
            event_type="complained", recipient="Ann@example.org", metadata={"subscriber_id": ann.pk}
        ),
        esp_name="Test",
    )
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="unsubscribed", recipient="bob@example.org"),
        esp_name="Test",
    )
    assert Subscriber.objects.get(pk=ann.pk).status == Status.COMPLAINED
    assert Subscriber.objects.get(pk=bob.pk).status == Status.UNSUBSCRIBED


def test_the_throttle_spaces_the_messages(paper: Paper, daily: MailingList, smtp: Sink) -> None:
    _subscribe(daily, *[f"p{n}@example.org" for n in range(6)])
    send = sending.write_send(actor=paper.editor, mailing_list=daily, subject="S", intro="Hi")
    sending.queue_send(actor=paper.editor, send=send)
    start = time.monotonic()
    sending.deliver_batch(send.pk, rate=20)
    assert time.monotonic() - start >= 5 / 20
    assert len(smtp.messages) == 6


def test_only_the_editors_send_and_bad_sends_are_refused(paper: Paper, daily: MailingList) -> None:
    with pytest.raises(PermissionDenied):
        sending.write_send(actor=paper.writer, mailing_list=daily, subject="S", intro="x")
    with pytest.raises(DomainError, match="introduction or choose"):
        sending.write_send(actor=paper.editor, mailing_list=daily, subject="S")
    draft = press.write_article(
        actor=paper.writer, publication=paper.publication, title="Draft", body="x"
    )
    with pytest.raises(DomainError, match="published articles"):
        sending.write_send(actor=paper.editor, mailing_list=daily, subject="S", articles=[draft])
    send = sending.write_send(actor=paper.editor, mailing_list=daily, subject="S", intro="x")
    with pytest.raises(DomainError, match="Nobody is subscribed"):
        sending.queue_send(actor=paper.editor, send=send)
    assert not Delivery.objects.exists()
    writer = Client()
    writer.force_login(paper.writer)
    assert writer.get(f"/newsletter/lists/{daily.pk}/").status_code == 404
    assert writer.post(f"/newsletter/sends/{send.pk}/send/", {"confirmed": "1"}).status_code == 404
    other = make_member("o@example.org", "O", paper.world.branch_b)
    with pytest.raises(DomainError):
        subscriptions.set_member_subscription(
            actor=paper.world.outsider, mailing_list=daily, on=True
        )
    del other


def test_a_refused_address_is_recorded_as_failed_and_the_rest_go(
    paper: Paper, daily: MailingList, smtp: Sink, settings: Any
) -> None:
    settings.NEWSLETTER_RATE = 0
    _subscribe(daily, "ann@example.org", "refused@example.org", "bob@example.org")
    send = sending.write_send(actor=paper.editor, mailing_list=daily, subject="S", intro="Hi")
    sending.queue_send(actor=paper.editor, send=send)
    sending.deliver_batch(send.pk)
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.subscriber.email == "refused@example.org" and "No such user" in failed.error
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org", "bob@example.org"]
    assert Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__isnull=False).count() == 2


def test_the_editor_ticks_articles_on_the_send_form(paper: Paper, daily: MailingList) -> None:
    """Found by a volunteer: every ticked article was refused as "not a valid value"."""
    first, second = _article(paper), published_article(paper, "Second story")
    client = Client()
    client.force_login(paper.editor)
    url = f"/newsletter/lists/{daily.pk}/write/"
    page = client.get(url).content.decode()
    assert f'value="{first.pk}"' in page and f'value="{second.pk}"' in page
    response = client.post(
        url, {"subject": "Today", "intro": "Hi", "articles": [str(second.pk), str(first.pk)]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    send = Send.objects.get()
    assert sorted(send.article_ids) == sorted([first.pk, second.pk])
