from __future__ import annotations

from typing import Any

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
