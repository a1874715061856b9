from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def iskra(request: HttpRequest) -> dict[str, Any]:
    from iskra.organisation.models import Organisation
    from iskra.organisation.permissions import is_any_officer

    organisation = Organisation.objects.only("name", "short_name").first()
    user = getattr(request, "user", None)
    return {"organisation": organisation, "is_officer": user is not None and is_any_officer(user)}
