"""Small helpers shared by the apps' views.

- ``domain_view``: "not found" and "not allowed" domain errors become Django's 404 and 403.
- ``form_view``: the page with one form that calls one service (GET shows the form; a valid
  POST calls the service, and a domain refusal lands on the form with what was typed).
- ``post_action``: a button on another page that calls one service and goes back to it.
- ``keep_form`` / ``kept_form``: a form posted from another page that fails its checks goes
  back to that page with its own field errors and what was typed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.core.widgets import MarkdownTextarea

F = TypeVar("F", bound=Callable[..., HttpResponseBase])
T = TypeVar("T")
FormT = TypeVar("FormT", bound=forms.BaseForm)


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


class FieldError(DomainError):
    """A refusal about one field of the form (``form_view`` shows it beside that field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def add_domain_error(form: forms.BaseForm, exc: DomainError, field: str | None = None) -> None:
    """Put a service's refusal on the form: on ``field`` (or on the field the error names, as
    ``exc.field``) when the form has it, otherwise above the fields."""
    name = field or getattr(exc, "field", None)
    form.add_error(name if name in form.fields else None, exc.message)


def form_view(
    request: HttpRequest,
    form: FormT,
    *,
    save: Callable[[FormT], T],
    done: Callable[[T], HttpResponseBase],
    context: Mapping[str, Any] | None = None,
    template: str = "core/form_page.html",
    success: str | Callable[[T], str] | None = None,
    error_field: str | None = None,
) -> HttpResponseBase:
    """One page, one form, one service: the skeleton of most of the site's form pages.

    GET (or a POST that fails the form's checks) renders ``template`` with ``form`` and
    ``context``; the form shows its field errors and keeps what was typed. A valid POST calls
    ``save(form)`` (a service call); a ``DomainError`` it raises is put on the form (on
    ``error_field``, or the field the error names, else above the fields) and the page is shown
    again. On success ``success`` (a message, or a function of what ``save`` returned) is shown
    on the next page and ``done(result)`` answers (usually a redirect).

    "Not found" and "not allowed" are domain errors too and also land on the form, as they did
    before this helper: the page itself was allowed, the service refused this change."""
    if wants_preview(request):
        show_previews(form)
    elif request.method == "POST" and form.is_valid():
        try:
            result = save(form)
        except DomainError as exc:
            add_domain_error(form, exc, error_field)
        else:
            if success is not None:
                messages.success(request, success if isinstance(success, str) else success(result))
            return done(result)
    return render(request, template, {**(context or {}), "form": form})


def post_action(
    request: HttpRequest,
    act: Callable[[], T],
    *,
    then: HttpResponseBase,
    success: str | Callable[[T], str] | None = None,
    propagate: tuple[type[DomainError], ...] = (),
) -> HttpResponseBase:
    """A button that calls one service, then goes back (``then``, a redirect).

    A refusal is shown as a message on the page it goes back to, except the kinds of error in
    ``propagate`` (``NotFound``, ``PermissionDenied``), which ``domain_view`` turns into the 404
    or 403 page."""
    refused: tuple[type[DomainError], ...] = (PermissionDenied, *propagate)
    try:
        result = act()
    except refused:
        # Someone without the right is refused with 403, never with a message as if their
        # input were at fault (found from outside: a member's POST to an officer's button).
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if success is not None:
            messages.success(request, success if isinstance(success, str) else success(result))
    return then


# The session key under which a form posted from another page, and refused by its own checks,
# waits for that page: its name, and what was typed (never files).
_KEPT = "iskra_kept_form"

# What is shown at the top of the page a refused form goes back to (its fields say the rest).
CHECK_THE_FORM = "Check the form: what is missing or wrong is marked on it."


def keep_form(
    request: HttpRequest,
    name: str,
    form: forms.BaseForm,
    then: HttpResponseBase,
    message: str = CHECK_THE_FORM,
) -> HttpResponseBase:
    """A form posted from another page failed its own checks: go back there (``then``) with a
    message, and keep what was typed so that the page shows the form again with its field
    errors (``kept_form``). The answer stays a redirect, as for a refusal by the service.

    Also for a service's refusal of a form posted from another page: ``message`` is then the
    refusal, and the page shows the form again with what was typed, so nothing is lost."""
    _keep(request, name, form)
    messages.error(request, message)
    return then


def keep_preview(
    request: HttpRequest, name: str, form: forms.BaseForm, then: HttpResponseBase
) -> HttpResponseBase:
    """A form posted from another page asked for a preview (no JavaScript): go back there with
    what was typed; ``kept_form`` shows it again with its Markdown rendered under it."""
    _keep(request, name, form)
    return then


def _keep(request: HttpRequest, name: str, form: forms.BaseForm) -> None:
    data = form.data
    pairs = (
        list(data.lists()) if isinstance(data, QueryDict) else [(k, [v]) for k, v in data.items()]
    )
    request.session[_KEPT] = {
        "name": name,
        "data": [[key, values] for key, values in pairs if key != "csrfmiddlewaretoken"],
    }


def errors_in_words(form: forms.BaseForm) -> str:
    """A refused form's errors as one sentence per field, for a form written by hand in a
    template (which cannot show them beside its fields)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label or name.replace("_", " ").capitalize()) if field else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def kept_form(
    request: HttpRequest, name: str, form_class: Callable[..., FormT], **kwargs: Any
) -> FormT:
    """The form ``name`` for a page: bound to what was typed when it was refused on its way
    here (``keep_form``), so it shows its errors, or else empty."""
    kept = request.session.get(_KEPT)
    if isinstance(kept, dict) and kept.get("name") == name:
        del request.session[_KEPT]
        data = QueryDict(mutable=True)
        for key, values in kept.get("data", []):
            data.setlist(key, values)
        form = form_class(data, **kwargs)
        if PREVIEW in data:
            show_previews(form)
        else:
            form.is_valid()
        return form
    return form_class(**kwargs)


# A consequential verb (withdraw a motion, close a meeting, open a ballot, sign a report,
# publish, mark completed) asks first. Without JavaScript the asking is a page of its own: GET
# shows what will happen; a POST without ``confirm=yes`` (the verb's button on another page)
# shows the same page instead of acting, carrying what was typed (a reason) along; a POST with
# ``confirm=yes`` acts. The API is not asked: a client confirms by calling.
CONFIRM_FIELD = "confirm"


def is_confirmed(request: HttpRequest) -> bool:
    """Whether this request is the confirmation page's own "yes"."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirm_action(
    request: HttpRequest,
    act: Callable[[], T],
    *,
    then: HttpResponseBase,
    cancel: str,
    title: str,
    consequences: Sequence[str],
    confirm_label: str,
    success: str | Callable[[T], str] | None = None,
    propagate: tuple[type[DomainError], ...] = (),
    attestation: str = "",
    carry: Sequence[str] = (),
    problems: Sequence[str] = (),
) -> HttpResponseBase:
    """A verb that nobody should do by accident: show ``consequences`` (and an ``attestation``
    to sign, if any) on a confirmation page, and act (``post_action``) only on its "yes".

    ``cancel`` is the address to go back to without acting; ``carry`` names the posted fields
    (a reason) that the confirmation page posts again, so what was typed is not lost;
    ``problems`` are what would block the verb now (the page says them and offers no "yes")."""
    if is_confirmed(request):
        return post_action(request, act, then=then, success=success, propagate=propagate)
    carried = [(name, request.POST.get(name, "")) for name in carry if request.POST.get(name)]
    return render(
        request,
        "core/confirm_page.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "attestation": attestation,
            "carried": carried,
            "cancel": cancel,
            "problems": problems,
        },
    )


# Previews of Markdown fields (``iskra.core.widgets.MarkdownTextarea``) without JavaScript: the
# "Preview" button submits the form with ``_preview``; the page shows the form again as typed,
# with the text rendered under each Markdown field, and saves nothing.
PREVIEW = "_preview"


def wants_preview(request: HttpRequest) -> bool:
    return request.method == "POST" and PREVIEW in request.POST


def show_previews(form: forms.BaseForm) -> None:
    """Render the form's Markdown fields under them, and show no errors: it is not a submission."""
    for field in form.fields.values():
        if isinstance(field.widget, MarkdownTextarea):
            field.widget.show_preview = True
    # Django validates a bound form when its errors are first read; a preview is not a submission.
    form._errors = ErrorDict()  # type: ignore[attr-defined]
