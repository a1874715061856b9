"""The two-factor policy, on every request of a signed-in session (pages and API alike).

- Someone with two-factor on whose session has not passed the second factor (opened before
  they turned it on in another browser) must enter a code before anything else.
- Someone the organisation requires to use two-factor (an officer, an administrator) who has
  not set it up reaches only the set-up page and sign-out. The check runs on every request,
  so it applies to sessions opened before the policy was turned on or before an appointment.

The API answers 403 ``{"detail": …}`` instead of redirecting. Requests with a personal access
token are checked in ``iskra.accounts.api_auth``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

# Reachable whatever the state of the second factor.
ALWAYS_ALLOWED = ("/static/", "/healthz", "/accounts/logout/", "/accounts/login/")
ENROLMENT = "/accounts/two-factor/"

NEEDS_CODE = (
    "This session has not passed two-factor sign-in: enter a code from your authenticator app "
    "at /accounts/login/code/ first."
)
NEEDS_ENROLMENT = (
    "Your seat requires two-factor sign-in: turn it on at /accounts/two-factor/ before using "
    "Iskra or its API."
)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        path = request.path_info
        if user is None or not user.is_authenticated or path.startswith(ALWAYS_ALLOWED):
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        from iskra.accounts.services import has_confirmed_totp, two_factor_required

        api = path.startswith("/api/")
        if has_confirmed_totp(user):
            if api:
                return JsonResponse({"detail": NEEDS_CODE}, status=403)
            return redirect("accounts:2fa_verify")
        if path == ENROLMENT or not two_factor_required(user):
            return None
        if api:
            return JsonResponse({"detail": NEEDS_ENROLMENT}, status=403)
        return redirect("accounts:2fa_setup")


SEEN = "_iskra_seen"


class IdleTimeoutMiddleware:
    """Sign a session out after ``ISKRA_SESSION_IDLE_MINUTES`` without a request (sliding).

    The time of the last request is kept in the session, rewritten at most once a minute (not
    on every request, to spare the session store); the cookie's own age is the upper bound.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN)
            if isinstance(seen, int) and now - seen > settings.ISKRA_SESSION_IDLE_MINUTES * 60:
                logout(request)
                request.session["idle_signed_out"] = True
            elif not isinstance(seen, int) or now - seen >= 60:
                request.session[SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on the whole API and on every page shown to a signed-in
    person (member records, exports, the page showing a new token): nothing personal is kept
    by the browser's or a proxy's cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True)
        return response
