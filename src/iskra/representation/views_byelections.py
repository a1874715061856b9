"""A by-election's page: its nominations (members of the constituency nominate, nominees accept
or withdraw) until they close, then its ballot."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import NotFound
from iskra.core.web import FieldError, domain_view, form_view, post_action
from iskra.representation import byelections
from iskra.representation.forms import NominateForm
from iskra.representation.models import ByElection, Nomination
from iskra.representation.permissions import load_by_election, load_nomination
from iskra.representation.views import _user


@require_http_methods(["GET", "POST"])
@domain_view
def by_election(request: HttpRequest, by_election_id: int) -> HttpResponseBase:
    user = _user(request)
    found = load_by_election(user, by_election_id)
    here = redirect("representation:by_election", by_election_id=found.pk)

    def save(f: NominateForm) -> Nomination:
        nominee: User | None = user
        if not f.cleaned_data["myself"]:
            nominee = User.objects.filter(email__iexact=f.cleaned_data["nominee_email"]).first()
            if nominee is None:
                raise FieldError(
                    "nominee_email",
                    "The person named is not a member in good standing of the constituency.",
                )
        assert nominee is not None
        return byelections.nominate(actor=user, by_election=found, nominee=nominee)

    mine = list(
        found.nominations.filter(withdrawn_at__isnull=True)
        .filter(Q(nominee=user) | Q(nominated_by=user))
        .select_related("nominee", "nominated_by")
    )
    return form_view(
        request,
        NominateForm(request.POST or None),
        save=save,
        done=lambda n: here,
        success=lambda n: (
            "You stand as a candidate."
            if n.nominee_id == user.pk
            else f"{n.nominee} is nominated: they are asked to accept."
        ),
        template="representation/by_election.html",
        context={
            "by_election": found,
            "seat": found.seat,
            "standing": byelections.standing(found),
            "mine": mine,
            "open": found.state == ByElection.State.NOMINATING
            and timezone.localdate() <= found.nominations_close_on,
            "may_nominate": byelections.in_constituency(user, found.seat),
        },
    )


def _nomination_action(request: HttpRequest, nomination_id: int, accept: bool) -> HttpResponseBase:
    user = _user(request)
    nomination = load_nomination(user, nomination_id)
    return post_action(
        request,
        (lambda: byelections.accept_nomination(actor=user, nomination=nomination))
        if accept
        else (lambda: byelections.withdraw_nomination(actor=user, nomination=nomination)),
        then=redirect("representation:by_election", by_election_id=nomination.by_election_id),
        propagate=(NotFound,),
        success="You stand as a candidate." if accept else "The nomination is withdrawn.",
    )


@require_POST
@domain_view
def accept(request: HttpRequest, nomination_id: int) -> HttpResponseBase:
    return _nomination_action(request, nomination_id, accept=True)


@require_POST
@domain_view
def withdraw(request: HttpRequest, nomination_id: int) -> HttpResponseBase:
    return _nomination_action(request, nomination_id, accept=False)
