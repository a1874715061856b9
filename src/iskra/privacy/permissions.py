"""Who may erase a former member's personal data."""

from __future__ import annotations

from typing import Any

from iskra.members.models import Membership
from iskra.organisation.permissions import is_officer_of


def can_erase(actor: Any, membership: Membership | None) -> bool:
    # Nobody erases their own record here: the request goes to an officer, who checks it.
    if membership is not None and membership.user_id == getattr(actor, "pk", None):
        return False
    # An officer of the member's branch (or of a unit above it) answers the request, as they
    # keep the member's record; an account with no membership is the administrators'.
    if membership is None:
        return bool(getattr(actor, "is_superuser", False))
    return is_officer_of(actor, membership.unit)
