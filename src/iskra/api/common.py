"""What every API router shares: the error responses it documents, the signed-in user, and the
plain look-ups of an object named in a payload (those with a permission rule go through the
app's loaders in ``permissions.py`` instead)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from iskra.accounts.models import User
from iskra.api.schemas import Error
from iskra.core.errors import NotFound
from iskra.organisation.models import Unit

# The error statuses each endpoint documents; all are answered as ``{"detail": …}``.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def request_user(request: HttpRequest) -> User:
    """The authenticated user (the router's auth has already refused anybody else)."""
    assert isinstance(request.user, User)
    return request.user


def unit_or_none(unit_id: int | None) -> Unit | None:
    """The unit a payload names, if it names one; a unit that does not exist is not found."""
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("No such unit.")
    return unit


def person(user_id: int) -> User:
    """The person a payload names (for the service to check what may be done with them)."""
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        raise NotFound("No such person.")
    return found
