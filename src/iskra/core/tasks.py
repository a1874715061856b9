from __future__ import annotations

from typing import Any

from django_tasks import task

from iskra.core.email import send_now


@task()
def send_email(*, to: str, template: str, context: dict[str, Any]) -> None:
    send_now(to=to, template=template, context=context)
