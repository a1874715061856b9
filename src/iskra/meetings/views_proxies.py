"""Proxies at a meeting: naming one (its own page, with the body's rules), taking it back, and
the proxy declining it. Voting by proxy is on the meeting's page (``views.vote_cast``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import NotFound
from iskra.core.web import FieldError, domain_view, form_view, post_action
from iskra.meetings import services
from iskra.meetings.forms import ProxyForm
from iskra.meetings.models import Proxy
from iskra.meetings.permissions import load_meeting
from iskra.meetings.services.proxies import proxy_candidates
from iskra.members.models import Membership


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _back(meeting_id: int) -> HttpResponseBase:
    return redirect("meetings:detail", meeting_id=meeting_id)


@require_http_methods(["GET", "POST"])
@domain_view
def meeting_proxy(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """A member who cannot come names a proxy (or changes or takes back the one they named)."""
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    candidates = proxy_candidates(meeting, user)
    form = ProxyForm(request.POST or None, candidates=candidates)

    def save(f: ProxyForm) -> Proxy:
        holder = f.cleaned_data["holder"]
        if isinstance(holder, str):
            person = User.objects.filter(email__iexact=holder).first()
            if person is None:
                raise FieldError("holder", "No member of this body has that email address.")
            holder = person
        return services.appoint_proxy(actor=user, meeting=meeting, holder=holder)

    body = meeting.body
    return form_view(
        request,
        form,
        save=save,
        done=lambda proxy: _back(meeting.pk),
        success=lambda proxy: f"{proxy.holder} is your proxy for {meeting.title}: they are told.",
        template="meetings/proxy.html",
        context={
            "meeting": meeting,
            "body": body,
            "my_proxy": services.proxy_of(meeting, user),
            "held": services.proxies_held(meeting, user),
            "deadline": services.proxy_deadline(meeting),
            "too_late": timezone.now() > services.proxy_deadline(meeting),
            "is_member": services.is_body_member(user, body),
            "my_unit": Membership.objects.filter(user=user)
            .values_list("unit__name", flat=True)
            .first(),
        },
    )


@require_POST
@domain_view
def proxy_withdraw(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    return post_action(
        request,
        lambda: services.withdraw_proxy(actor=user, meeting=meeting),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success="Your proxy is taken back: they are told.",
    )


@require_POST
@domain_view
def proxy_decline(request: HttpRequest, meeting_id: int, member_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        messages.error(request, "You do not hold that proxy.")
        return _back(meeting.pk)
    return post_action(
        request,
        lambda: services.decline_proxy(actor=user, meeting=meeting, member=member),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success=f"You have declined the proxy of {member}: they are told.",
    )
