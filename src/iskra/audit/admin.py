from django.contrib import admin
from django.http import HttpRequest

from iskra.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the log is append-only even for administrators."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    search_fields = ["action", "actor_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
