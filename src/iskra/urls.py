from django.contrib import admin
from django.urls import include, path

from iskra.api.api import api

admin.site.site_header = "Iskra administration"

urlpatterns = [
    path("", include("iskra.core.urls")),
    path("accounts/", include("iskra.accounts.urls")),
    path("", include("iskra.organisation.urls")),
    path("", include("iskra.members.urls")),
    path("audit/", include("iskra.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
