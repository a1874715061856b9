"""Small helpers shared by the apps' views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from iskra.core.errors import NotFound, PermissionDenied

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def domain_view(view: F) -> F:
    """Turn 'not found' and 'not allowed' domain errors into Django's 404 and 403 pages."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper  # type: ignore[return-value]
