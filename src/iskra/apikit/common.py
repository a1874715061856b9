"""What every API router shares: the error responses it documents, the signed-in user, and the
plain look-up of a person named in a payload (objects with a permission rule go through the
app's loaders in ``permissions.py`` instead; a unit named in a payload, through
``iskra.organisation.selectors.unit_or_none``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from iskra.accounts.models import User
from iskra.apikit.schemas import Error
from iskra.core.errors import NotFound

# The error statuses each endpoint documents; all are answered as ``{"detail": …}``.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def request_user(request: HttpRequest) -> User:
    """The authenticated user (the router's auth has already refused anybody else)."""
    assert isinstance(request.user, User)
    return request.user


def person(user_id: int) -> User:
    """The person a payload names (for the service to check what may be done with them)."""
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        raise NotFound("No such person.")
    return found
