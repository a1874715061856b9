"""Who may see and change member data. Officers only within their units; members see
themselves, and of others only what the organisation chooses to share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from iskra.core.errors import NotFound
from iskra.members.models import (
    ACTIVE_STATUSES,
    Application,
    DisciplinaryCase,
    Membership,
    Transfer,
)
from iskra.organisation.models import Body, SeatHolding
from iskra.organisation.permissions import is_any_officer, is_officer_of, officer_scope_q


def can_view_directory(user: Any) -> bool:
    # The full directory (contact details, status, export) is for officers only.
    return is_any_officer(user)


def can_view_branch_members(user: Any, unit: Any) -> bool:
    """The names in a branch: its own active members, and officers of the branch or above.

    Members of other branches (their secretaries included) may not list it: docs/organisation.md.
    """
    if is_officer_of(user, unit):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    membership = Membership.objects.filter(user_id=user.pk).only("unit_id", "status").first()
    return (
        membership is not None
        and membership.unit_id == unit.pk
        and membership.status in ACTIVE_STATUSES
    )


def can_view_member_record(user: Any, membership: Membership) -> bool:
    # A person may always see their own record.
    if membership.user_id == getattr(user, "pk", None):
        return True
    # Officers see the records of members in their units.
    return is_officer_of(user, membership.unit)


def can_manage_member(user: Any, membership: Membership) -> bool:
    # Status changes and profile edits by others are for officers of the member's units.
    return is_officer_of(user, membership.unit)


def can_decide_application(user: Any, application: Application) -> bool:
    # The branch the application landed in (or any unit above it) decides.
    return is_officer_of(user, application.unit)


def can_decide_transfer(user: Any, transfer: Transfer) -> bool:
    # The receiving branch accepts or declines.
    return is_officer_of(user, transfer.to_unit)


def sits_on(user: Any, body: Body) -> bool:
    return (
        SeatHolding.objects.current()
        .filter(holder_id=getattr(user, "pk", None), seat__body=body)
        .exists()
    )


def can_act_for_body(user: Any, body: Body) -> bool:
    # A body's decisions are entered by those who sit on it, or officers of its unit.
    return sits_on(user, body) or is_officer_of(user, body.unit)


def can_open_case(user: Any, membership: Membership) -> bool:
    # Complaints go through officers of the member's units, who refer them to a body.
    return is_officer_of(user, membership.unit) and membership.user_id != getattr(user, "pk", None)


def can_view_case(user: Any, case: DisciplinaryCase) -> bool:
    # The member concerned sees every step of their own case.
    if case.membership.user_id == getattr(user, "pk", None):
        return True
    # So does whoever made the complaint.
    if case.complainant_id == getattr(user, "pk", None):
        return True
    # And the officers and bodies dealing with it.
    if is_officer_of(user, case.membership.unit):
        return True
    if can_act_for_body(user, case.deciding_body):
        return True
    return case.appeal_body is not None and can_act_for_body(user, case.appeal_body)


def can_decide_case(user: Any, case: DisciplinaryCase) -> bool:
    # Nobody decides a case about themselves.
    if case.membership.user_id == getattr(user, "pk", None):
        return False
    return can_act_for_body(user, case.deciding_body)


def can_appeal_case(user: Any, case: DisciplinaryCase) -> bool:
    # Only the member concerned appeals.
    return case.membership.user_id == getattr(user, "pk", None)


def can_decide_appeal(user: Any, case: DisciplinaryCase) -> bool:
    if case.appeal_body is None or case.membership.user_id == getattr(user, "pk", None):
        return False
    return can_act_for_body(user, case.appeal_body)


def load_membership(user: Any, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "unit", "unit__kind")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not can_view_member_record(user, membership):
        raise NotFound("No such member.")
    return membership


def load_application(user: Any, application_id: int) -> Application:
    application = (
        Application.objects.select_related("membership__user", "unit")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not can_decide_application(user, application):
        raise NotFound("No such application.")
    return application


def load_case(user: Any, case_id: int) -> DisciplinaryCase:
    case = (
        DisciplinaryCase.objects.select_related(
            "membership__user",
            "membership__unit",
            "deciding_body__unit",
            "appeal_body__unit",
            "complainant",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not can_view_case(user, case):
        raise NotFound("No such case.")
    return case


def load_transfer(user: Any, transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.select_related("membership__user", "from_unit", "to_unit")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise NotFound("No such transfer.")
    if not (
        can_decide_transfer(user, transfer)
        or transfer.membership.user_id == getattr(user, "pk", None)
    ):
        raise NotFound("No such transfer.")
    return transfer


def visible_directory_q(user: Any) -> Q:
    """A filter on memberships keeping those the member directory lists for this person:
    officers see the members of their units (``can_view_directory``), nobody else any."""
    if not can_view_directory(user):
        return Q(pk__in=[])
    # A superuser's scope is the empty Q(), which keeps every row when used alone.
    return officer_scope_q(user)
