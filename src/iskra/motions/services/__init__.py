"""The verbs of a motion's life: drafting, support, submission, admission, circulation,
amendments, branch positions, discussion and the bulletin. Deciding happens in meetings.

One module per group of verbs; every name is importable from here."""

from iskra.motions.services.amendments import (
    _fall_amendments_without_passage,
    settle_amendment,
    table_amendment,
    withdraw_amendment,
)
from iskra.motions.services.common import (
    _body_officer_ids,
    _lock,
    _url,
    check_transition,
    transition,
)
from iskra.motions.services.discussion import (
    contribute,
    create_bulletin,
    edit_post,
    hide_post,
    post_to_discussion,
    publish_bulletin,
    record_position,
)
from iskra.motions.services.drafting import (
    admit_by_rule,
    create_motion,
    submit_motion,
    support_motion,
    supporters_needed,
    update_draft,
    withdraw_support,
)
from iskra.motions.services.progress import (
    admit_motion,
    agree_to_composite,
    composite_motions,
    open_discussion,
    remit_motion,
    rule_out_of_order,
    withdraw_motion,
)
from iskra.motions.services.reminders import (
    REMIND_EVERY,
    remind_branches,
)

__all__ = [
    "REMIND_EVERY",
    "_body_officer_ids",
    "_fall_amendments_without_passage",
    "_lock",
    "_url",
    "admit_by_rule",
    "admit_motion",
    "agree_to_composite",
    "check_transition",
    "composite_motions",
    "contribute",
    "create_bulletin",
    "create_motion",
    "edit_post",
    "hide_post",
    "open_discussion",
    "post_to_discussion",
    "publish_bulletin",
    "record_position",
    "remind_branches",
    "remit_motion",
    "rule_out_of_order",
    "settle_amendment",
    "submit_motion",
    "support_motion",
    "supporters_needed",
    "table_amendment",
    "transition",
    "update_draft",
    "withdraw_amendment",
    "withdraw_motion",
    "withdraw_support",
]
