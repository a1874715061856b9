"""The ballot's verbs that ask first (``core.web.confirm_action``): opening it, which sends
every voter their credential, and the scrutineer's signature on the report, with the
attestation it signs. The API does the same verbs without asking: a client confirms by
calling."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.dates import when as _when
from iskra.ballots.permissions import can_manage, is_scrutineer, load_ballot
from iskra.core.errors import NotFound, PermissionDenied
from iskra.core.web import confirm_action, domain_view
from iskra.organisation.permissions import require


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _back(ballot_id: int) -> HttpResponseBase:
    return redirect("ballots:detail", ballot_id=ballot_id)


@require_http_methods(["GET", "POST"])
@domain_view
def ballot_open(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    """Opening asks first, saying how many voters will get credentials."""
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    require(can_manage(user, ballot), "Only officers of the unit open a ballot.")
    roll = services.constituency(ballot).count()
    voters = f"{roll} voter{'s' if roll != 1 else ''}"
    consequences = (
        [
            f"The roll is frozen: {voters} will be entitled to vote.",
            "Voters vote with the credentials the credential authority sends them.",
        ]
        if ballot.sealed
        else [
            f"{voters.capitalize()} will get credentials: each is emailed their own voting "
            "link now.",
            f"The roll is frozen and voting is open until {_when(ballot.closes_at)}.",
        ]
    ) + ["The questions, the roll and the closing rules cannot be changed after that."]
    return confirm_action(
        request,
        lambda: services.open_ballot(actor=user, ballot=ballot),
        then=_back(ballot.pk),
        cancel=reverse("ballots:detail", args=[ballot.pk]),
        title=f"Open the ballot “{ballot.title}”?",
        consequences=consequences,
        problems=services.problems(ballot),
        confirm_label="Yes, open the sealed ballot"
        if ballot.sealed
        else f"Yes, open it and send credentials to {voters}",
        propagate=(NotFound, PermissionDenied),
        success="The sealed ballot is open: voters vote with the credentials the credential "
        "authority sends them."
        if ballot.sealed
        else f"The ballot is open; credentials are being emailed to {voters}.",
    )


# What the scrutineer attests by signing (shown on the confirmation page and in the docs).
ATTESTATION = (
    "I, {name}, scrutineer of this ballot, attest that I have examined the roll, the "
    "challenges to it, the extensions and the count; that to the best of my knowledge the "
    "ballot was conducted according to the rules; and that the figures in this report are a "
    "true record of the votes cast."
)


@require_http_methods(["GET", "POST"])
@domain_view
def ballot_sign(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    """Signing asks first, with the attestation the scrutineer is signing."""
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    require(is_scrutineer(user, ballot), "Only the scrutineer signs the report.")
    return confirm_action(
        request,
        lambda: services.sign_report(actor=user, ballot=ballot),
        then=_back(ballot.pk),
        cancel=reverse("ballots:report", args=[ballot.pk]),
        title=f"Sign the scrutineer's report on “{ballot.title}”?",
        consequences=[
            f"Your signature and the time are recorded on the report, with the final hash "
            f"{ballot.board_hash or '(not yet computed)'}.",
            "The signature cannot be withdrawn.",
        ],
        attestation=ATTESTATION.format(name=user.full_name or user.email),
        confirm_label="I attest this and sign the report",
        propagate=(NotFound, PermissionDenied),
        success="You have signed the scrutineer's report.",
    )
