from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from iskra.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the log is append-only even for administrators."""

    list_display = ["seq", "at", "who", "action", "object_type", "object_id"]
    search_fields = ["action"]
    exclude = ["actor_label"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return super().get_queryset(request).prefetch_related("personal")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
