"""The JSON API at /api/v1/: the same services as the pages, errors as ``{"detail": …}``."""

from __future__ import annotations

import logging

from django.core import signals
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from iskra.accounts.api_auth import SessionAuth, TokenAuth
from iskra.apikit.middleware import MESSAGES
from iskra.core.errors import DomainError

api = NinjaAPI(
    title="Iskra API",
    version="1",
    description="The organisation (units, bodies, seats), members, memberships and applications; "
    "motions, amendments, discussion and branch positions; meetings and recorded votes; "
    "decisions, dissent, actions and accountability; secret ballots. "
    "Authenticate with a personal access token: `Authorization: Bearer isk_…`.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: send a valid personal access token."},
        status=401,
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = ".".join(
            str(part) for part in error.get("loc", []) if part not in {"body", "payload"}
        )
        problems.append(
            f"{location}: {error.get('msg', 'invalid')}" if location else str(error.get("msg"))
        )
    return api.create_response(
        request, {"detail": "; ".join(problems) or "Invalid request."}, status=422
    )


@api.exception_handler(ValidationError)
def model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: a request too large (413), a suspicious one (400), Django's own refusal
    (403), or a bug (500).

    A bug is logged with its traceback on ``django.request`` and signalled as Django signals an
    uncaught exception (so the test client still raises it); the client gets JSON, never a page.
    """
    if isinstance(exc, RequestDataTooBig):
        return api.create_response(request, {"detail": MESSAGES[413]}, status=413)
    if isinstance(exc, SuspiciousOperation):
        return api.create_response(request, {"detail": MESSAGES[400]}, status=400)
    if isinstance(exc, MultiPartParserError):
        return api.create_response(
            request,
            {"detail": f"The multipart body cannot be read ({exc}): send it with its boundary."},
            status=400,
        )
    if isinstance(exc, PermissionDenied):
        return api.create_response(request, {"detail": str(exc) or MESSAGES[403]}, status=403)
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    signals.got_request_exception.send(sender=None, request=request)
    return api.create_response(request, {"detail": MESSAGES[500]}, status=500)


from iskra.decisions.api import router as decisions_router  # noqa: E402
from iskra.meetings.api import router as meetings_router  # noqa: E402
from iskra.members.api import router as members_router  # noqa: E402
from iskra.motions.api import router as motions_router  # noqa: E402
from iskra.organisation.api import router as organisation_router  # noqa: E402

api.add_router("/", organisation_router)
api.add_router("/", members_router)
api.add_router("/", motions_router)
api.add_router("/", meetings_router)
api.add_router("/", decisions_router)
api.add_router("/", "iskra.ballots.api.router")
api.add_router("/", "iskra.ballots.api_proxies.router")
api.add_router("/", "iskra.privacy.api.router")
api.add_router("/", "iskra.ballots.sealed_api.router")
api.add_router("/", "iskra.search.api.router")
api.add_router("/", "iskra.accounts.api.router")
api.add_router("/", "iskra.representation.api.router")
api.add_router("/", "iskra.representation.api_requisitions.router")
api.add_router("/", "iskra.representation.api_reserved.router")
api.add_router("/", "iskra.representation.api_elections.router")
api.add_router("/", "iskra.press.api.router")
api.add_router("/", "iskra.press.api_leaflets.router")
api.add_router("/", "iskra.press.api_sales.router")
api.add_router("/", "iskra.newsletter.api.router")
api.add_router("/", "iskra.campaigns.api.router")
