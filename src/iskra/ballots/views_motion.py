"""Putting a motion to a secret ballot: the page the motion's officers reach from the motion.
A ballots page (it drafts a ballot), served under the motions' URL names (see iskra.urls)."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from iskra.accounts.models import User
from iskra.ballots.forms import ToBallotForm, default_voting_window
from iskra.ballots.services import put_motion_to_ballot
from iskra.core.web import domain_view, form_view
from iskra.motions.permissions import can_manage_motion, load_motion
from iskra.organisation.permissions import require


@domain_view
def motion_to_ballot(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    """Decide the motion by secret ballot instead of a meeting vote."""
    assert isinstance(request.user, User)
    user = request.user
    motion = load_motion(user, motion_id)
    require(can_manage_motion(user, motion), "Only the body's officers put a motion to a ballot.")
    initial = {
        "constituency": "all",
        "preset": "simple_majority",
        "sealing": "",
        **default_voting_window(),
    }
    return form_view(
        request,
        ToBallotForm(request.POST or None, initial=initial),
        save=lambda form: put_motion_to_ballot(
            actor=user,
            motion=motion,
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
            preset=form.cleaned_data["preset"],
            of_body=form.cleaned_data["constituency"] == "body",
            sealed={"sealed": True, "plain": False}.get(form.cleaned_data["sealing"]),
        ),
        done=lambda ballot: redirect("ballots:detail", ballot_id=ballot.pk),
        success="Ballot drafted: appoint a scrutineer and open it.",
        context={
            "title": f"Put “{motion.title}” to a secret ballot",
            "submit": "Draft the ballot",
        },
    )
