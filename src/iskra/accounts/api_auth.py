"""Who is asking the API: a personal access token (Bearer) or the browser session, the signed-in
user, and the person a payload names."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from iskra.accounts.middleware import NEEDS_ENROLMENT
from iskra.accounts.models import User
from iskra.accounts.services import has_confirmed_totp, two_factor_required, user_for_token
from iskra.core.errors import NotFound, PermissionDenied


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            # A token made before the organisation required two-factor of this person's seat
            # stops working until they have turned it on (tokens need a second factor to make).
            if two_factor_required(user) and not has_confirmed_totp(user):
                raise PermissionDenied(NEEDS_ENROLMENT)
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods still need Django's CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


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
