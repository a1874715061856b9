"""The Django admin shows domain data read-only.

Every change to the organisation goes through a service that checks the rules and writes the
audit log; the admin would bypass both. So domain models are viewable there (for support and
inspection) but not addable, editable or deletable: changes are made in Iskra's own pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def register_read_only(*models: Any) -> None:
    for model in models:
        admin.site.register(model, ReadOnlyAdmin)
