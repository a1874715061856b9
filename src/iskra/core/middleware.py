"""Deny-by-default sign-in and security headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse

# worker-src: the sealed pages' module Web Workers (static/sealed/worker.js), same origin only.
CSP = (
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


class IskraLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in person unless its view opts out with ``login_not_required``.

    The API under /api/ authenticates each request itself (tokens or session) and answers 401 in
    JSON, so it is left to its own deny-by-default authentication.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if request.path_info.startswith("/api/"):
            return None
        result = super().process_view(request, view_func, view_args, view_kwargs)
        return result if isinstance(result, HttpResponse) else None


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info == "/api/v1/docs":
            # The interactive API docs (Swagger UI, served from our own static files) start
            # with an inline script; allow that on this one developer page only.
            response.headers.setdefault(
                "Content-Security-Policy",
                CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
                    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
                ),
            )
        elif not request.path_info.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


# What the site's pages answer: reading (GET, HEAD), forms (POST) and OPTIONS. The API under
# /api/ answers its own methods (405 with ``Allow`` in JSON, iskra.apikit.middleware).
PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class PageMethodsMiddleware:
    """Pages answer only the methods a browser uses: any other (PUT, PATCH, DELETE, TRACE,
    PROPFIND, …) is 405 with ``Allow``, before a view could treat it as a GET; OPTIONS is
    answered here with ``Allow`` and no body, without running a view.

    Found from outside: function views answered PROPFIND, TRACE, PUT, DELETE and PATCH with
    their page (200), as if they were GETs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        method = (request.method or "").upper()
        if method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(PAGE_METHODS)
            response["Content-Length"] = "0"
            return response
        if method not in PAGE_METHODS:
            response = HttpResponse(
                "This address answers only GET, HEAD and POST.\n",
                status=405,
                content_type="text/plain; charset=utf-8",
            )
            response["Allow"] = ", ".join(PAGE_METHODS)
            return response
        return self.get_response(request)
