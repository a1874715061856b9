""" "What needs me" by role (issue 11, point 9): what waits for an officer, a scrutineer, a
secretary, a trustee and a member, each saying why it waits and linking to the thing.

Every list is bounded (a few rows each) and asks only what the person may act on: an
applicant, who holds no seat and is not yet an active member, gets none of these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from iskra.home.selectors import NeedsMe
    from iskra.members.models import Membership

LIMIT = 5


def role_needs(user: Any, membership: Membership | None) -> list[NeedsMe]:
    return [
        *_motions_to_admit(user),
        *_meetings_to_minute(user),
        *_scrutiny(user),
        *_trustee_tasks(user),
        *_my_actions(user),
        *_branch_actions(user, membership),
        *_recall_petitions(user),
        *_requisitions(user, membership),
    ]


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 60 else line[:59] + "…"


def _requisitions(user: Any, membership: Membership | None) -> list[NeedsMe]:
    """Requisitions of a special meeting gathering signatures that this person may sign and
    has not; valid ones whose meeting this person must call (with the deadline)."""
    from iskra.home.selectors import NeedsMe
    from iskra.organisation.models import Body
    from iskra.organisation.permissions import bodies_run_by_q
    from iskra.representation.models import (
        Requisition,
        RequisitionEligible,
        RequisitionSignature,
    )

    signed = RequisitionSignature.objects.filter(
        signer_id=user.pk, withdrawn_at__isnull=True
    ).values("petition_id")
    from iskra.members.models import Status

    eligible = RequisitionEligible.objects.filter(user_id=user.pk).values("petition_id")
    if membership is None or membership.status != Status.MEMBER:
        # One who has lapsed or is suspended since it started no longer signs.
        eligible = eligible.none()
    to_sign = (
        Requisition.objects.filter(
            state=Requisition.State.OPEN,
            closes_on__gte=timezone.localdate(),
            pk__in=eligible,
        )
        .exclude(pk__in=signed)
        .select_related("body")
        .order_by("closes_on")[:LIMIT]
    )
    to_call = (
        Requisition.objects.filter(
            state=Requisition.State.VALID, body__in=Body.objects.filter(bodies_run_by_q(user))
        )
        .select_related("body")
        .order_by("call_by")[:LIMIT]
    )
    return [
        *(
            NeedsMe(
                f"Call the special meeting of {r.body.name} that members requisitioned",
                f"call it by {r.call_by:%-d %B}, or Iskra convenes it in their name",
                reverse("representation:requisition", args=[r.pk]),
            )
            for r in to_call
        ),
        *(
            NeedsMe(
                f"Requisition of a special meeting of {r.body.name}",
                f"“{_first_line(r.agenda)}”: {r.signatures} of {r.required} signatures; you may "
                f"sign until {r.closes_on:%-d %B}",
                reverse("representation:requisition", args=[r.pk]),
            )
            for r in to_sign
        ),
    ]


def _recall_petitions(user: Any) -> list[NeedsMe]:
    """Recall petitions gathering signatures that this person may sign and has not, and those
    against them (to reply)."""
    from iskra.home.selectors import NeedsMe
    from iskra.representation.models import RecallEligible, RecallPetition, RecallSignature

    live = RecallPetition.objects.filter(
        state=RecallPetition.State.OPEN, closes_on__gte=timezone.localdate()
    ).select_related("holding__seat", "holding__holder")
    signed = RecallSignature.objects.filter(signer_id=user.pk, withdrawn_at__isnull=True).values(
        "petition_id"
    )
    eligible = RecallEligible.objects.filter(user_id=user.pk).values("petition_id")
    to_sign = (
        live.filter(pk__in=eligible)
        .exclude(pk__in=signed)
        .exclude(holding__holder_id=user.pk)
        .order_by("closes_on")[:LIMIT]
    )
    against = live.filter(holding__holder_id=user.pk, reply="")[:LIMIT]
    return [
        *(
            NeedsMe(
                f"Recall petition: {p.holding.holder.full_name} as {p.holding.seat.title}",
                f"{p.signatures} of {p.required} signatures; you may sign until "
                f"{p.closes_on:%-d %B}",
                reverse("representation:petition", args=[p.pk]),
            )
            for p in to_sign
        ),
        *(
            NeedsMe(
                f"Reply to the petition to recall you as {p.holding.seat.title}",
                "your reply is shown beside the petitioners' reason",
                reverse("representation:petition", args=[p.pk]),
            )
            for p in against
        ),
    ]


def _motions_to_admit(user: Any) -> list[NeedsMe]:
    from iskra.home.selectors import NeedsMe
    from iskra.motions.models import Motion, MotionStatus
    from iskra.organisation.permissions import officer_paths, officer_scope_q

    if not officer_paths(user):
        return []
    motions = (
        Motion.objects.filter(status=MotionStatus.SUBMITTED)
        .filter(officer_scope_q(user, "body__unit__path"))
        .select_related("body")
        .order_by("pk")[:LIMIT]
    )
    return [
        NeedsMe(
            f"Admit or rule out: {m.title}",
            f"submitted to {m.body.name}; waits for its officers to admit it or rule it out",
            reverse("motions:detail", args=[m.pk]),
        )
        for m in motions
    ]


def _meetings_to_minute(user: Any) -> list[NeedsMe]:
    """Closed meetings with no minutes yet, of bodies whose meetings this person runs (their
    secretary or chair, or an officer of the body's unit)."""
    from iskra.home.selectors import NeedsMe
    from iskra.meetings.models import Meeting
    from iskra.organisation.models import SeatHolding
    from iskra.organisation.permissions import officer_paths, officer_scope_q

    runs = Q(
        body_id__in=SeatHolding.objects.current()
        .filter(holder_id=user.pk, seat__role__in=["secretary", "chair"])
        .values("seat__body_id")
    )
    if officer_paths(user):
        runs |= officer_scope_q(user, "body__unit__path")
    meetings = (
        Meeting.objects.filter(runs, status=Meeting.Status.CLOSED, minutes="")
        .select_related("body")
        .order_by("-closed_at")[:LIMIT]
    )
    return [
        NeedsMe(
            f"Write the minutes: {m.body.name} — {m.title}",
            "the meeting is closed and has no minutes yet"
            + (f" (closed {timezone.localtime(m.closed_at):%-d %b})" if m.closed_at else ""),
            reverse("meetings:detail", args=[m.pk]),
        )
        for m in meetings
    ]


def _scrutiny(user: Any) -> list[NeedsMe]:
    from iskra.ballots.models import Ballot, Challenge
    from iskra.home.selectors import NeedsMe

    items: list[NeedsMe] = []
    for ballot in Ballot.objects.filter(
        scrutineer_id=user.pk, state=Ballot.State.CLOSED, report_signed_at__isnull=True
    ).order_by("closed_at")[:LIMIT]:
        items.append(
            NeedsMe(
                f"Sign the scrutineer's report: {ballot.title}",
                "the ballot is closed and counted; the result waits for your report",
                reverse("ballots:report", args=[ballot.pk]),
            )
        )
    for ballot in Ballot.objects.filter(scrutineer_id=user.pk, state=Ballot.State.OPEN).order_by(
        "closes_at"
    )[:LIMIT]:
        items.append(
            NeedsMe(
                f"You scrutinise: {ballot.title}",
                f"open until {timezone.localtime(ballot.closes_at):%-d %b %H:%M}; the roll, "
                "who has voted (never how) and any challenges are on its page",
                reverse("ballots:detail", args=[ballot.pk]),
            )
        )
    challenges = (
        Challenge.objects.filter(ballot__scrutineer_id=user.pk, state=Challenge.State.PENDING)
        .values("ballot_id", "ballot__title")
        .order_by("ballot_id")
        .distinct()[:LIMIT]
    )
    for row in challenges:
        items.append(
            NeedsMe(
                f"Decide roll challenges: {row['ballot__title']}",
                "members say they were wrongly left off the roll; you are the scrutineer",
                reverse("ballots:detail", args=[row["ballot_id"]]),
            )
        )
    return items


def _trustee_tasks(user: Any) -> list[NeedsMe]:
    """A sealed ballot's trustee: their turn in the key ceremony, or their decryption share."""
    from iskra.ballots.models import Ballot
    from iskra.ballots.sealed_models import Trustee
    from iskra.ballots.services.sealed_setup import STEPS, keygen_step
    from iskra.home.selectors import NeedsMe

    items: list[NeedsMe] = []
    seats = (
        Trustee.objects.filter(
            user_id=user.pk, ballot__state__in=[Ballot.State.DRAFT, Ballot.State.TALLYING]
        )
        .select_related("ballot")
        .order_by("ballot_id")[:LIMIT]
    )
    for trustee in seats:
        ballot = trustee.ballot
        url = reverse("ballots:sealed_trustee", args=[ballot.pk])
        if ballot.state == Ballot.State.TALLYING and trustee.decryption is None:
            items.append(
                NeedsMe(
                    f"Trustee: decrypt {ballot.title}",
                    "the ballot is closed; the count waits for your decryption share",
                    url,
                )
            )
        elif ballot.state == Ballot.State.DRAFT:
            step = keygen_step(ballot)
            if step is not None and getattr(trustee, step) is None:
                number = STEPS.index(step) + 1
                items.append(
                    NeedsMe(
                        f"Trustee: key ceremony for {ballot.title}",
                        f"round {number} of {len(STEPS)} waits for you; "
                        "the ballot cannot open until every trustee has answered",
                        url,
                    )
                )
    return items


def _my_actions(user: Any) -> list[NeedsMe]:
    from iskra.decisions.models import Action
    from iskra.home.selectors import NeedsMe

    actions = Action.objects.filter(assignee_id=user.pk, reports__isnull=True).order_by("due_on")[
        :LIMIT
    ]
    return [
        NeedsMe(
            f"Your action: {a.title}",
            f"assigned to you; no report yet, due {a.due_on:%-d %b}",
            reverse("decisions:action", args=[a.pk]),
        )
        for a in actions
    ]


def _branch_actions(user: Any, membership: Membership | None) -> list[NeedsMe]:
    """Actions assigned to the member's branch (or a unit above it) that are still running and
    that they have not yet taken part of."""
    from iskra.decisions.models import Action, Commitment
    from iskra.home.selectors import NeedsMe
    from iskra.members.models import ACTIVE_STATUSES

    if membership is None or membership.status not in ACTIVE_STATUSES:
        return []
    actions = (
        Action.objects.filter(
            unit_id__in=membership.unit.ancestor_ids, due_on__gte=timezone.localdate()
        )
        .exclude(pk__in=Commitment.objects.filter(user_id=user.pk).values("action_id"))
        .exclude(assignee_id=user.pk)
        .select_related("unit")
        .order_by("due_on")[:LIMIT]
    )
    return [
        NeedsMe(
            f"Join in: {a.title}",
            f"{a.unit.name if a.unit else 'your branch'}'s action, open to its members: say "
            f"what you will do; due {a.due_on:%-d %b}",
            reverse("decisions:action", args=[a.pk]),
        )
        for a in actions
    ]
