"""Distribution and sales on a phone: the league table, and a branch's page (record a sale at a
pitch, the bundle for this edition, people met who want to hear from us, readers'
subscriptions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view, keep_form, kept_form, post_action
from iskra.members.models import Membership, Status
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of
from iskra.press import sales, selectors
from iskra.press.forms import BundleForm, ContactForm, SaleForm, SubscriptionForm
from iskra.press.models import BundleOrder, Contact, Edition, PaperSubscription, Publication, Sale
from iskra.press.permissions import load_publication
from iskra.press.views import _user


def _unit(user: Any, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not sales.can_sell_for(user, unit):
        raise NotFound("No such branch among yours.")
    return unit


def _sale_form(user: User, unit: Unit, data: Any = None) -> SaleForm:
    officer = is_officer_of(user, unit)
    sellers = (
        User.objects.filter(
            membership__unit__path__startswith=unit.path,
            membership__status__in=[Status.MEMBER, Status.CANDIDATE],
        )
        .exclude(pk=user.pk)
        .order_by("full_name")
        if officer
        else User.objects.none()
    )
    actions = sales.sale_actions(unit)
    from iskra.decisions.models import Action

    return SaleForm(
        data,
        sellers=sellers,
        actions=Action.objects.filter(pk__in=[a.pk for a in actions]).order_by("due_on"),
        initial={"sold_on": timezone.localdate()},
    )


@require_GET
@domain_view
def league(request: HttpRequest, slug: str) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    edition = selectors.current_edition(publication)
    membership = Membership.objects.filter(user=user).select_related("unit").first()
    return render(
        request,
        "press/league.html",
        {
            "publication": publication,
            "edition": edition,
            "by_edition": sales.league(publication, edition) if edition else [],
            "by_month": sales.league(publication, None),
            "currency": _currency(),
            "mine": membership.unit
            if membership and sales.can_sell_for(user, membership.unit)
            else None,
        },
    )


def _currency() -> str:
    from django.conf import settings

    return str(settings.CURRENCY)


def _editions(publication: Publication) -> list[Edition]:
    """The editions a branch sells now: the latest published and the one in preparation."""
    current = selectors.current_edition(publication)
    following = (
        publication.editions.filter(number__gt=current.number if current else 0)
        .order_by("number")
        .first()
    )
    return [e for e in (current, following) if e is not None]


@require_GET
@domain_view
def branch(request: HttpRequest, slug: str, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    unit = _unit(user, unit_id)
    officer = is_officer_of(user, unit)
    editions = _editions(publication)
    bundles = {b.edition_id: b for b in BundleOrder.objects.filter(unit=unit, edition__in=editions)}
    recent = Sale.objects.filter(publication=publication, unit=unit).select_related("seller")
    if not officer:
        recent = recent.filter(seller=user)
    return render(
        request,
        "press/branch.html",
        {
            "publication": publication,
            "unit": unit,
            "officer": officer,
            "sale_form": kept_form(request, "sale", lambda d=None: _sale_form(user, unit, d)),
            "contact_form": kept_form(request, "contact", ContactForm),
            "subscription_form": kept_form(request, "subscription", SubscriptionForm),
            "sales": list(recent[:20]),
            "editions": [
                (
                    e,
                    bundles.get(e.pk),
                    BundleForm(
                        prefix=f"e{e.pk}",
                        initial={
                            "copies_wanted": bundles[e.pk].copies_wanted,
                            "copies_delivered": bundles[e.pk].copies_delivered,
                        }
                        if e.pk in bundles
                        else None,
                    ),
                )
                for e in editions
            ],
            "contacts": list(Contact.objects.filter(unit=unit)[:50]) if officer else [],
            "subscriptions": list(
                PaperSubscription.objects.filter(publication=publication, unit=unit)[:50]
            )
            if officer
            else [],
            "row": next(
                (
                    r
                    for r in sales.league(publication, editions[0] if editions else None)
                    if r.unit.pk == unit.pk
                ),
                None,
            ),
            "currency": _currency(),
        },
    )


def _back(publication: Publication, unit: Unit, anchor: str = "") -> HttpResponseBase:
    return redirect(reverse("press:branch", args=[publication.slug, unit.pk]) + anchor)


@require_POST
@domain_view
def record_sale(request: HttpRequest, slug: str, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    unit = _unit(user, unit_id)
    form = _sale_form(user, unit, request.POST)
    back = _back(publication, unit, "#record")
    if not form.is_valid():
        return keep_form(request, "sale", form, back)
    data = form.cleaned_data
    try:
        sale = sales.record_sale(
            actor=user,
            publication=publication,
            unit=unit,
            seller=data.get("seller") or user,
            pitch=data["pitch"],
            sold_on=data["sold_on"],
            copies=data["copies"],
            money=data["money"],
            fighting_fund=data["fighting_fund"],
            action=data.get("action"),
        )
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return keep_form(request, "sale", form, back, exc.message)
    messages.success(
        request,
        f"Recorded: {sale.copies} sold at {sale.pitch}"
        + (", and reported back on the action." if sale.report_id else "."),
    )
    return back


@require_POST
@domain_view
def add_contact(request: HttpRequest, slug: str, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    unit = _unit(user, unit_id)
    form = ContactForm(request.POST)
    back = _back(publication, unit, "#contacts")
    if not form.is_valid():
        return keep_form(request, "contact", form, back)
    try:
        sales.add_contact(actor=user, unit=unit, **form.cleaned_data)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return keep_form(request, "contact", form, back, exc.message)
    messages.success(request, "Added to the branch's follow-up list.")
    return back


@require_POST
@domain_view
def set_bundle(request: HttpRequest, slug: str, unit_id: int, edition_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    unit = _unit(user, unit_id)
    edition = Edition.objects.filter(pk=edition_id, publication=publication).first()
    if edition is None:
        raise NotFound("No such edition.")
    if not is_officer_of(user, unit):
        raise Denied(f"Only officers of {unit.name} order its bundle.")
    form = BundleForm(request.POST, prefix=f"e{edition.pk}")
    back = _back(publication, unit, "#bundles")
    if not form.is_valid():
        messages.error(request, "Give the copies as whole numbers, 0 or more.")
        return back
    return post_action(
        request,
        lambda: sales.set_bundle(
            actor=user,
            edition=edition,
            unit=unit,
            wanted=form.cleaned_data["copies_wanted"],
            delivered=form.cleaned_data["copies_delivered"],
        ),
        then=back,
        success=f"Bundle for number {edition.number} saved.",
    )


@require_POST
@domain_view
def add_subscription(request: HttpRequest, slug: str, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    unit = _unit(user, unit_id)
    if not is_officer_of(user, unit):
        raise Denied(f"Only officers of {unit.name} record subscriptions.")
    form = SubscriptionForm(request.POST)
    back = _back(publication, unit, "#subscriptions")
    if not form.is_valid():
        return keep_form(request, "subscription", form, back)
    try:
        sales.add_subscription(actor=user, publication=publication, unit=unit, **form.cleaned_data)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        return keep_form(request, "subscription", form, back, exc.message)
    messages.success(request, "Subscription recorded: the reader is reminded before it ends.")
    return back


@require_POST
@domain_view
def contact_step(request: HttpRequest, contact_id: int, step: str) -> HttpResponseBase:
    user = _user(request)
    contact = Contact.objects.select_related("unit").filter(pk=contact_id).first()
    if contact is None or not is_officer_of(user, contact.unit):
        raise NotFound("No such contact.")
    slug = request.POST.get("publication", "")
    publication = Publication.objects.filter(slug=slug).first()
    back = _back(publication, contact.unit, "#contacts") if publication else redirect("press:index")
    if step == "invite":
        return post_action(
            request,
            lambda: sales.invite_contact(actor=user, contact=contact),
            then=back,
            success=f"The join page is on its way to {contact.name}.",
        )
    if step == "done":
        return post_action(
            request,
            lambda: sales.mark_followed_up(actor=user, contact=contact),
            then=back,
            success=f"{contact.name}: followed up.",
        )
    if step == "remove":
        name = contact.name
        return post_action(
            request,
            lambda: sales.remove_contact(actor=user, contact=contact),
            then=back,
            success=f"{name} is off the list.",
        )
    raise NotFound("No such step.")
