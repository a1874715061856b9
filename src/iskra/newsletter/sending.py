"""Sending the newsletter: a send is written (a subject, an introduction, the paper's articles),
previewed, sent as a test to the editor, then queued: rendered once, one delivery row per active
subscriber, and delivered by the worker (``iskra.newsletter.tasks.deliver``) in batches over one
SMTP connection, throttled to ``settings.NEWSLETTER_RATE`` messages a second.

Each message has a plain-text part and an HTML part (styles written inline: mail clients drop
<style>), its own unsubscribe link, and the headers of RFC 2369 and RFC 8058
(``List-Unsubscribe`` with the HTTPS link, ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``)
and ``List-Id``; the MTA or the provider signs them with DKIM (they are set here and never
changed after).
"""

from __future__ import annotations

import html as html_module
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.markdown import render_markdown
from iskra.newsletter import tokens
from iskra.newsletter.models import Delivery, MailingList, Send, Subscriber
from iskra.newsletter.permissions import can_manage
from iskra.organisation.permissions import require
from iskra.press.models import Article
from iskra.press.services import FieldError

# Replaced in each message by the subscriber's own link.
PLACEHOLDER = "%%UNSUBSCRIBE%%"
BATCH = 500


def write_send(
    *,
    actor: Any,
    mailing_list: MailingList,
    subject: str,
    intro: str = "",
    articles: list[Article] | None = None,
    send: Send | None = None,
) -> Send:
    require(can_manage(actor, mailing_list), "Only the publication's editors send it.")
    subject = subject.strip()
    if not subject:
        raise FieldError("subject", "Give the email a subject.")
    if len(intro) > 20_000:
        raise FieldError("intro", "Keep the introduction to 20,000 characters.")
    chosen = list(articles or [])
    if any(
        a.publication_id != mailing_list.publication_id or a.state != Article.State.PUBLISHED
        for a in chosen
    ):
        raise FieldError("articles", "Choose published articles of this publication.")
    if not chosen and not intro.strip():
        raise FieldError("intro", "Write an introduction or choose some articles.")
    if send is not None and send.status != Send.Status.DRAFT:
        raise DomainError("This send has gone out: make a new one.")
    with transaction.atomic():
        item = send or Send(mailing_list=mailing_list, created_by=actor, created_at=timezone.now())
        item.subject, item.intro = subject, intro
        item.article_ids = [a.pk for a in chosen]
        item.save()
        record(actor=actor, action="newsletter.send.write", obj=item, data={"subject": subject})
    return item


def _articles(send: Send) -> list[Article]:
    by_id = {
        a.pk: a
        for a in Article.objects.filter(
            pk__in=send.article_ids, state=Article.State.PUBLISHED
        ).select_related("publication", "author")
    }
    return [by_id[pk] for pk in send.article_ids if pk in by_id]


def render(send: Send) -> tuple[str, str]:
    """The send's HTML and text, with ``PLACEHOLDER`` where each subscriber's link goes."""
    articles = [
        {
            "title": a.title,
            "standfirst": a.standfirst,
            "byline": a.byline or a.author.full_name,
            "url": settings.SITE_URL + reverse("press:read", args=[a.publication.slug, a.slug]),
        }
        for a in _articles(send)
    ]
    intro_html = render_markdown(send.intro)
    context = {
        "send": send,
        "list": send.mailing_list,
        "publication": send.mailing_list.publication,
        "intro_html": intro_html,
        "intro_text": html_module.unescape(strip_tags(str(intro_html))).strip(),
        "articles": articles,
        "unsubscribe": PLACEHOLDER,
        "site_url": settings.SITE_URL,
    }
    html = render_to_string("newsletter/email/send.html", context)
    text = render_to_string("newsletter/email/send.txt", context)
    return html, text


def message(
    *, send: Send, html: str, text: str, subscriber_id: int, email: str
) -> EmailMultiAlternatives:
    link = settings.SITE_URL + reverse(
        "newsletter:unsubscribe", args=[tokens.unsubscribe_token(subscriber_id)]
    )
    mailing_list = send.mailing_list
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    sender = f"{mailing_list.publication.name} <{settings.NEWSLETTER_FROM}>"
    msg = EmailMultiAlternatives(
        send.subject,
        text.replace(PLACEHOLDER, link),
        sender,
        [email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{mailing_list.name} <{mailing_list.slug}.{host}>",
            "X-Iskra-Send": str(send.pk),
        },
    )
    msg.attach_alternative(html.replace(PLACEHOLDER, link), "text/html")
    # django-anymail passes these to the provider, whose bounce and complaint webhooks name
    # them again; plain SMTP ignores them.
    msg.metadata = {"send_id": send.pk, "subscriber_id": subscriber_id}  # type: ignore[attr-defined]
    return msg


def send_test(*, actor: Any, send: Send) -> None:
    """The send as a subscriber would get it, to the editor's own address, now."""
    require(can_manage(actor, send.mailing_list), "Only the publication's editors send it.")
    html, text = render(send)
    msg = message(send=send, html=html, text=text, subscriber_id=0, email=actor.email)
    msg.subject = f"[Test] {send.subject}"
    msg.send()
    record(actor=actor, action="newsletter.send.test", obj=send)


