"""A member's own data (download) and an officer's erasure of a former member's."""

from __future__ import annotations

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from iskra.accounts.models import User
from iskra.core.web import domain_view, form_view
from iskra.members.permissions import load_membership
from iskra.organisation.permissions import require
from iskra.privacy.permissions import can_erase
from iskra.privacy.selectors import personal_data
from iskra.privacy.services import erase_former_member


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in person, readable; links to the JSON download."""
    data = personal_data(_user(request))
    return _private(render(request, "privacy/my_data.html", {"data": data}))


def my_data_json(request: HttpRequest) -> HttpResponse:
    data = personal_data(_user(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="iskra-my-data-{stamp}.json"'
    return _private(response)


class EraseForm(forms.Form):
    request = forms.CharField(
        max_length=200,
        label="The request this answers",
        help_text="For example “email of 2 December 2026”. Do not name the person: this is "
        "kept in the audit log.",
    )
    confirm = forms.BooleanField(
        label="I have checked the request comes from this person, and that the organisation "
        "need not keep their data (their membership has ended)."
    )


@domain_view
def erase(request: HttpRequest, membership_id: int) -> HttpResponseBase:
    membership = load_membership(request.user, membership_id)
    require(can_erase(request.user, membership), "Only an officer over the branch can do this.")
    return form_view(
        request,
        EraseForm(request.POST or None),
        save=lambda form: erase_former_member(
            actor=_user(request), user=membership.user, reason=form.cleaned_data["request"]
        ),
        done=lambda _: redirect("members:record", membership_id=membership.pk),
        success=lambda pseudonym: f"Personal data erased: the record now reads “{pseudonym}”.",
        template="privacy/erase.html",
        context={"membership": membership},
    )
