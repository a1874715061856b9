"""The pages of recall: a holder's record, starting a petition, the petition (sign, withdraw,
reply), the petitions a person can see."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.ballots.permissions import can_view as can_view_ballot
from iskra.core.errors import DomainError
from iskra.core.web import confirm_action, domain_view, form_view, keep_form, kept_form, post_action
from iskra.representation import selectors, services
from iskra.representation.forms import ReplyForm, StartRecallForm
from iskra.representation.mandates import departures_of
from iskra.representation.models import RecallPetition, ReservedPlace, ReservedPlaceClaim
from iskra.representation.permissions import (
    can_view_petition,
    is_eligible,
    load_holding,
    load_petition,
    visible_petitions,
    why_not_no_confidence,
    why_not_start,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _visible(user: User, petition: RecallPetition | None) -> RecallPetition | None:
    """The petition if this person may see it: to anyone outside the constituency, the holder
    and the officers over the seat, it does not exist."""
    return petition if petition is not None and can_view_petition(user, petition) else None


@domain_view
def holder_record(request: HttpRequest, holding_id: int) -> HttpResponse:
    user = _user(request)
    holding = load_holding(user, holding_id)
    live = _visible(user, services.live_petition(holding))
    why_not = why_not_start(user, holding, live)
    record = selectors.holder_record(holding)
    return render(
        request,
        "representation/record.html",
        {
            "record": record,
            # Those this person may see, in one query (not a check per petition).
            "petitions": record.petitions.filter(pk__in=visible_petitions(user).values("pk")),
            "holding": holding,
            "may_start": not why_not,
            "may_move_no_confidence": not why_not_no_confidence(user, holding=holding),
            "departures": departures_of(holding)[:100],
            "why_not": why_not,
            "live": live,
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def start(request: HttpRequest, holding_id: int) -> HttpResponseBase:
    user = _user(request)
    holding = load_holding(user, holding_id)
    live = _visible(user, services.live_petition(holding))
    if live is not None:
        messages.info(request, "A petition to recall them is already under way: sign it here.")
        return redirect("representation:petition", petition_id=live.pk)
    why_not = why_not_start(user, holding, None)
    if why_not:
        # Not of the constituency, the holder, a term that ended: refused before the form
        # (403, with the rule).
        raise Denied(why_not)
    body = holding.seat.body
    try:
        eligible = services.constituency(holding).count()
    except DomainError:
        eligible = 0
    required = services.required_signatures(eligible, body.recall_threshold_percent)
    rules = [
        f"Members of the constituency today can sign: {eligible}.",
        f"The recall ballot opens by itself at {required} signature{'s' if required != 1 else ''}"
        f" ({body.recall_threshold_percent}% of them)"
        + (f", from at least {body.recall_spread_units} units" if body.recall_spread_units else "")
        + f", within {body.recall_period_days} days.",
        "Starting the petition signs it, and you are named as the one who started it. Who "
        "else signs is not shown to anybody, the holder included.",
    ]
    return form_view(
        request,
        StartRecallForm(request.POST or None),
        save=lambda form: services.start_petition(
            actor=user, holding=holding, reason=form.cleaned_data["reason"]
        ),
        done=lambda petition: redirect("representation:petition", petition_id=petition.pk),
        success="The petition is started, with your signature. The constituency has been told.",
        template="representation/start.html",
        context={
            "title": f"Recall {holding.holder.full_name} as {holding.seat.title}",
            "holding": holding,
            "rules": rules,
            "submit": "Start the petition",
        },
        error_field="reason",
    )


@domain_view
def petition_detail(request: HttpRequest, petition_id: int) -> HttpResponse:
    user = _user(request)
    petition = load_petition(user, petition_id, whole=True)
    gathering = petition.state == RecallPetition.State.OPEN
    return render(
        request,
        "representation/petition.html",
        {
            "petition": petition,
            "holding": petition.holding,
            "progress": selectors.progress(petition),
            "units": services.signed_units(petition) if petition.spread_units else None,
            "eligible": is_eligible(user, petition),
            "signed": services.has_signed(user, petition),
            "gathering": gathering,
            "is_holder": user.pk == petition.holding.holder_id,
            "sees_by_election": petition.by_election is not None
            and can_view_ballot(user, petition.by_election),
            "reply_form": kept_form(
                request, f"recall-{petition.pk}-reply", ReplyForm, initial={"text": petition.reply}
            ),
        },
    )


@require_POST
@domain_view
def sign(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    user = _user(request)
    petition = load_petition(user, petition_id)
    if not is_eligible(user, petition):
        raise Denied("Only members of the seat's constituency when the petition started can sign.")

    def done(p: RecallPetition) -> str:
        if p.state == RecallPetition.State.BALLOT:
            return "You signed. The petition reached its threshold: the recall ballot is open."
        if p.state == RecallPetition.State.MEETING:
            return (
                "You signed. The petition reached its threshold: the recall is put to the next "
                "meeting."
            )
        return f"You signed: {p.signatures} of the {p.required} signatures needed."

    return post_action(
        request,
        lambda: services.sign(actor=user, petition=petition),
        then=redirect("representation:petition", petition_id=petition.pk),
        success=done,
    )


@require_http_methods(["GET", "POST"])
@domain_view
def withdraw(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    user = _user(request)
    petition = load_petition(user, petition_id)
    back = reverse("representation:petition", args=[petition.pk])
    if not services.has_signed(user, petition):
        messages.error(request, "You have not signed this petition.")
        return redirect(back)
    return confirm_action(
        request,
        lambda: services.withdraw(actor=user, petition=petition),
        then=redirect(back),
        cancel=back,
        title="Withdraw your signature?",
        consequences=[
            f"Your signature no longer counts: the petition will have {petition.signatures - 1} "
            f"of the {petition.required} needed.",
            "You can sign again while it gathers signatures.",
        ],
        confirm_label="Yes, withdraw my signature",
        success="Your signature is withdrawn.",
    )


@require_POST
@domain_view
def reply(request: HttpRequest, petition_id: int) -> HttpResponseBase:
    user = _user(request)
    petition = load_petition(user, petition_id)
    if user.pk != petition.holding.holder_id:
        raise Denied("Only the holder of the seat replies to its recall petition.")
    back = redirect("representation:petition", petition_id=petition.pk)
    name = f"recall-{petition.pk}-reply"
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return keep_form(request, name, form, back)
    try:
        services.reply(actor=user, petition=petition, text=form.cleaned_data["text"])
    except DomainError as exc:
        return keep_form(request, name, form, back, exc.message)
    messages.success(request, "Your reply is shown beside the reason.")
    return back


@domain_view
def petitions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = visible_petitions(user).order_by("-started_at")[:200]
    return render(request, "representation/list.html", {"petitions": rows})


def _date(value: str | None) -> dt.date | None:
    """A date typed in the page's form (YYYY-MM-DD); nothing or nonsense is None."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@domain_view
