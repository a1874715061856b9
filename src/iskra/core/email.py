"""Sending email: every message is a subject/text/HTML template triple, sent after commit."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip().replace("\n", " ")
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_now(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


def send_after_commit(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Queue the email as a background task once the surrounding transaction commits."""
    from iskra.core.tasks import send_email

    # Task arguments must be plain JSON: dates and the like become ISO strings here, so that a
    # context with a date cannot fail after the commit (when the caller can no longer react).
    context = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    files = [list(a) for a in attachments or []]
    transaction.on_commit(
        lambda: send_email.enqueue(to=to, template=template, context=context, attachments=files)
    )
