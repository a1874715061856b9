from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from iskra.api.api import api
from iskra.ballots.urls import motion_pages
from iskra.home.urls import unit_pages
from iskra.motions import urls as motions_urls
from iskra.organisation import urls as organisation_urls
from iskra.press import urls as press_urls

admin.site.site_header = "Iskra administration"


def _superusers_only(request: HttpRequest) -> bool:
    # The Django admin bypasses the organisation's rules, so only superusers may use it.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]

# Django tries these in order until one matches, so the routes busiest under load come first:
# the API (its prefix rules it out of every other request at once) and the ballots, whose
# voting pages take a strike ballot's whole membership in a few hours. No two apps share a
# route, so the order changes nothing else.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("iskra.ballots.urls")),
    path("", include("iskra.home.urls")),
    path("", include("iskra.core.urls")),
    path("accounts/", include("iskra.accounts.urls")),
    path("", include("iskra.accounts.urls_notifications")),
    # The organisation's pages and, in its namespace, the unit page composed in iskra.home.
    path("", include(([*unit_pages, *organisation_urls.urlpatterns], "organisation"))),
    path("", include("iskra.members.urls")),
    # The motions' pages and, in their namespace, putting a motion to a ballot (a ballots page).
    path("", include(([*motion_pages, *motions_urls.urlpatterns], "motions"))),
    path("", include("iskra.meetings.urls")),
    path("", include("iskra.decisions.urls")),
    path("", include("iskra.privacy.urls")),
    path("", include("iskra.representation.urls")),
    path("", include("iskra.search.urls")),
    path("", include("iskra.press.urls")),
    path("", include("iskra.newsletter.urls")),
    path("", include("iskra.campaigns.urls")),
    *press_urls.sitemap_urls,
    path("audit/", include("iskra.organisation.urls_audit")),
    path("admin/", admin.site.urls),
]

# A provider's bounce and complaint webhooks (django-anymail), where one is configured.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("newsletter/anymail/", include("anymail.urls")))

# The site's own error pages (templates 400/403/404/500 in core); under /api/ every error is
# JSON instead (iskra.apikit.middleware).
handler400 = "iskra.core.views.bad_request"