def queue_send(*, actor: Any, send: Send) -> int:
    """Send it to every active subscriber: rendered once, a delivery each, the worker told.
    Returns how many are queued."""
    require(can_manage(actor, send.mailing_list), "Only the publication's editors send it.")
    from iskra.newsletter.tasks import deliver

    with transaction.atomic():
        fresh = Send.objects.select_for_update().get(pk=send.pk)
        if fresh.status != Send.Status.DRAFT:
            raise DomainError("This send has already gone out.")
        fresh.html, fresh.text = render(fresh)
        ids = list(
            Subscriber.objects.filter(
                mailing_list_id=fresh.mailing_list_id, status=Subscriber.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
        if not ids:
            raise DomainError("Nobody is subscribed yet: there is no one to send it to.")
        for start in range(0, len(ids), 5000):
            Delivery.objects.bulk_create(
                [Delivery(send=fresh, subscriber_id=pk) for pk in ids[start : start + 5000]]
            )
        fresh.status, fresh.queued_at = Send.Status.SENDING, timezone.now()
        fresh.save(update_fields=["html", "text", "status", "queued_at"])
        record(actor=actor, action="newsletter.send.queue", obj=fresh, data={"to": len(ids)})
        workers = max(1, int(settings.NEWSLETTER_WORKERS))
        transaction.on_commit(lambda: [deliver.enqueue(send_id=fresh.pk) for _ in range(workers)])
    send.status = fresh.status
    return len(ids)


def cancel_send(*, actor: Any, send: Send) -> Send:
    require(can_manage(actor, send.mailing_list), "Only the publication's editors send it.")
    with transaction.atomic():
        fresh = Send.objects.select_for_update().get(pk=send.pk)
        if fresh.status != Send.Status.SENDING:
            raise DomainError("Only a send under way can be stopped.")
        fresh.status, fresh.finished_at = Send.Status.CANCELLED, timezone.now()
        fresh.save(update_fields=["status", "finished_at"])
        record(actor=actor, action="newsletter.send.cancel", obj=fresh)
    return fresh


@dataclass(frozen=True)
class Progress:
    sent: int
    failed: int
    skipped: int
    left: int

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def total(self) -> int:
        return self.done + self.left


def progress(send: Send) -> Progress:
    counts = dict(
        Delivery.objects.filter(send=send)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(
        sent=counts.get(Delivery.Status.SENT, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
        skipped=counts.get(Delivery.Status.SKIPPED, 0),
        left=counts.get(Delivery.Status.QUEUED, 0),
    )


def deliver_batch(send_id: int, *, connection: Any = None, rate: float | None = None) -> int:
    """Deliver up to ``BATCH`` waiting messages of a send; returns how many were handled (0:
    nothing left, or the send was stopped). Rows are taken with SKIP LOCKED, so several
    workers share a send without sending anything twice."""
    rate = settings.NEWSLETTER_RATE if rate is None else rate
    gap = 1.0 / rate if rate and rate > 0 else 0.0
    with transaction.atomic():
        send = Send.objects.select_related("mailing_list__publication").get(pk=send_id)
        if send.status != Send.Status.SENDING:
            return 0
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(send_id=send_id, status=Delivery.Status.QUEUED)
            .select_related("subscriber")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return 0
        # Unsubscribed, complained or bounced since it was queued: honoured now.
        active = set(
            Subscriber.objects.filter(
                pk__in=[d.subscriber_id for d in batch], status=Subscriber.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
        own = connection is None
        connection = connection or get_connection()
        connection.open()
        now = timezone.now()
        next_at = time.monotonic()
        try:
            for delivery in batch:
                if delivery.subscriber_id not in active:
                    delivery.status = Delivery.Status.SKIPPED
                    continue
                msg = message(
                    send=send,
                    html=send.html,
                    text=send.text,
                    subscriber_id=delivery.subscriber_id,
                    email=delivery.subscriber.email,
                )
                msg.connection = connection
                if gap:
                    pause = next_at - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                    next_at = max(next_at, time.monotonic()) + gap
                try:
                    msg.send()
                except Exception as exc:
                    delivery.status, delivery.error = Delivery.Status.FAILED, str(exc)[:300]
                else:
                    delivery.status, delivery.sent_at = Delivery.Status.SENT, now
        finally:
            if own:
                connection.close()
        # One UPDATE per outcome (a bulk_update of 500 rows builds a CASE per row and field:
        # it cost more than the sending, bench/newsletter_bench.py).
        for status in (Delivery.Status.SENT, Delivery.Status.SKIPPED):
            ids = [d.pk for d in batch if d.status == status]
            if ids:
                Delivery.objects.filter(pk__in=ids).update(
                    status=status, sent_at=now if status == Delivery.Status.SENT else None
                )
        for delivery in batch:
            if delivery.status == Delivery.Status.FAILED:
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=delivery.status, error=delivery.error
                )
    return len(batch)


def finish_if_done(send_id: int) -> None:
    with transaction.atomic():
        send = Send.objects.select_for_update().get(pk=send_id)
        if (
            send.status == Send.Status.SENDING
            and not Delivery.objects.filter(send_id=send_id, status=Delivery.Status.QUEUED).exists()
        ):
            send.status, send.finished_at = Send.Status.SENT, timezone.now()
            send.save(update_fields=["status", "finished_at"])
            record(actor=None, action="newsletter.send.done", obj=send)
