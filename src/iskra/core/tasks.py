"""Core's background task: sending one email. Services queue it with ``send_after_commit``
(here, next to the task); the sending itself is ``email.send_now``, which never imports this
module."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django_tasks import task

from iskra.core.email import send_now


@task()
def send_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[list[str]] | None = None,
) -> None:
    # Task arguments travel as JSON, so attachment tuples arrive as lists.
    send_now(
        to=to,
        template=template,
        context=context,
        attachments=[(a[0], a[1], a[2]) for a in attachments or []],
    )


def send_after_commit(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Queue the email as a background task once the surrounding transaction commits."""
    # Task arguments must be plain JSON: dates and the like become ISO strings here, so that a
    # context with a date cannot fail after the commit (when the caller can no longer react).
    context = json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    files = [list(a) for a in attachments or []]
    transaction.on_commit(
        lambda: send_email.enqueue(to=to, template=template, context=context, attachments=files)
    )
