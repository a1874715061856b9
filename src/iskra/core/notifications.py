"""Notifications: one row per person per event, written in bulk; emailed by the worker as
each person prefers (as it happens, a daily digest, or not at all)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from iskra.core.models import Notification


def notify(*, users: list[Any], kind: str, title: str, url: str, emailed: bool = False) -> None:
    """Write a notification for each person (their notification centre). ``emailed``: the
    caller sends its own email about it, so the worker's digest leaves it out."""
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=getattr(u, "pk", u),
                kind=kind,
                title=title[:300],
                url=url,
                created_at=now,
                emailed_at=now if emailed else None,
            )
            for u in users
        ],
        batch_size=2000,
    )


def notify_selected(*, users: QuerySet[Any], kind: str, title: str, url: str) -> int:
    """Notify everyone ``users`` selects (a queryset of one column: user ids): one INSERT …
    SELECT, so telling a constituency of 100 000 is a single statement. Returns how many."""
    sql, params = users.query.sql_with_params()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_notification (user_id, kind, title, url, created_at) "  # noqa: S608
            "SELECT chosen.*, %s, %s, %s, %s FROM (" + sql + ") chosen",
            [kind, title[:300], url, now, *params],
        )
        return int(cursor.rowcount)


def notify_members_under(*, path: str, kind: str, title: str, url: str) -> int:
    """Notify every active member whose branch lies under ``path``: one INSERT … SELECT, so
    circulating to a national organisation of 100 000 members is a single statement."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_notification (user_id, kind, title, url, created_at) "
            "SELECT m.user_id, %s, %s, %s, %s FROM members_membership m "
            "JOIN organisation_unit u ON u.id = m.unit_id "
            "WHERE u.path LIKE %s AND m.status IN ('member', 'candidate')",
            [kind, title[:300], url, now, path + "%"],
        )
        return int(cursor.rowcount)


def send_due_notification_emails(*, limit: int = 500) -> int:
    """Email people their unread, un-emailed notifications, honouring their preference."""
    from iskra.core.email import send_now

    now = timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()[:limit]
    )
    # The user model by its setting: core sits below the accounts app and does not import it.
    user_model = get_user_model()
    users = list(user_model.objects.filter(pk__in=list(pending), is_active=True))
    # Everyone's waiting notifications in one query, rather than one query per person.
    waiting: dict[int, list[Notification]] = {}
    for notification in Notification.objects.filter(
        user__in=users, emailed_at__isnull=True, read_at__isnull=True
    ).order_by("created_at", "pk"):
        waiting.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for user in users:
        items = waiting.get(user.pk)
        if not items:
            continue
        if user.email_preference == user_model.EmailPreference.NONE or not user.consent_email:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            continue
        if user.email_preference == user_model.EmailPreference.DAILY and items[
            0
        ].created_at > now - timedelta(days=1):
            continue
        send_now(
            to=user.email,
            template="core/email/notifications",
            context={"name": user.full_name, "items": items},
        )
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
        sent += 1
    return sent


# --- The notification centre (issue 11, point 11): the person's own rows, read and unread ---------


def for_user(user: Any) -> Any:
    """This person's notifications, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def mark_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of this person's notifications read (reading it also stops its email). Someone
    else's notification is "not found", like a missing one."""
    from iskra.core.errors import NotFound

    notification = Notification.objects.filter(pk=notification_id, user_id=user.pk).first()
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of this person read; returns how many were unread."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
