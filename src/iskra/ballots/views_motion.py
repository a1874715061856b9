"""Putting a motion to a secret ballot: the page the motion's officers reach from the motion.
A ballots page (it drafts a ballot), served under the motions' URL names (see iskra.urls)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from iskra.accounts.models import User
from iskra.ballots.forms import ToBallotForm, default_voting_window
from iskra.ballots.services import put_motion_to_ballot
from iskra.core.errors import DomainError
from iskra.core.web import domain_view
from iskra.motions.permissions import can_manage_motion, load_motion
from iskra.organisation.permissions import require


@domain_view
def motion_to_ballot(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Decide the motion by secret ballot instead of a meeting vote."""
    assert isinstance(request.user, User)
    user = request.user
    motion = load_motion(user, motion_id)
    require(can_manage_motion(user, motion), "Only the body's officers put a motion to a ballot.")
    form = ToBallotForm(
        request.POST or None,
        initial={"constituency": "all", "preset": "simple_majority", **default_voting_window()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = put_motion_to_ballot(
                actor=user,
                motion=motion,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                preset=data["preset"],
                of_body=data["constituency"] == "body",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Ballot drafted: appoint a scrutineer and open it.")
            return redirect("ballots:detail", ballot_id=ballot.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Put “{motion.title}” to a secret ballot",
            "submit": "Draft the ballot",
        },
    )
