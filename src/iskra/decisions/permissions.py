"""Who sees decisions, records dissent, and acts on them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from iskra.core.errors import NotFound
from iskra.decisions.models import Action, Decision
from iskra.meetings.models import Attendance, Ballot, Vote
from iskra.motions.models import Position
from iskra.motions.permissions import is_active_member, is_member_or_superuser
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, officer_paths, officer_scope_q


def can_view_decision(user: Any, decision: Decision) -> bool:
    # Public decisions are for everyone; the rest for members.
    if decision.is_public:
        return True
    return (
        bool(getattr(user, "is_superuser", False))
        or is_active_member(user)
        or is_officer_of(user, decision.scope)
    )


def is_dissent_open(decision: Decision) -> bool:
    # Dissent is recorded within the body's dissent period, to the last day inclusive.
    return timezone.localdate() <= decision.dissent_until


def can_dissent(user: Any, decision: Decision) -> bool:
    """Whether the decision's page offers to record a dissent (the service checks each one)."""
    # Members (and superusers) only, within the dissent period.
    if not is_member_or_superuser(user) or not is_dissent_open(decision):
        return False
    # A member who was against it, or an officer of a unit whose position the decision rejected.
    return can_dissent_as_member(user, decision) or bool(dissent_units(user, decision))


def dissent_units(user: Any, decision: Decision) -> list[Unit]:
    """The units this person may record a dissent for: those whose current recorded position
    opposed the motion, of which they are an officer."""
    opposed = Position.objects.filter(
        motion_id=decision.motion_id, is_current=True, stance=Position.Stance.OPPOSE
    ).select_related("unit")
    return [p.unit for p in opposed if is_officer_of(user, p.unit)]


# Who may record a dissent, in words for the decision's page (the rules above).
WHO_MAY_DISSENT = (
    "Members who voted against it (in a vote by name), or who were present at a vote by show "
    "of hands, and the officers of a unit whose recorded position opposed the motion"
)


def why_no_dissent(user: Any, decision: Decision) -> str:
    """Why this person cannot record a dissent, in words for them ("" if they can)."""
    # Members only.
    if not is_member_or_superuser(user):
        return "Only members record a dissent."
    # Within the period.
    if not is_dissent_open(decision):
        return (
            f"Dissent could be recorded until {decision.dissent_until:%-d %B %Y}; that period "
            "has ended."
        )
    if can_dissent(user, decision):
        return ""
    vote = decision.vote
    # Not decided by a vote at a meeting: no minority of members to speak for itself.
    if vote is None:
        reason = (
            "This decision was not taken by a vote at a meeting, so no member voted against it."
        )
    # A vote by name: only those recorded against.
    elif vote.method in {Vote.Method.ROLL_CALL, Vote.Method.CARD}:
        reason = "You did not vote against it: the vote was taken by name, and only those recorded against may dissent."
    # A show of hands: those present.
    else:
        reason = "You were not recorded present at the meeting that voted on it."
    return (
        f"{reason} A unit whose recorded position opposed the motion can record a dissent "
        "through its officers."
    )


def can_dissent_as_member(user: Any, decision: Decision) -> bool:
    """A member who voted against (by name), or who was present at a vote taken by show of
    hands (where votes are not recorded by name, they state it themselves)."""
    vote = decision.vote
    if vote is None:
        return False
    if vote.method in {Vote.Method.ROLL_CALL, Vote.Method.CARD}:
        return Ballot.objects.filter(
            vote=vote, user_id=getattr(user, "pk", None) or 0, choice=Ballot.Choice.AGAINST
        ).exists()
    return Attendance.objects.filter(
        meeting_id=vote.meeting_id, user_id=getattr(user, "pk", None) or 0
    ).exists()


def can_dissent_for_unit(user: Any, decision: Decision, unit: Any) -> bool:
    """A unit whose recorded position the decision rejected: it opposed, and the motion carried."""
    if not is_officer_of(user, unit):
        return False
    return Position.objects.filter(
        motion_id=decision.motion_id, unit=unit, is_current=True, stance=Position.Stance.OPPOSE
    ).exists()


def can_assign_action(user: Any, decision: Decision, parent: Action | None) -> bool:
    # Top-level actions by officers of the deciding body's unit; cascaded ones by officers of
    # the unit the parent action was assigned to.
    if parent is None:
        return is_officer_of(user, decision.body.unit)
    return parent.unit is not None and is_officer_of(user, parent.unit)


def can_report(user: Any, action: Action) -> bool:
    # The assignee, or an officer of the assigned unit, reports back.
    if action.assignee_id is not None and action.assignee_id == getattr(user, "pk", None):
        return True
    return action.unit is not None and is_officer_of(user, action.unit)


def can_see_names(user: Any, action: Action) -> bool:
    """Whether the page names who committed and reported: those within the assigned unit and
    its officers. Others see the figures with "a member of …" (docs/organisation.md)."""
    if action.unit is None or getattr(user, "is_superuser", False):
        return True
    return is_officer_of(user, action.unit) or can_commit(user, action)


def can_commit(user: Any, action: Action) -> bool:
    # Any member within the assigned unit can take on part of the work.
    from iskra.members.models import Membership, Status

    if action.unit is None:
        return action.assignee_id == getattr(user, "pk", None)
    return Membership.objects.filter(
        user_id=getattr(user, "pk", None) or 0,
        status__in=[Status.MEMBER, Status.CANDIDATE],
        unit__path__startswith=action.unit.path,
    ).exists()


def load_decision(user: Any, decision_id: int) -> Decision:
    decision = (
        Decision.objects.select_related("body__unit", "motion", "vote", "meeting", "scope")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or not can_view_decision(user, decision):
        raise NotFound("No such decision.")
    return decision


def load_action(user: Any, action_id: int) -> Action:
    action = (
        Action.objects.select_related("decision__body__unit", "unit", "assignee", "parent")
        .filter(pk=action_id)
        .first()
    )
    if action is None or not can_view_decision(user, action.decision):
        raise NotFound("No such action.")
    return action


def visible_decisions_q(user: Any) -> Q:
    """A filter on decisions keeping those ``can_view_decision`` lets this person open."""
    # Superusers and active members read every decision.
    if getattr(user, "is_superuser", False) or is_active_member(user):
        return Q(pk__isnull=False)
    # Everybody, signed in or not, reads the public ones.
    condition = Q(is_public=True)
    # Officers also read those binding a unit within their rights.
    if officer_paths(user):
        condition |= officer_scope_q(user, "scope__path")
    return condition