def delegates(request: HttpRequest, body_id: int) -> HttpResponseBase:
    """A conference's or council's delegate entitlement, unit by unit, from the register on a
    date (members see the figures); its officers make the missing delegate seats."""
    from iskra.organisation.permissions import can_manage_structure, load_body
    from iskra.representation.entitlement import (
        check_register_date,
        entitlement,
        make_delegate_seats,
    )

    user = _user(request)
    body = load_body(user, body_id)
    typed = request.GET.get("on") or request.POST.get("on") or ""
    on = _date(typed)
    error = "Enter a date as YYYY-MM-DD." if typed and on is None else ""
    if on is not None:
        try:
            check_register_date(on)
        except DomainError as exc:
            on, error = None, exc.message
    here = reverse("representation:delegates", args=[body.pk])
    if request.method == "POST" and error:
        messages.error(request, error)
        return redirect(here)
    if request.method == "POST":
        if not can_manage_structure(user, body.unit):
            raise Denied(
                f"Only officers of {body.unit.name} make the delegate seats of {body.name}."
            )
        rows = entitlement(body, on=on)
        missing = sum(max(0, r.delegates - r.seats) for r in rows)
        return confirm_action(
            request,
            lambda: make_delegate_seats(actor=user, body=body, on=on),
            then=redirect(here + (f"?on={on.isoformat()}" if on else "")),
            cancel=here,
            title=f"Make the delegate seats of {body.name}?",
            consequences=[
                f"{missing} delegate seat{'s' if missing != 1 else ''} will be added, each "
                "elected by its unit's members and representing it.",
                "Seats beyond a unit's entitlement are listed, not removed: their holders were "
                "elected.",
            ],
            confirm_label="Yes, make the seats",
            carry=["on"],
            success=lambda made: (
                f"{made.created} delegate seats made."
                + (
                    " More seats than entitled: "
                    + ", ".join(f"{name} ({n})" for name, n in made.surplus)
                    + "."
                    if made.surplus
                    else ""
                )
            ),
        )
    rows = entitlement(body, on=on) if body.entitlement_rule else []
    return render(
        request,
        "representation/delegates.html",
        {
            "body": body,
            "rows": rows,
            "on": on or timezone.localdate(),
            "typed": typed,
            "error": error,
            "total_members": sum(r.members for r in rows),
            "total_delegates": sum(r.delegates for r in rows),
            "missing": sum(max(0, r.delegates - r.seats) for r in rows),
            "can_manage": can_manage_structure(user, body.unit),
        },
        status=400 if error else 200,
    )


@domain_view
def representatives(request: HttpRequest) -> HttpResponse:
    """Who speaks for you: the holders of the seats you elect, with their record and a recall
    for each; the bodies you may requisition a special meeting of."""
    user = _user(request)
    found = selectors.representatives(user)
    seen = set(
        visible_petitions(user)
        .filter(pk__in=[p.pk for p in found.live.values()])
        .values_list("pk", flat=True)
    )
    live = {k: p for k, p in found.live.items() if p.pk in seen}
    rows = [(h, live.get(h.pk)) for h in found.holdings]
    # Places reserved among the delegates of the conferences and councils above the member,
    # and whether they have said they count for each.
    places = list(
        ReservedPlace.objects.filter(body__in=found.bodies)
        .select_related("body")
        .order_by("body__name", "label")
    )
    mine = set(
        ReservedPlaceClaim.objects.filter(member=user, place__in=places).values_list(
            "place_id", flat=True
        )
    )
    return render(
        request,
        "representation/representatives.html",
        {
            "rows": rows,
            "bodies": found.bodies,
            "vacant": found.vacant,
            "places": [(p, p.pk in mine) for p in places],
        },
    )
