from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def iskra(request: HttpRequest) -> dict[str, Any]:
    from iskra.organisation.models import Organisation
    from iskra.organisation.permissions import can_manage_settings, is_any_officer

    organisation = Organisation.objects.only("name", "short_name").first()
    user = getattr(request, "user", None)
    is_officer = user is not None and is_any_officer(user)
    return {
        "organisation": organisation,
        "is_officer": is_officer,
        # Officer rights are cached per request, so this adds no query for non-officers.
        "can_manage_settings": is_officer and can_manage_settings(user),
    }
