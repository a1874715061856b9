from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from iskra.api.api import api

admin.site.site_header = "Iskra administration"


def _superusers_only(request: HttpRequest) -> bool:
    # The Django admin bypasses the organisation's rules, so only superusers may use it.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]

urlpatterns = [
    path("", include("iskra.core.urls")),
    path("accounts/", include("iskra.accounts.urls")),
    path("", include("iskra.organisation.urls")),
    path("", include("iskra.members.urls")),
    path("", include("iskra.motions.urls")),
    path("", include("iskra.meetings.urls")),
    path("", include("iskra.decisions.urls")),
    path("", include("iskra.ballots.urls")),
    path("audit/", include("iskra.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
