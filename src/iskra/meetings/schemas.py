"""Schemas of the meetings API: meetings, agendas, attendance, votes and minutes."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from iskra.apikit.inputs import MAX_COUNT, MAX_ID, TEXT, Id, Input, ItemId, OptionalId
from iskra.motions.text import MAX_TEXT


class MeetingSummaryOut(Schema):
    id: int
    body_id: int
    body_name: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    location: str
    status: str


class AgendaItemOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    motion_id: int | None
    notes: str


class AttendanceOut(Schema):
    user_id: int
    name: str
    at: datetime
    marked_by_id: int | None


class QuorumOut(Schema):
    present: int = Field(description="In person or by proxy.")
    entitled: int
    required: int
    met: bool
    by_proxy: int = Field(0, description="Members present by proxy (their proxy is here).")


class ProxyOut(Schema):
    member_id: int
    member_name: str
    holder_id: int
    holder_name: str
    state: str = Field(description="appointed, withdrawn, declined or cancelled (the member came).")
    appointed_at: datetime
    ended_at: datetime | None


class ProxyIn(Input):
    holder_id: int = Field(
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="The member named as proxy: a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )


class RollCallBallotOut(Schema):
    user_id: int
    name: str
    choice: str
    weight: float
    represents_unit_id: int | None
    split: dict[str, float] | None = Field(
        None, description="A split card's parts: for, against, abstain."
    )
    cast_by_id: int | None = Field(
        None, description="Cast by the member's proxy (this person), not by the member."
    )


class VoteOut(Schema):
    id: int
    meeting_id: int
    motion_id: int
    amendment_id: int | None
    method: str
    state: str
    votes_for: float
    votes_against: float
    abstentions: float
    present: int
    entitled: int
    carried: bool | None
    opened_at: datetime
    counted_at: datetime | None
    ballots: list[RollCallBallotOut] = Field(
        description="Named votes (roll call and card votes); while a vote is open, only counts."
    )
    voted: int


class MeetingReplyOut(Schema):
    user_id: int
    name: str
    answer: str = Field(description="attending or apologies")
    note: str
    recorded_by_id: int | None


class MeetingOut(MeetingSummaryOut):
    notice: str
    opened_at: datetime | None
    closed_at: datetime | None
    minutes: str
    minutes_approved_at: datetime | None
    minutes_approved_at_meeting_id: int | None
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    proxies: list[ProxyOut] = Field(description="The proxies standing for this meeting.")
    quorum: QuorumOut
    votes: list[VoteOut]
    can_run: bool
    signed_in: bool
    recorded_after: bool = Field(description="Held offline and recorded afterwards.")
    opened_early_reason: str
    sign_in_code: str = Field(
        description="The code shown in the room (empty: none asked, or not yours to see)."
    )
    replies: list[MeetingReplyOut]


class MeetingIn(Input):
    body_id: int = Id()
    title: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = Field("", max_length=300)
    notice: str = Field("", max_length=TEXT)
    motion_ids: list[ItemId] = Field(default_factory=list, max_length=100)


class AgendaItemIn(Input):
    kind: str = Field(max_length=8, description="motion, report or other")
    title: str = Field("", max_length=200)
    motion_id: int | None = OptionalId()
    notes: str = Field("", max_length=TEXT)


class MarkAttendanceIn(Input):
    user_id: int = Id()


class SubjectIn(Input):
    motion_id: int = Id()
    amendment_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Vote on this amendment of the motion."
    )


class HandsIn(SubjectIn):
    votes_for: int = Field(ge=0, le=MAX_COUNT)
    votes_against: int = Field(ge=0, le=MAX_COUNT)
    abstentions: int = Field(0, ge=0, le=MAX_COUNT)


class OpenVoteIn(SubjectIn):
    method: str = Field(
        max_length=10, description="roll_call or card (secret is not available yet)"
    )


class CastIn(Input):
    choice: str = Field(
        max_length=8,
        description="for, against or abstain; in a card vote also split (with the parts)",
    )
    split_for: float | None = Field(
        None, ge=0, le=10**12, description="A split card: the part cast for (hundredths)."
    )
    split_against: float | None = Field(None, ge=0, le=10**12)
    split_abstain: float | None = Field(None, ge=0, le=10**12)
    on_behalf_of: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        strict=True,
        description="Cast as proxy: the member whose proxy you hold (their vote, not yours): "
        "a person's user id (the `user_id` of attendance and rolls, the `holder_id` of seats), not a membership id.",
    )


class MinutesIn(Input):
    text: str = Field(max_length=MAX_TEXT)


class ApproveMinutesIn(Input):
    at_meeting_id: int = Field(
        ge=1, le=MAX_ID, description="The later meeting, in progress, that approves them."
    )


class MeetingPositionIn(Input):
    motion_id: int = Id()
    stance: str = Field(
        "",
        max_length=20,
        description="Empty: as the meeting voted (support or oppose); support_if_amended "
        "where it voted for the motion.",
    )
    mandate: str = Field("free", max_length=10, description="instructed or free")
    mandate_note: str = Field("", max_length=TEXT)


class RecordMeetingIn(Input):
    """A meeting held earlier (offline): no notice is sent; it stays in progress on the record
    until its attendance and votes are entered and it is closed."""

    body_id: int = Id()
    title: str = Field(max_length=200)
    starts_at: datetime = Field(description="When it was held (in the past).")
    location: str = Field("", max_length=300)
    notes: str = Field("", max_length=TEXT)
    motion_ids: list[ItemId] = Field(default_factory=list, max_length=100)


class OpenMeetingIn(Input):
    reason: str = Field(
        "", max_length=1000, description="Required to open before the time it was called for."
    )


class SignInIn(Input):
    code: str = Field("", max_length=8, description="The code shown in the room, if asked.")


class MeetingReplyIn(Input):
    answer: str = Field(max_length=10, description="attending or apologies")
    note: str = Field("", max_length=300)


class PeopleIn(Input):
    user_ids: list[ItemId] = Field(min_length=1, max_length=1000)
    note: str = Field("", max_length=300, description="For apologies: a note.")


class SignInCodeIn(Input):
    show: bool = Field(True, description="True: show a new code; false: stop asking for one.")


class TickedOut(Schema):
    count: int


class CardOut(Schema):
    seat_id: int
    seat_title: str
    holder_id: int | None
    holder_name: str
    unit_id: int = Field(description="The unit the delegation represents.")
    unit_name: str
    weight: float = Field(
        description="This delegate's card: the unit's members shared among its delegate seats."
    )
    unit_members: int = Field(description="The unit's members in good standing on the date.")
    unit_delegates: int = Field(description="The body's delegate seats for the unit.")
