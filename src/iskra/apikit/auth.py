"""API authentication: a personal access token (Bearer) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from iskra.accounts.middleware import NEEDS_ENROLMENT
from iskra.accounts.services import has_confirmed_totp, two_factor_required, user_for_token
from iskra.core.errors import PermissionDenied


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
