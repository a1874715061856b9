from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

ORGANISATION_CACHE_KEY = "iskra:organisation-header"


def iskra(request: HttpRequest) -> dict[str, Any]:
    from iskra.organisation.models import Organisation
    from iskra.organisation.permissions import can_manage_settings, is_any_officer

    # The names in the page header change rarely; each process keeps them for a minute rather
    # than asking the database on every page (a voting page is served thousands of times).
    organisation = cache.get(ORGANISATION_CACHE_KEY)
    if organisation is None:
        organisation = Organisation.objects.only("name", "short_name").first()
        if organisation is not None:
            cache.set(ORGANISATION_CACHE_KEY, organisation, 60)
    user = getattr(request, "user", None)
    is_officer = user is not None and is_any_officer(user)
    return {
        "organisation": organisation,
        "is_officer": is_officer,
        # Officer rights are cached per request, so this adds no query for non-officers.
        "can_manage_settings": is_officer and can_manage_settings(user),
    }
