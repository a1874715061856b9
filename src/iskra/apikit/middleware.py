"""Every answer under /api/ that is an error is JSON ``{"detail": …}``.

The API's own handlers (``iskra.api.api``) answer what its views raise. Some errors are answered
before or around ninja: an unknown path (404), a method an endpoint does not have (405, from
ninja as plain text), a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413, from Django's
``handler400``), a CSRF refusal (403) or an error in a middleware (500). This middleware turns
those into the same JSON a client gets everywhere else, keeping the status and headers such as
``Allow``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"

MESSAGES = {
    400: "Bad request.",
    403: "Not allowed.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The request is too large.",
    500: "Something went wrong on the server. The error has been logged; nothing was half-saved.",
}


def json_error(status: int, detail: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"detail": detail or MESSAGES.get(status) or HttpResponse(status=status).reason_phrase},
        status=status,
    )


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        answer = json_error(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer
