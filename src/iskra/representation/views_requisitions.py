"""The pages of requisitions: requisitioning a special meeting of a body, the requisition
(sign, withdraw, and for the officers: call the meeting), the requisitions a person can see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from iskra.core.errors import DomainError, NotFound
from iskra.core.web import (
    confirm_action,
    domain_view,
    form_view,
    keep_form,
    kept_form,
    post_action,
)
from iskra.organisation.permissions import load_body, runs_meetings_of
from iskra.representation import requisitions as services
from iskra.representation.forms import (
    CallRequisitionedMeetingForm,
    StartRequisitionForm,
    UnitSupportForm,
)
from iskra.representation.models import Requisition
from iskra.representation.permissions import (
    load_requisition,
    may_sign_requisition,
    visible_requisitions,
    why_not_requisition,
)
from iskra.representation.views import _user


@require_http_methods(["GET", "POST"])
@domain_view
def start(request: HttpRequest, body_id: int) -> HttpResponseBase:
    user = _user(request)
    body = load_body(user, body_id)
    why_not = why_not_requisition(user, body)
    if why_not:
        raise Denied(why_not)
    eligible = services.members_under(body).count()
    from iskra.representation.services import required_signatures

    required = required_signatures(eligible, body.requisition_threshold_percent)
    rules = [
        f"Members of {body.unit.name} today can sign: {eligible}.",
        f"It is valid at {required} signature{'s' if required != 1 else ''} "
        f"({body.requisition_threshold_percent}% of them)"
        + (
            f", from at least {body.requisition_spread_units} units"
            if body.requisition_spread_units
            else ""
        )
        + f", within {body.requisition_period_days} days.",
        f"Then the officers must call the meeting within {body.requisition_call_days} days, for "
        f"a date within {max(body.requisition_hold_days, body.requisition_call_days)} days. If "
        "they do not, Iskra convenes it in the requisitioners' name, with your agenda.",
        "Starting the requisition signs it, and you are named as the one who started it. Who "
        "else signs is not shown to anybody.",
    ]
    return form_view(
        request,
        StartRequisitionForm(request.POST or None),
        save=lambda form: services.start_requisition(
            actor=user,
            body=body,
            agenda=form.cleaned_data["agenda"],
            reason=form.cleaned_data["reason"],
            place=form.cleaned_data["place"],
        ),
        done=lambda r: redirect("representation:requisition", requisition_id=r.pk),
        success="The requisition is started, with your signature. The members have been told.",
        template="representation/start.html",
        context={
            "title": f"Requisition a special meeting of {body.name}",
            "body": body,
            "rules": rules,
            "submit": "Start the requisition",
        },
    )


@domain_view
def detail(request: HttpRequest, requisition_id: int) -> HttpResponse:
    user = _user(request)
    requisition = load_requisition(user, requisition_id)
    share = (
        min(100, round(100 * requisition.signatures / requisition.required))
        if requisition.required
        else 0
    )
    can_call = requisition.state == Requisition.State.VALID and runs_meetings_of(
        user, requisition.body
    )
    # The units this person, as their officer, can record as supporting it.
    my_units = services.supporting_units(user, requisition)
    return render(
        request,
        "representation/requisition.html",
        {
            "requisition": requisition,
            "body": requisition.body,
            "percent": share,
            "units": services.signed_units(requisition) if requisition.spread_units else None,
            "eligible": may_sign_requisition(user, requisition),
            "signed": services.has_signed(user, requisition),
            "gathering": requisition.state == Requisition.State.OPEN,
            "can_call": can_call,
            "latest": services.latest_date(requisition) if requisition.hold_by else None,
            "supports": list(requisition.unit_supports.select_related("unit")),
            "support_form": kept_form(
                request,
                f"requisition-{requisition.pk}-units",
                UnitSupportForm,
                units=[(u.pk, u.name) for u in my_units],
            )
            if my_units
            else None,
            "call_form": kept_form(
                request,
                f"requisition-{requisition.pk}-call",
                CallRequisitionedMeetingForm,
                initial={"location": requisition.place},
            )
            if can_call
            else None,
        },
    )


@require_POST
@domain_view
def sign(request: HttpRequest, requisition_id: int) -> HttpResponseBase:
    user = _user(request)
    requisition = load_requisition(user, requisition_id)
    if not may_sign_requisition(user, requisition):
        raise Denied("Only members of the body's unit when the requisition started can sign it.")

    def done(r: Requisition) -> str:
        if r.state == Requisition.State.VALID:
            return (
                "You signed. The requisition is valid: the officers must call the meeting by "
                f"{r.call_by:%-d %B}."
            )
        return f"You signed: {r.signatures} of the {r.required} signatures needed."

    return post_action(
        request,
        lambda: services.sign(actor=user, requisition=requisition),
        then=redirect("representation:requisition", requisition_id=requisition.pk),
        success=done,
    )


@require_http_methods(["GET", "POST"])
@domain_view
def withdraw(request: HttpRequest, requisition_id: int) -> HttpResponseBase:
    user = _user(request)
    requisition = load_requisition(user, requisition_id)
    back = reverse("representation:requisition", args=[requisition.pk])
    if not services.has_signed(user, requisition):
        messages.error(request, "You have not signed this requisition.")
        return redirect(back)
    return confirm_action(
        request,
        lambda: services.withdraw(actor=user, requisition=requisition),
        then=redirect(back),
        cancel=back,
        title="Withdraw your signature?",
        consequences=[
            f"Your signature no longer counts: the requisition will have "
            f"{requisition.signatures - 1} of the {requisition.required} needed.",
            "You can sign again while it gathers signatures.",
        ],
        confirm_label="Yes, withdraw my signature",
        success="Your signature is withdrawn.",
    )


@require_POST
@domain_view
def call(request: HttpRequest, requisition_id: int) -> HttpResponseBase:
    user = _user(request)
    requisition = load_requisition(user, requisition_id)
    if not runs_meetings_of(user, requisition.body):
        raise Denied(f"Only the secretary, chair or officers of {requisition.body.name} call it.")
    back = redirect("representation:requisition", requisition_id=requisition.pk)
    name = f"requisition-{requisition.pk}-call"
    form = CallRequisitionedMeetingForm(request.POST)
    if not form.is_valid():
        return keep_form(request, name, form, back)
    try:
        meeting = services.call_meeting(
            actor=user,
            requisition=requisition,
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
        )
    except DomainError as exc:
        return keep_form(request, name, form, back, exc.message)
    messages.success(request, "The meeting is called with the requisitioners' agenda.")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@domain_view
def requisitions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = visible_requisitions(user).order_by("-started_at")[:200]
    return render(request, "representation/requisitions.html", {"requisitions": rows})


@require_POST
@domain_view
def support(request: HttpRequest, requisition_id: int) -> HttpResponseBase:
    """An officer records that their unit supports the requisition by its own decision."""
    from iskra.organisation.models import Unit

    user = _user(request)
    requisition = load_requisition(user, requisition_id)
    units = services.supporting_units(user, requisition)
    form = UnitSupportForm(request.POST, units=[(u.pk, u.name) for u in units])
    back = redirect("representation:requisition", requisition_id=requisition.pk)
    name = f"requisition-{requisition.pk}-units"
    if not form.is_valid():
        return keep_form(request, name, form, back)
    unit = Unit.objects.get(pk=form.cleaned_data["unit"])
    try:
        services.support_as_unit(
            actor=user,
            requisition=requisition,
            unit=unit,
            authority=form.cleaned_data["authority"],
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return keep_form(request, name, form, back, exc.message)
    requisition.refresh_from_db()
    messages.success(
        request,
        f"{unit.name} supports the requisition."
        + (
            " It is valid now: the officers must call the meeting."
            if requisition.state == Requisition.State.VALID
            else ""
        ),
    )
    return back
