"""Reserved places among a conference's or council's delegations: the rules and how each
delegation stands (its officers add and remove rules), and members saying of themselves that
they count for one (from Who speaks for you)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from iskra.core.errors import NotFound
from iskra.core.web import confirm_action, domain_view, form_view, post_action
from iskra.organisation.permissions import can_edit_standing_orders, load_body
from iskra.representation import reserved
from iskra.representation.forms import ReservedPlaceForm
from iskra.representation.models import ReservedPlace
from iskra.representation.views import _user


def _load_place(user: object, place_id: int) -> ReservedPlace:
    """A reserved place, as its body is visible to this person (else not found)."""
    place = ReservedPlace.objects.select_related("body__unit").filter(pk=place_id).first()
    if place is None:
        raise NotFound("No such reserved place.")
    load_body(user, place.body_id)
    return place


@require_http_methods(["GET", "POST"])
@domain_view
def places(request: HttpRequest, body_id: int) -> HttpResponseBase:
    user = _user(request)
    body = load_body(user, body_id)
    can_edit = can_edit_standing_orders(user, body)
    form = ReservedPlaceForm(request.POST or None)
    if request.method == "POST" and not can_edit:
        raise Denied(f"Only officers of {body.unit.name} set the reserved places of {body.name}.")
    here = reverse("representation:reserved", args=[body.pk])
    return form_view(
        request,
        form,
        save=lambda f: reserved.add_reserved_place(
            actor=user,
            body=body,
            label=f.cleaned_data["label"],
            at_least=f.cleaned_data["at_least"],
            from_delegates=f.cleaned_data["from_delegates"],
        ),
        done=lambda place: redirect(here),
        success=lambda place: (
            f"Places reserved for {place.label}: each election of a delegate "
            "is checked against it from now on."
        ),
        template="representation/reserved.html",
        context={
            "body": body,
            "can_edit": can_edit,
            "delegate_body": body.kind in reserved.DELEGATE_BODIES,
            "places": list(ReservedPlace.objects.filter(body=body)),
            "rows": reserved.delegations(body),
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def remove(request: HttpRequest, place_id: int) -> HttpResponseBase:
    user = _user(request)
    place = _load_place(user, place_id)
    if not can_edit_standing_orders(user, place.body):
        raise Denied(
            f"Only officers of {place.body.unit.name} set the reserved places of {place.body.name}."
        )
    back = reverse("representation:reserved", args=[place.body_id])
    return confirm_action(
        request,
        lambda: reserved.remove_reserved_place(actor=user, place=place),
        then=redirect(back),
        cancel=back,
        title=f"Stop reserving places for {place.label}?",
        consequences=[
            "Elections of delegates are no longer checked against it. Delegates elected stay.",
            "Members' statements that they count for it are deleted with it.",
        ],
        confirm_label="Yes, remove it",
        success=f"Places are no longer reserved for {place.label}.",
    )


@require_POST
@domain_view
def claim(request: HttpRequest, place_id: int) -> HttpResponseBase:
    user = _user(request)
    place = _load_place(user, place_id)
    counts = request.POST.get("counts") == "1"
    back = redirect(
        reverse("representation:reserved", args=[place.body_id])
        if request.POST.get("next") == "places"
        else reverse("representation:representatives")
    )
    if request.POST.get("counts") not in ("0", "1"):
        messages.error(request, "Say whether you count for it.")
        return back
    return post_action(
        request,
        lambda: reserved.set_claim(actor=user, place=place, counts=counts),
        then=back,
        propagate=(NotFound,),
        success=f"Recorded: you count for the places reserved for {place.label}."
        if counts
        else f"Recorded: you no longer count for the places reserved for {place.label}.",
    )
