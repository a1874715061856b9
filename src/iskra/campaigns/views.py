"""The pages of campaigns and events: the list of coming events, an event's page (RSVP on a
phone, one button for a member, a short form for the public), the RSVP's own page (its QR
code for the door, and "I cannot come"), the organiser's check-in page (tick names, add
walk-ins, the QR code's link), the report from the ground, and campaigns."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.campaigns import calendar, ground, services, shifts
from iskra.campaigns.forms import (
    CampaignForm,
    CancelForm,
    EventForm,
    PublicRsvpForm,
    ReportForm,
    ShiftForm,
    WalkInForm,
)
from iskra.campaigns.models import Campaign, Event, Rsvp, Shift
from iskra.campaigns.permissions import (
    can_organise,
    can_see,
    load_campaign,
    load_event,
    load_organised,
)
from iskra.core import ratelimit
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view, form_view, keep_form, kept_form, post_action
from iskra.decisions.models import Action
from iskra.decisions.permissions import can_report
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Unit
from iskra.organisation.permissions import officer_paths

Status = Rsvp.Status


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _visible(user: Any) -> Q:
    if is_active_member(user) or getattr(user, "is_superuser", False):
        return Q()
    return Q(is_public=True)


@require_GET
@login_not_required
@domain_view
def index(request: HttpRequest) -> HttpResponseBase:
    """Events to come (the public sees the public ones), and campaigns."""
    now = timezone.now()
    rows = (
        Event.objects.filter(_visible(request.user), ends_at__gt=now)
        .select_related("unit", "campaign")
        .annotate(going=Count("rsvps", filter=Q(rsvps__status=Status.GOING)))
        .order_by("starts_at", "pk")[:100]
    )
    mine: set[int] = set()
    if request.user.is_authenticated:
        mine = set(
            Rsvp.objects.filter(user=request.user, event__ends_at__gt=now)
            .exclude(status=Status.CANCELLED)
            .values_list("event_id", flat=True)
        )
    campaigns = Campaign.objects.filter(_visible(request.user)).select_related("unit")[:30]
    organises: list[Unit] = []
    if request.user.is_authenticated:
        organises = list(Unit.objects.filter(path__in=officer_paths(request.user))[:20])
        if request.user.is_superuser and not organises:
            organises = list(Unit.objects.filter(parent__isnull=True)[:1])
    return render(
        request,
        "campaigns/index.html",
        {
            "events": list(rows),
            "mine": mine,
            "campaigns": list(campaigns),
            "organises": organises,
        },
    )


@require_GET
@login_not_required
@domain_view
def event(request: HttpRequest, event_id: int) -> HttpResponseBase:
    item = load_event(request.user, event_id)
    user = request.user
    rsvp = None
    if user.is_authenticated:
        rsvp = Rsvp.objects.filter(event=item, user=user).first()
    going = services.going_count(item)
    waiting = item.rsvps.filter(status=Status.WAITING).count()
    place_in_queue = None
    if rsvp is not None and rsvp.status == Status.WAITING:
        place_in_queue = (
            item.rsvps.filter(status=Status.WAITING, queued_at__lt=rsvp.queued_at).count() + 1
        )
    organiser = user.is_authenticated and can_organise(user, item.unit)
    return render(
        request,
        "campaigns/event.html",
        {
            "event": item,
            "rsvp": rsvp,
            "going": going,
            "waiting": waiting,
            "left": None if item.capacity is None else max(0, item.capacity - going),
            "place_in_queue": place_in_queue,
            "is_member": is_active_member(user),
            "organiser": organiser,
            "public_form": kept_form(request, "rsvp", PublicRsvpForm),
            "over": item.ends_at <= timezone.now(),
            "started": item.starts_at <= timezone.now(),
            "report": getattr(item, "report", None),
            "rota": shifts.rota(item) if (is_active_member(user) or organiser) else [],
        },
    )


@require_POST
@domain_view
def rsvp(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_event(user, event_id)
    return post_action(
        request,
        lambda: services.rsvp_member(actor=user, event=item),
        then=redirect("campaigns:event", item.pk),
        success=lambda r: (
            "You are on the list: see you there."
            if r.status == Status.GOING
            else "It is full: you are on the waiting list, and will be told if a place frees up."
        ),
    )


@require_POST
@domain_view
def withdraw(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_event(user, event_id)
    mine = Rsvp.objects.filter(event=item, user=user).first()
    if mine is None:
        raise NotFound("You had not said you were coming.")
    return post_action(
        request,
        lambda: services.withdraw(rsvp=mine, actor=user),
        then=redirect("campaigns:event", item.pk),
        success="Thank you for saying: your place goes to the next person waiting.",
    )


@require_POST
@login_not_required
@domain_view
def rsvp_public(request: HttpRequest, event_id: int) -> HttpResponseBase:
    item = load_event(request.user, event_id)
    if not item.is_public:
        raise NotFound("No such event.")
    back = redirect("campaigns:event", item.pk)
    form = PublicRsvpForm(request.POST)
    if not ratelimit.allow_anonymous(request, "rsvp"):
        return keep_form(request, "rsvp", form, back, ratelimit.TOO_MANY)
    if not form.is_valid():
        return keep_form(request, "rsvp", form, back)
    try:
        services.rsvp_public(event=item, **form.cleaned_data)
    except DomainError as exc:
        return keep_form(request, "rsvp", form, back, exc.message)
    # The same words whether or not the address was already on the list.
    messages.success(
        request, "Thank you. To keep your place, confirm it from the email on its way to you."
    )
    return back


@require_http_methods(["GET", "POST"])
@login_not_required
@domain_view
def rsvp_page(request: HttpRequest, rsvp_token: str) -> HttpResponseBase:
    """The RSVP's own page, from its email: the QR code to show at the door, and "I cannot
    come". The token is the only key (no sign-in needed)."""
    mine = Rsvp.objects.select_related("event__unit").filter(token=rsvp_token[:60]).first()
    if mine is None:
        raise NotFound("This link is not valid (or the event is gone).")
    if request.method == "POST" and request.POST.get("do") == "confirm":
        return post_action(
            request,
            lambda: services.confirm_public(rsvp=mine),
            then=redirect("campaigns:rsvp", mine.token),
            success=lambda r: (
                "Confirmed: your place is kept."
                if r.status == Status.GOING
                else "Confirmed: it is full, so you are on the waiting list."
            ),
        )
    if request.method == "POST":
        return post_action(
            request,
            lambda: services.withdraw(rsvp=mine),
            then=redirect("campaigns:rsvp", mine.token),
            success="Thank you for saying: your place goes to the next person waiting.",
        )
    door = settings.SITE_URL + reverse("campaigns:scanned", args=[mine.event_id, mine.door_code])
    return render(
        request,
        "campaigns/rsvp.html",
        {
            "rsvp": mine,
            "event": mine.event,
            "qr": segno.make(door, error="m").svg_data_uri(scale=6, border=2),
        },
    )


