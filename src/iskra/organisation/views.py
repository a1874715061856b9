from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from iskra.core.web import FieldError, domain_view, form_view, keep_form, kept_form, post_action
from iskra.organisation import selectors, services
from iskra.organisation.forms import (
    AppointForm,
    BodyForm,
    EndHoldingForm,
    MoveUnitForm,
    SeatForm,
    SettingsForm,
    StandingOrdersForm,
    UnitForm,
    UnitKindForm,
)
from iskra.organisation.models import Body, Organisation, SeatHolding, UnitKind
from iskra.organisation.permissions import (
    can_edit_standing_orders,
    can_manage_settings,
    can_manage_structure,
    is_officer_of,
    load_body,
    load_holding,
    load_seat,
    load_unit,
    require,
    runs_meetings_of,
)


@domain_view
def unit_add_child(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    parent = load_unit(request.user, unit_id)
    require(can_manage_structure(request.user, parent))
    return form_view(
        request,
        UnitForm(request.POST or None),
        save=lambda form: services.create_unit(
            actor=request.user, parent=parent, **form.cleaned_data
        ),
        done=lambda child: redirect("organisation:unit", unit_id=child.pk),
        success=lambda child: f"{child.name} added.",
        context={"title": f"Add a unit to {parent.name}", "submit": "Add unit"},
    )


@domain_view
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    unit = load_unit(request.user, unit_id)
    require(can_manage_structure(request.user, unit))
    return form_view(
        request,
        MoveUnitForm(request.POST or None),
        save=lambda form: services.move_unit(actor=request.user, unit=unit, **form.cleaned_data),
        done=lambda _: redirect("organisation:unit", unit_id=unit.pk),
        success=f"{unit.name} moved.",
        context={"title": f"Move {unit.name}", "submit": "Move"},
    )


@domain_view
def body_add(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    unit = load_unit(request.user, unit_id)
    require(can_manage_structure(request.user, unit))
    return form_view(
        request,
        BodyForm(request.POST or None),
        save=lambda form: services.create_body(actor=request.user, unit=unit, **form.cleaned_data),
        done=lambda body: redirect("organisation:body", body_id=body.pk),
        context={"title": f"Add a body to {unit.name}", "submit": "Add body"},
    )


@domain_view
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    body = load_body(request.user, body_id)
    context = {
        "body": body,
        "can_manage": can_manage_structure(request.user, body.unit),
        "runs_meetings": runs_meetings_of(request.user, body),
        "can_edit_standing_orders": can_edit_standing_orders(request.user, body),
        "seat_form": SeatForm(),
        "has_holders": SeatHolding.objects.current().filter(seat__body=body).exists(),
        **selectors.body_detail(body),
    }
    # The units whose delegates this person, as their officer, records the election of.
    context["delegations_i_send"] = {
        seat.represents_unit_id
        for seat in context["seats"]
        if seat.represents_unit_id and is_officer_of(request.user, seat.represents_unit)
    }
    return render(request, "organisation/body_detail.html", context)


@domain_view
def standing_orders(request: HttpRequest, body_id: int) -> HttpResponseBase:
    body = load_body(request.user, body_id)
    require(
        can_edit_standing_orders(request.user, body),
        f"Only officers of {body.unit.name} can change the standing orders of {body.name}.",
    )
    form = StandingOrdersForm(request.POST or None, instance=Body.objects.get(pk=body.pk))
    return form_view(
        request,
        form,
        save=lambda form: services.update_standing_orders(
            actor=request.user,
            body=body,
            changes={f: form.cleaned_data[f] for f in form.changed_data},
        ),
        done=lambda _: redirect("organisation:body", body_id=body.pk),
        success="Standing orders saved." if form.has_changed() else "Nothing was changed.",
        template="organisation/standing_orders.html",
        context={"body": body, "title": f"Standing orders of {body.name}"},
    )


@domain_view
def seat_add(request: HttpRequest, body_id: int) -> HttpResponseBase:
    body = load_body(request.user, body_id)
    require(can_manage_structure(request.user, body.unit))
    return form_view(
        request,
        SeatForm(request.POST or None),
        save=lambda form: services.create_seat(actor=request.user, body=body, **form.cleaned_data),
        done=lambda _: redirect("organisation:body", body_id=body.pk),
        context={"title": f"Add a seat to {body.name}", "submit": "Add seat"},
    )


@domain_view
def seat_appoint(request: HttpRequest, seat_id: int) -> HttpResponseBase:
    seat = load_seat(request.user, seat_id)
    require(can_manage_structure(request.user, seat.body.unit))

    def save(form: AppointForm) -> Any:
        # Holders are people of the accounts app, which stands on organisation: the user model
        # is reached through its setting, not imported.
        holder = (
            get_user_model().objects.filter(email__iexact=form.cleaned_data["holder_email"]).first()
        )
        if holder is None:
            raise FieldError("holder_email", "Nobody with this email address is a member.")
        services.appoint_to_seat(
            actor=request.user, seat=seat, holder=holder, started_on=form.cleaned_data["started_on"]
        )
        return holder

    return form_view(
        request,
        AppointForm(request.POST or None),
        save=save,
        done=lambda _: redirect("organisation:body", body_id=seat.body_id),
        success=lambda holder: f"{holder} now holds {seat.title}.",
        context={"title": f"Record who holds {seat.title}", "submit": "Save"},
    )


@domain_view
def holding_end(request: HttpRequest, holding_id: int) -> HttpResponseBase:
    holding = load_holding(request.user, holding_id)
    return form_view(
        request,
        EndHoldingForm(request.POST or None),
        save=lambda form: services.end_holding(
            actor=request.user, holding=holding, reason=form.cleaned_data["reason"]
        ),
        done=lambda _: redirect("organisation:body", body_id=holding.seat.body_id),
        context={
            "title": f"End {holding.holder}'s term as {holding.seat.title}",
            "submit": "End term",
        },
    )


@domain_view
def settings_page(request: HttpRequest) -> HttpResponseBase:
    require(
        can_manage_settings(request.user),
        "Only national officers can change the organisation's settings.",
    )
    organisation = Organisation.current()
    kind_form = kept_form(request, "unit-kind", UnitKindForm, prefix="kind")
    return form_view(
        request,
        SettingsForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)),
        save=lambda form: services.update_settings(
            actor=request.user, changes={f: form.cleaned_data[f] for f in form.changed_data}
        ),
        done=lambda _: redirect("organisation:settings"),
        success="Settings saved.",
        template="organisation/settings.html",
        context={"kind_form": kind_form, "kinds": UnitKind.objects.all()},
    )


@domain_view
def unit_kind_add(request: HttpRequest) -> HttpResponseBase:
    require(can_manage_settings(request.user))
    back = redirect("organisation:settings")
    if request.method != "POST":
        return back
    form = UnitKindForm(request.POST, prefix="kind")
    if not form.is_valid():
        return keep_form(request, "unit-kind", form, back)
    return post_action(
        request,
        lambda: services.save_unit_kind(actor=request.user, **form.cleaned_data),
        then=back,
        success="Unit kind added.",
    )
