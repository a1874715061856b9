"""Recording who a seat's constituency elected, by a ballot or at a meeting (the election kept
with the holding)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iskra.accounts.models import User
from iskra.ballots.models import Ballot
from iskra.core.web import FieldError, domain_view, form_view
from iskra.meetings.models import Meeting
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import load_seat
from iskra.representation import elections
from iskra.representation.forms import ElectionForm
from iskra.representation.permissions import can_record_election
from iskra.representation.views import _user


@require_http_methods(["GET", "POST"])
@domain_view
def record(request: HttpRequest, seat_id: int) -> HttpResponseBase:
    user = _user(request)
    seat = load_seat(user, seat_id)
    if not can_record_election(user, seat):
        raise Denied(
            f"Only officers of {seat.body.unit.name} (or, for a delegate, of the unit they "
            "represent) record who was elected."
        )
    ballots = elections.ballots_for(seat)
    meetings = elections.meetings_for(seat)
    form = ElectionForm(
        request.POST or None,
        ballots=[
            (b.pk, f"{b.title} — elected {', '.join(elections.elected_names(b))}") for b in ballots
        ],
        meetings=[
            (m.pk, f"{m.title} ({timezone.localtime(m.starts_at):%-d %b %Y})") for m in meetings
        ],
        members=elections.constituency_members(seat),
    )

    def person(value: Any, field: str) -> User | None:
        """The member chosen (from the list) or named by email (a large constituency)."""
        if value is None or isinstance(value, User):
            return value
        if not value:
            return None
        found = User.objects.filter(email__iexact=value).first()
        if found is None:
            raise FieldError(
                field, "The person named is not a member in good standing of the constituency."
            )
        return found

    def save(f: ElectionForm) -> SeatHolding:
        holder = person(f.cleaned_data["holder"], "holder")
        assert holder is not None
        substitute = person(f.cleaned_data.get("substitute"), "substitute")
        by_ballot = f.cleaned_data["how"] == "ballot"
        return elections.record_election(
            actor=user,
            seat=seat,
            holder=holder,
            ballot=Ballot.objects.get(pk=f.cleaned_data["ballot"]) if by_ballot else None,
            meeting=None
            if by_ballot
            else Meeting.objects.select_related("body").get(pk=f.cleaned_data["meeting"]),
            started_on=f.cleaned_data["started_on"],
            substitute=substitute,
        )

    return form_view(
        request,
        form,
        save=save,
        done=lambda holding: redirect("representation:record", holding_id=holding.pk),
        success=lambda holding: (
            f"{holding.holder} now holds {seat.title}; the election is recorded with the term."
        ),
        template="representation/election.html",
        context={
            "seat": seat,
            "no_ballots": not ballots,
            "no_meetings": not meetings,
            # Where to record the meeting or call the ballot first, when there is none.
            "unit": elections.electing_unit(seat),
            "bodies": list(Body.objects.filter(unit=elections.electing_unit(seat))),
        },
    )
