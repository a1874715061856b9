"""The JSON API at /api/v1/: the same services as the pages, errors as ``{"detail": …}``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from iskra.api.auth import SessionAuth, TokenAuth
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
api.add_router("/", "iskra.ballots.sealed_api.router")
