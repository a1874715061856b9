"""Meetings: scheduling with notice, the agenda, attendance and quorum, recorded votes
(show of hands, roll call, card vote) counted by ``iskra.voting``, and minutes.

One module per group of verbs; every name is importable from here."""

from iskra.meetings.services.attendance import (
    CODE_TRIES_PER_MEETING,
    CODE_TRIES_PER_PERSON,
    _attend,
    close_meeting,
    closing_problems,
    mark_attendance,
    mark_present,
    open_meeting,
    record_apologies,
    reply,
    set_sign_in_code,
    sign_in,
    undo_attendance,
)
from iskra.meetings.services.common import (
    Quorum,
    _lock,
    body_members,
    card_weight,
    is_body_member,
    is_circulated_to,
    members_in_good_standing_on,
    motion_rule,
    quorum,
)
from iskra.meetings.services.minutes import (
    approve_minutes,
    generate_minutes,
    save_minutes,
)
from iskra.meetings.services.positions import record_position_from_meeting
from iskra.meetings.services.scheduling import (
    _event,
    _ics,
    add_agenda_item,
    calendar_feed_for,
    calendar_for,
    check_notice,
    record_meeting,
    schedule_meeting,
)
from iskra.meetings.services.voting import (
    _check_can_vote_on,
    _settle,
    cast_named_vote,
    close_vote,
    open_vote,
    take_show_of_hands,
)

__all__ = [
    "CODE_TRIES_PER_MEETING",
    "CODE_TRIES_PER_PERSON",
    "Quorum",
    "_attend",
    "_check_can_vote_on",
    "_event",
    "_ics",
    "_lock",
    "_settle",
    "add_agenda_item",
    "approve_minutes",
    "body_members",
    "calendar_feed_for",
    "calendar_for",
    "card_weight",
    "cast_named_vote",
    "check_notice",
    "close_meeting",
    "close_vote",
    "closing_problems",
    "generate_minutes",
    "is_body_member",
    "is_circulated_to",
    "mark_attendance",
    "mark_present",
    "members_in_good_standing_on",
    "motion_rule",
    "open_meeting",
    "open_vote",
    "quorum",
    "record_apologies",
    "record_meeting",
    "record_position_from_meeting",
    "reply",
    "save_minutes",
    "schedule_meeting",
    "set_sign_in_code",
    "sign_in",
    "take_show_of_hands",
    "undo_attendance",
]
