"""The pages that move a motion of no confidence: in a holder (from their record) or in a
committee (from its page). The motion then follows the cycle as any other."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from iskra.core.web import domain_view, form_view
from iskra.motions.models import Motion
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import load_body
from iskra.representation import no_confidence
from iskra.representation.forms import NoConfidenceForm
from iskra.representation.permissions import load_holding, why_not_no_confidence
from iskra.representation.views import _user


def _page(
    request: HttpRequest,
    *,
    holding: SeatHolding | None = None,
    committee: Body | None = None,
    named: str,
) -> HttpResponseBase:
    user = _user(request)
    why_not = why_not_no_confidence(user, holding=holding, committee=committee)
    if why_not:
        raise Denied(why_not)
    if holding is not None:
        seat = holding.seat
    else:
        first = SeatHolding.objects.current().filter(seat__body=committee).select_related("seat")
        seat = first.first().seat  # type: ignore[union-attr]
    body = no_confidence.deciding_body(seat)
    rules = [
        f"The motion goes to {body.name}, which elects them, and follows its standing orders: "
        + (
            f"{body.supporters_required} supporter{'s' if body.supporters_required != 1 else ''}"
            " before it is submitted, "
            if body.members_may_propose and body.supporters_required
            else ""
        )
        + "admission by its officers, discussion, then a vote at a meeting or by ballot.",
        f"If it carries, {named}'s term{'s end' if committee else ' ends'} and a by-election is "
        "drafted for each seat. If it falls, nothing changes.",
        "You are named as its mover. It starts as your draft: submit it from the motion's page.",
    ]

    def done(motion: Motion) -> HttpResponseBase:
        return redirect("motions:detail", motion_id=motion.pk)

    return form_view(
        request,
        NoConfidenceForm(request.POST or None),
        save=lambda form: no_confidence.move(
            actor=user, holding=holding, committee=committee, reason=form.cleaned_data["reason"]
        ),
        done=done,
        success="The motion of no confidence is drafted: read it, then submit it.",
        template="representation/start.html",
        context={
            "title": f"Move no confidence in {named}",
            "holding": holding,
            "body": committee,
            "rules": rules,
            "submit": "Draft the motion",
        },
        error_field="reason",
    )


@require_http_methods(["GET", "POST"])
@domain_view
def in_holder(request: HttpRequest, holding_id: int) -> HttpResponseBase:
    holding = load_holding(_user(request), holding_id)
    return _page(
        request,
        holding=holding,
        named=f"{holding.holder.full_name} as {holding.seat.title}",
    )


@require_http_methods(["GET", "POST"])
@domain_view
def in_committee(request: HttpRequest, body_id: int) -> HttpResponseBase:
    committee = load_body(_user(request), body_id)
    no_confidence.check_committee(committee)  # refused before the form, as the service does
    return _page(request, committee=committee, named=committee.name)
