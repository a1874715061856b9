"""Send anyone whose seat requires two-factor sign-in to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/api/", "/join/", "/healthz")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path_info.startswith(ALLOWED_PREFIXES)
            and not request.session.get("2fa_ok")
        ):
            from iskra.accounts.services import has_confirmed_totp, two_factor_required

            if two_factor_required(user) and not has_confirmed_totp(user):
                return redirect("accounts:2fa_setup")
        return self.get_response(request)
