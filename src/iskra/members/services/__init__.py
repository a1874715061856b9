"""The verbs of membership: joining, admission, status changes, transfers and discipline.
Each one is atomic, checks who may do it, records a MembershipEvent where status changes,
writes the audit log, and sends email only after the transaction commits.

One module per group of verbs; every name is importable from here."""

from iskra.members.services.common import (
    _lock,
    _officer_emails,
    _transition,
    change_status,
    resign,
)
from iskra.members.services.discipline import (
    _apply_outcome,
    _schedule_suspension_end,
    appeal_body_for,
    appeal_case,
    decide_appeal,
    decide_case,
    open_case,
)
from iskra.members.services.joining import (
    _schedule_probation_end,
    apply_to_join,
    decide_application,
    hold_probation,
)
from iskra.members.services.scheduled import (
    complete_due_probations,
    complete_probation,
    end_due_suspensions,
    end_suspension,
)
from iskra.members.services.transfers import (
    cancel_transfer,
    decide_transfer,
    request_transfer,
)

__all__ = [
    "_apply_outcome",
    "_lock",
    "_officer_emails",
    "_schedule_probation_end",
    "_schedule_suspension_end",
    "_transition",
    "appeal_body_for",
    "appeal_case",
    "apply_to_join",
    "cancel_transfer",
    "change_status",
    "complete_due_probations",
    "complete_probation",
    "decide_appeal",
    "decide_application",
    "decide_case",
    "decide_transfer",
    "end_due_suspensions",
    "end_suspension",
    "hold_probation",
    "open_case",
    "request_transfer",
    "resign",
]
