"""The member home's "what needs me": one list, each app adding what it owns."""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from iskra.members.models import Membership


@dataclass(frozen=True)
class NeedsMe:
    title: str
    detail: str
    url: str


def what_needs_me(
    user: Any, *, membership: Membership | EllipsisType | None = ...
) -> list[NeedsMe]:
    """``membership``: the person's membership with its unit, when the caller has loaded it
    already (the home page does); left out, it is looked up here."""
    from iskra.home.role_needs import role_needs
    from iskra.members.models import DisciplinaryCase, Membership
    from iskra.members.selectors import cases_for, incoming_transfers, pending_applications
    from iskra.organisation.permissions import is_any_officer

    items: list[NeedsMe] = []
    if is_any_officer(user):
        applications = pending_applications(user).count()
        if applications:
            items.append(
                NeedsMe(
                    "Applications to decide",
                    f"{applications} waiting",
                    reverse("members:applications"),
                )
            )
        transfers = incoming_transfers(user).count()
        if transfers:
            items.append(
                NeedsMe("Transfers to decide", f"{transfers} waiting", reverse("members:transfers"))
            )
    open_cases = (
        cases_for(user)
        .filter(state__in=[DisciplinaryCase.State.OPEN, DisciplinaryCase.State.APPEALED])
        .exclude(membership__user_id=user.pk)
        .count()
    )
    if open_cases:
        items.append(
            NeedsMe(
                "Disciplinary cases in progress", f"{open_cases} open", reverse("members:cases")
            )
        )
    if membership is ...:
        membership = Membership.objects.select_related("unit").filter(user_id=user.pk).first()
    items.extend(_cycle_needs(user, membership))
    items.extend(_ballot_needs(user))
    # What waits for each role: officer, secretary, scrutineer, trustee, member (role_needs).
    items.extend(role_needs(user, membership))
    return items


def _cycle_needs(user: Any, membership: Membership | EllipsisType | None) -> list[NeedsMe]:
    """Motions to discuss, meetings coming up, votes open, commitments and reports due."""
    from datetime import timedelta

    from django.utils import timezone

    from iskra.decisions.models import Action
    from iskra.decisions.selectors import commitments_due
    from iskra.meetings.models import Meeting, Vote
    from iskra.members.models import ACTIVE_STATUSES, Membership, Status
    from iskra.motions.models import Circulation, MotionStatus
    from iskra.organisation.models import Body, SeatHolding
    from iskra.organisation.permissions import officer_paths

    items: list[NeedsMe] = []
    now = timezone.now()
    if membership is ...:
        membership = Membership.objects.select_related("unit").filter(user_id=user.pk).first()
    if membership is not None and membership.status in ACTIVE_STATUSES:
        circulations = (
            Circulation.objects.filter(
                unit_id=membership.unit_id, motion__status=MotionStatus.IN_DISCUSSION
            )
            .select_related("motion")
            .order_by("deadline")[:5]
        )
        for c in circulations:
            items.append(
                NeedsMe(
                    f"For discussion: {c.motion.title}",
                    f"until {c.deadline:%-d %b}",
                    reverse("motions:detail", args=[c.motion_id]),
                )
            )
    seat_bodies = SeatHolding.objects.current().filter(holder_id=user.pk).values("seat__body_id")
    bodies = Body.objects.filter(pk__in=seat_bodies)
    if membership is not None and membership.status == Status.MEMBER:
        bodies = bodies | Body.objects.filter(
            kind=Body.Kind.GENERAL_MEETING, unit_id__in=membership.unit.ancestor_ids
        )
    for meeting in (
        Meeting.objects.filter(body__in=bodies, starts_at__gte=now - timedelta(hours=6))
        .exclude(status=Meeting.Status.CLOSED)
        .select_related("body")
        .order_by("starts_at")[:3]
    ):
        items.append(
            NeedsMe(
                f"Meeting: {meeting.body.name} — {meeting.title}",
                f"{timezone.localtime(meeting.starts_at):%a %-d %b %H:%M}",
                reverse("meetings:detail", args=[meeting.pk]),
            )
        )
    for vote in (
        Vote.objects.filter(state=Vote.State.OPEN, meeting__attendance__user_id=user.pk)
        .exclude(ballots__user_id=user.pk)
        .select_related("motion")[:3]
    ):
        items.append(
            NeedsMe(
                f"Vote now: {vote.motion.title}",
                "you are signed in to this meeting",
                reverse("meetings:detail", args=[vote.meeting_id]),
            )
        )
    for commitment in commitments_due(user)[:5]:
        items.append(
            NeedsMe(
                f"Report back: {commitment.description}",
                f"due {commitment.due_on:%-d %b}" if commitment.due_on else "",
                reverse("decisions:action", args=[commitment.action_id]),
            )
        )
    paths = officer_paths(user)
    if paths:
        actions = Action.objects.filter(
            unit_path__in=paths,
            reports__isnull=True,
            due_on__lte=timezone.localdate() + timedelta(days=7),
        ).order_by("due_on")[:5]
        for action in actions:
            items.append(
                NeedsMe(
                    f"Report for your unit: {action.title}",
                    f"due {action.due_on:%-d %b}",
                    reverse("decisions:action", args=[action.pk]),
                )
            )
    return items


def _ballot_needs(user: Any) -> list[NeedsMe]:
    """Open secret ballots this person is on the roll of and has not voted in."""
    from django.utils import timezone

    from iskra.ballots.dates import when
    from iskra.ballots.models import Ballot

    ballots = (
        Ballot.objects.filter(
            state=Ballot.State.OPEN,
            closes_at__gt=timezone.now(),
            roll__user_id=user.pk,
            roll__mark__isnull=True,
        )
        .order_by("closes_at")
        .only("pk", "title", "closes_at")[:5]
    )
    return [
        NeedsMe(
            f"Ballot: {b.title}",
            f"you have not voted; closes {when(b.closes_at)}",
            reverse("ballots:detail", args=[b.pk]),
        )
        for b in ballots
    ]
