from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view
from iskra.organisation import selectors, services
from iskra.organisation.forms import (
    AppointForm,
    BodyForm,
    EndHoldingForm,
    MoveUnitForm,
    SeatForm,
    SettingsForm,
    UnitForm,
    UnitKindForm,
)
from iskra.organisation.models import Organisation, Seat, SeatHolding, UnitKind
from iskra.organisation.permissions import (
    can_manage_settings,
    can_manage_structure,
    load_body,
    load_unit,
    require,
)


@domain_view
def unit_add_child(request: HttpRequest, unit_id: int) -> HttpResponse:
    parent = load_unit(request.user, unit_id)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_unit(actor=request.user, parent=parent, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{child.name} added.")
            return redirect("organisation:unit", unit_id=child.pk)
    require(can_manage_structure(request.user, parent))
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Add a unit to {parent.name}", "submit": "Add unit"},
    )


@domain_view
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = load_unit(request.user, unit_id)
    require(can_manage_structure(request.user, unit))
    form = MoveUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_unit(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{unit.name} moved.")
            return redirect("organisation:unit", unit_id=unit.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Move {unit.name}", "submit": "Move"},
    )


@domain_view
def body_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = load_unit(request.user, unit_id)
    require(can_manage_structure(request.user, unit))
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.create_body(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("organisation:body", body_id=body.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Add a body to {unit.name}", "submit": "Add body"},
    )


@domain_view
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    body = load_body(request.user, body_id)
    context = {
        "body": body,
        "can_manage": can_manage_structure(request.user, body.unit),
        "seat_form": SeatForm(),
        **selectors.body_detail(body),
    }
    return render(request, "organisation/body_detail.html", context)


@domain_view
def seat_add(request: HttpRequest, body_id: int) -> HttpResponse:
    body = load_body(request.user, body_id)
    require(can_manage_structure(request.user, body.unit))
    form = SeatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_seat(actor=request.user, body=body, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("organisation:body", body_id=body.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Add a seat to {body.name}", "submit": "Add seat"},
    )


@domain_view
def seat_appoint(request: HttpRequest, seat_id: int) -> HttpResponse:
    seat = Seat.objects.select_related("body__unit").filter(pk=seat_id).first()
    if seat is None:
        raise NotFound("No such seat.")
    load_body(request.user, seat.body_id)
    require(can_manage_structure(request.user, seat.body.unit))
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Holders are people of the accounts app, which stands on organisation: the user model
        # is reached through its setting, not imported.
        holder = (
            get_user_model().objects.filter(email__iexact=form.cleaned_data["holder_email"]).first()
        )
        if holder is None:
            form.add_error("holder_email", "Nobody with this email address is a member.")
        else:
            try:
                services.appoint_to_seat(
                    actor=request.user,
                    seat=seat,
                    holder=holder,
                    started_on=form.cleaned_data["started_on"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{holder} now holds {seat.title}.")
                return redirect("organisation:body", body_id=seat.body_id)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Record who holds {seat.title}", "submit": "Save"},
    )


@domain_view
def holding_end(request: HttpRequest, holding_id: int) -> HttpResponse:
    holding = (
        SeatHolding.objects.select_related("seat__body__unit", "holder")
        .filter(pk=holding_id)
        .first()
    )
    if holding is None:
        raise NotFound("No such term.")
    require(can_manage_structure(request.user, holding.seat.body.unit))
    form = EndHoldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_holding(
                actor=request.user, holding=holding, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("organisation:body", body_id=holding.seat.body_id)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"End {holding.holder}'s term as {holding.seat.title}",
            "submit": "End term",
        },
    )


@domain_view
def settings_page(request: HttpRequest) -> HttpResponse:
    require(
        can_manage_settings(request.user),
        "Only national officers can change the organisation's settings.",
    )
    organisation = Organisation.current()
    form = SettingsForm(request.POST or None, instance=Organisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                actor=request.user, changes={f: form.cleaned_data[f] for f in form.changed_data}
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Settings saved.")
            return redirect("organisation:settings")
    kind_form = (
        UnitKindForm(request.POST or None, prefix="kind")
        if request.method == "POST" and "kind-name" in request.POST
        else UnitKindForm(prefix="kind")
    )
    return render(
        request,
        "organisation/settings.html",
        {"form": form, "kind_form": kind_form, "kinds": UnitKind.objects.all()},
    )


@domain_view
def unit_kind_add(request: HttpRequest) -> HttpResponse:
    require(can_manage_settings(request.user))
    form = UnitKindForm(request.POST or None, prefix="kind")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_unit_kind(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Unit kind added.")
    elif request.method == "POST":
        messages.error(request, "Check the unit kind's name and level.")
    return redirect("organisation:settings")
