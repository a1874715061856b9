"""The notification centre's API (issue 11, point 11): the person's own notifications, and
marking one or all read. The same functions as the page (``iskra.core.notifications``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.params.functions import Query

from iskra.accounts.schemas import NotificationOut, NotificationsReadOut
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.core import notifications
from iskra.core.models import Notification

router = Router(tags=["notifications"])

UNREAD_ONLY: Any = Query(False, description="Only the unread ones.")


def _notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_notifications(
    request: HttpRequest,
    unread: bool = UNREAD_ONLY,
) -> Any:
    rows = notifications.for_user(request.user)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return Paged(rows, _notification_out)


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read_notification(request: HttpRequest, notification_id: PathId) -> Any:
    return _notification_out(
        notifications.mark_read(user=request.user, notification_id=notification_id)
    )


@router.post("/notifications/read-all", response={200: NotificationsReadOut, **ERRORS})
def read_all_notifications(request: HttpRequest) -> Any:
    return {"marked": notifications.mark_all_read(user=request.user)}
