"""Proxies in a ballot that allows them: naming one (its own page, with the rules), taking it
back, the proxy declining it. Voting as a proxy is ``views_voting.vote_as_proxy``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.ballots.models import Ballot, BallotProxy
from iskra.ballots.permissions import load_ballot
from iskra.ballots.services import proxies
from iskra.core.errors import NotFound
from iskra.core.web import FieldError, domain_view, form_view, post_action
from iskra.meetings.forms import ProxyForm
from iskra.members.models import Membership


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _back(ballot_id: int) -> HttpResponseBase:
    return redirect("ballots:detail", ballot_id=ballot_id)


@require_http_methods(["GET", "POST"])
@domain_view
def ballot_proxy(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    form = ProxyForm(request.POST or None, candidates=proxies.proxy_candidates(ballot, user))
    form.fields[
        "holder"
    ].help_text = "They cast your vote in this ballot, with your place on the roll."

    def save(f: ProxyForm) -> BallotProxy:
        holder = f.cleaned_data["holder"]
        if isinstance(holder, str):
            person = User.objects.filter(email__iexact=holder).first()
            if person is None:
                raise FieldError(
                    "holder", "The person named is not entitled to vote in this ballot."
                )
            holder = person
        return proxies.appoint_ballot_proxy(actor=user, ballot=ballot, holder=holder)

    last = proxies.deadline(ballot)
    return form_view(
        request,
        form,
        save=save,
        done=lambda p: _back(ballot.pk),
        success=lambda p: f"{p.holder} is your proxy in {ballot.title}: they are told.",
        template="ballots/proxy.html",
        context={
            "ballot": ballot,
            "why_not": proxies.why_no_proxies(ballot),
            "body": proxies.rules_body(ballot),
            "my_proxy": proxies.proxy_of(ballot, user),
            "held": proxies.held_by(ballot, user),
            "my_unit": Membership.objects.filter(user=user)
            .values_list("unit__name", flat=True)
            .first(),
            "deadline": last,
            "too_late": timezone.now() > last
            or ballot.state not in (Ballot.State.DRAFT, Ballot.State.OPEN),
        },
    )


@require_POST
@domain_view
def withdraw(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    return post_action(
        request,
        lambda: proxies.withdraw_ballot_proxy(actor=user, ballot=ballot),
        then=_back(ballot.pk),
        propagate=(NotFound,),
        success="Your proxy is taken back: they are told. You can vote yourself.",
    )


@require_POST
@domain_view
def decline(request: HttpRequest, ballot_id: int, member_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        messages.error(request, "You do not hold that proxy.")
        return _back(ballot.pk)
    return post_action(
        request,
        lambda: proxies.decline_ballot_proxy(actor=user, ballot=ballot, member=member),
        then=_back(ballot.pk),
        propagate=(NotFound,),
        success=f"You have declined the proxy of {member}: they are told.",
    )
