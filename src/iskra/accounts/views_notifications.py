"""The notification centre (issue 11, point 11): the person's own notifications, read and
unread, each linking to the thing; mark one or all read. The rows are core's
(``iskra.core.notifications``), written wherever a member is told of something by email."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from iskra.core import notifications
from iskra.core.errors import NotFound
from iskra.core.web import domain_view, post_action

PER_PAGE = 30


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = notifications.for_user(request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/notifications.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": notifications.unread_count(request.user),
        },
    )


@require_GET
@domain_view
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponseBase:
    """Following a notification marks it read and goes to the thing it is about (only ever a
    page of this site: the stored link is a path)."""
    notification = notifications.mark_read(user=request.user, notification_id=notification_id)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
@domain_view
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponseBase:
    return post_action(
        request,
        lambda: notifications.mark_read(user=request.user, notification_id=notification_id),
        then=redirect(_back(request)),
        success="Marked read.",
        propagate=(NotFound,),
    )


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponseBase:
    return post_action(
        request,
        lambda: notifications.mark_all_read(user=request.user),
        then=redirect(_back(request)),
        success=lambda n: (
            f"{n} notification{'' if n == 1 else 's'} marked read." if n else "Nothing was unread."
        ),
    )


def _back(request: HttpRequest) -> str:
    """Back to the list as it was shown (unread only, and the page), never elsewhere."""
    show = request.POST.get("show") == "unread"
    page = request.POST.get("page", "")
    query = "&".join(
        part
        for part in ("show=unread" if show else "", f"page={page}" if page.isdigit() else "")
        if part
    )
    return "/notifications/" + (f"?{query}" if query else "")