@require_GET
@login_not_required
@domain_view
def ics(request: HttpRequest, event_id: int) -> HttpResponseBase:
    item = load_event(request.user, event_id)
    response = HttpResponse(calendar.event_ics(item), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{item.pk}.ics"'
    return response


# ---- organisers -------------------------------------------------------------------------------


def _actions_for(user: Any, unit: Unit) -> list[Action]:
    ancestors = [p for p in unit.path.split("/") if p]
    paths = ["/" + "/".join(ancestors[: n + 1]) + "/" for n in range(len(ancestors))]
    rows = Action.objects.filter(
        unit_path__in=paths, due_on__gte=timezone.localdate()
    ).select_related("unit", "decision")[:50]
    return [a for a in rows if can_report(user, a)]


@require_http_methods(["GET", "POST"])
@domain_view
def new_event(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_organise(user, unit):
        raise NotFound("No such unit among those you organise for.")
    campaign = None
    if request.GET.get("campaign"):
        campaign = Campaign.objects.filter(slug=request.GET["campaign"]).first()
    actions = _actions_for(user, unit)
    by_id = {str(a.pk): a for a in actions}
    return form_view(
        request,
        EventForm(request.POST or None, actions=actions),
        save=lambda f: services.create_event(
            actor=user,
            unit=unit,
            kind=f.cleaned_data["kind"],
            title=f.cleaned_data["title"],
            place=f.cleaned_data["place"],
            starts_at=f.cleaned_data["starts_at"],
            ends_at=f.cleaned_data["ends_at"],
            description=f.cleaned_data["description"],
            capacity=f.cleaned_data["capacity"],
            is_public=f.cleaned_data["is_public"],
            campaign=campaign,
            action=by_id.get(f.cleaned_data["action"] or ""),
        ),
        done=lambda e: redirect("campaigns:event", e.pk),
        success="The event is on. Share its page: members and the public say they are coming.",
        context={
            "title": f"A new event of {unit.name}" + (f" for {campaign.name}" if campaign else ""),
            "submit": "Put it on",
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def edit_event(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    if item.cancelled_at is not None:
        raise NotFound("This event is called off.")
    initial = {
        "title": item.title,
        "kind": item.kind,
        "place": item.place,
        "starts_at": timezone.localtime(item.starts_at),
        "ends_at": timezone.localtime(item.ends_at),
        "description": item.description,
        "capacity": item.capacity,
        "is_public": item.is_public,
    }
    form = EventForm(request.POST or None, initial=initial, actions=[])
    form.fields.pop("action")
    return form_view(
        request,
        form,
        save=lambda f: services.change_event(actor=user, event=item, **f.cleaned_data),
        done=lambda e: redirect("campaigns:event", e.pk),
        success="Saved. If the time or the place changed, everyone coming has been told.",
        context={"title": f"Change {item.title}", "submit": "Save the changes"},
    )


@require_http_methods(["GET", "POST"])
@domain_view
def cancel(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    return form_view(
        request,
        CancelForm(request.POST or None),
        save=lambda f: services.cancel_event(
            actor=user, event=item, reason=f.cleaned_data["reason"]
        ),
        done=lambda e: redirect("campaigns:event", e.pk),
        success="Called off: everyone coming has been told.",
        context={"title": f"Call off {item.title}", "submit": "Call it off and tell them"},
    )


@require_GET
@domain_view
def door(request: HttpRequest, event_id: int) -> HttpResponseBase:
    """Check-in on a phone: the list (a search narrows it), a button per name, walk-ins."""
    user = _user(request)
    item = load_organised(user, event_id)
    query = request.GET.get("q", "").strip()[:60]
    rows = item.rsvps.exclude(status__in=[Status.CANCELLED, Status.PENDING]).select_related(
        "checked_in_by"
    )
    if query:
        rows = rows.filter(name__icontains=query)
    shown = 300
    people = list(rows.order_by("name", "pk")[: shown + 1])
    return render(
        request,
        "campaigns/door.html",
        {
            "event": item,
            "people": people[:shown],
            "more": len(people) > shown,
            "query": query,
            "checked_in": item.rsvps.filter(checked_in_at__isnull=False).count(),
            "going": services.going_count(item),
            "walk_in_form": kept_form(request, "walk_in", WalkInForm),
        },
    )


@require_POST
@domain_view
def check_in(request: HttpRequest, event_id: int, rsvp_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    person = Rsvp.objects.filter(pk=rsvp_id, event=item).select_related("event__unit").first()
    if person is None:
        raise NotFound("No such name on this event's list.")
    if request.headers.get("HX-Request"):
        try:
            ground.check_in(actor=user, rsvp=person)
        except DomainError as exc:
            return render(
                request,
                "campaigns/_door_row.html",
                {"p": person, "event": item, "error": exc.message},
            )
        person.refresh_from_db()
        return render(request, "campaigns/_door_row.html", {"p": person, "event": item})
    back = redirect("campaigns:door", item.pk)
    return post_action(
        request,
        lambda: ground.check_in(actor=user, rsvp=person),
        then=back,
        success=f"{person.name}: checked in.",
    )


@require_GET
@domain_view
def scanned(request: HttpRequest, event_id: int, door_code: str) -> HttpResponseBase:
    """The QR code's link, opened by the organiser's phone camera: whose it is, and a button."""
    user = _user(request)
    item = load_organised(user, event_id)
    person = (
        Rsvp.objects.filter(door_code=door_code[:60], event=item)
        .select_related("checked_in_by")
        .first()
    )
    if person is None:
        raise NotFound("This code is not for this event.")
    return render(request, "campaigns/scanned.html", {"event": item, "p": person})


@require_POST
@domain_view
def walk_in(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    form = WalkInForm(request.POST)
    back = redirect("campaigns:door", item.pk)
    if not form.is_valid():
        return keep_form(request, "walk_in", form, back)
    try:
        made = ground.add_walk_in(actor=user, event=item, **form.cleaned_data)
    except DomainError as exc:
        return keep_form(request, "walk_in", form, back, exc.message)
    messages.success(request, f"{made.name}: in, as a walk-in.")
    return back


@require_http_methods(["GET", "POST"])
@domain_view
def report(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    earlier = getattr(item, "report", None)
    checked_in = item.rsvps.filter(checked_in_at__isnull=False).count()
    initial = (
        {
            "attendance": earlier.attendance,
            "leaflets": earlier.leaflets,
            "papers_sold": earlier.papers_sold,
            "contacts": earlier.contacts,
            "money": str(earlier.money),
            "account": earlier.account,
        }
        if earlier
        else {"attendance": checked_in}
    )
    return form_view(
        request,
        ReportForm(request.POST or None, initial=initial),
        save=lambda f: ground.report_event(actor=user, event=item, **f.cleaned_data),
        done=lambda r: redirect("campaigns:event", item.pk),
        success="Reported. Thank you."
        + (" It is reported back on the action too." if item.action_id else ""),
        context={
            "title": f"Report on {item.title}",
            "submit": "Correct the report" if earlier else "Send the report",
        },
    )


# ---- campaigns --------------------------------------------------------------------------------


@require_GET
@login_not_required
@domain_view
def campaign(request: HttpRequest, campaign_slug: str) -> HttpResponseBase:
    item = load_campaign(request.user, campaign_slug[:80])
    events = [
        e
        for e in item.events.select_related("unit").order_by("starts_at")
        if can_see(request.user, e)
    ]
    return render(
        request,
        "campaigns/campaign.html",
        {
            "campaign": item,
            "events": events,
            "actions": list(item.actions.select_related("unit"))
            if is_active_member(request.user)
            else [],
            "organiser": request.user.is_authenticated and can_organise(request.user, item.unit),
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def new_campaign(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_organise(user, unit):
        raise NotFound("No such unit among those you organise for.")
    return form_view(
        request,
        CampaignForm(request.POST or None),
        save=lambda f: services.create_campaign(actor=user, unit=unit, **f.cleaned_data),
        done=lambda c: redirect("campaigns:campaign", c.slug),
        success="The campaign is started: put its events on from its page.",
        context={"title": f"A new campaign of {unit.name}", "submit": "Start it"},
    )


# ---- shifts -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@domain_view
def new_shift(request: HttpRequest, event_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_organised(user, event_id)
    initial = {
        "starts_at": timezone.localtime(item.starts_at),
        "ends_at": timezone.localtime(item.ends_at),
    }
    return form_view(
        request,
        ShiftForm(request.POST or None, initial=initial),
        save=lambda f: shifts.add_shift(actor=user, event=item, **f.cleaned_data),
        done=lambda s: redirect(reverse("campaigns:event", args=[item.pk]) + "#rota-h"),
        success=lambda s: f"“{s.title}” is on the event's page for members to sign up.",
        context={"title": f"A role or shift at {item.title}", "submit": "Add it"},
    )


def _shift(user: Any, event_id: int, shift_id: int) -> Shift:
    item = load_event(user, event_id)
    found = Shift.objects.filter(pk=shift_id, event=item).select_related("event__unit").first()
    if found is None:
        raise NotFound("No such shift.")
    return found


@require_POST
@domain_view
def sign_up(request: HttpRequest, event_id: int, shift_id: int) -> HttpResponseBase:
    user = _user(request)
    shift = _shift(user, event_id, shift_id)
    return post_action(
        request,
        lambda: shifts.sign_up(actor=user, shift=shift),
        then=redirect(reverse("campaigns:event", args=[event_id]) + "#rota-h"),
        success=f"You are down for “{shift.title}”.",
    )


@require_POST
@domain_view
def leave_shift(request: HttpRequest, event_id: int, shift_id: int) -> HttpResponseBase:
    user = _user(request)
    shift = _shift(user, event_id, shift_id)
    return post_action(
        request,
        lambda: shifts.leave(actor=user, shift=shift),
        then=redirect(reverse("campaigns:event", args=[event_id]) + "#rota-h"),
        success=f"You are off “{shift.title}”.",
    )
