"""The page header's unread notifications count (the notification centre, issue 11)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from iskra.core.notifications import unread_count

        return unread_count(user)

    # Lazy: counted (one indexed query) only when a page shows the header's link.
    return {"unread_notifications": SimpleLazyObject(count)}
