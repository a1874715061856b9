"""In-app notifications: the rows behind "what needs me" and the email digests."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    # No index of its own: the (user, read_at) index serves every lookup by user, and one index
    # fewer matters when circulating a motion writes a row for every member.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
            models.Index(fields=["emailed_at"], name="notification_unemailed_idx"),
        ]

    def __str__(self) -> str:
        return self.title
