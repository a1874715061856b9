"""Schemas of the motions API: motions, amendments, discussion, positions and bulletins."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from iskra.apikit.inputs import MAX_COUNT, MAX_ID, TEXT, Id, Input, ItemId, OptionalId
from iskra.motions.text import MAX_TEXT


class MotionSummaryOut(Schema):
    id: int
    title: str
    body_id: int
    body_name: str
    status: str
    proposed_by: str
    created_at: datetime
    submitted_at: datetime | None
    discussion_deadline: date | None
    supporters_count: int


class ProposerOut(Schema):
    user_id: int
    name: str
    is_mover: bool
    agreed_to_composite_at: datetime | None


class VersionOut(Schema):
    number: int
    text: str
    created_at: datetime
    reason: str


class AmendmentOut(Schema):
    id: int
    motion_id: int
    number: int
    kind: str
    passage: str
    new_text: str
    explanation: str
    proposing_unit_id: int | None
    created_by_id: int
    created_at: datetime
    status: str
    decided_at: datetime | None
    diff_html: str | None = Field(
        None, description="For a tabled amendment: the motion's text with the change marked."
    )
    problem: str | None = Field(
        None, description="Why a tabled amendment can no longer apply to the current text."
    )


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    by_id: int | None
    reason: str


class TallyOut(Schema):
    branches: dict[str, int]
    members: dict[str, int]


class GroupTallyOut(TallyOut):
    unit_id: int
    unit: str


class DiscussionStateOut(Schema):
    """Branch positions rolled up: overall and per unit directly below the body's unit.
    Stances: support, oppose, support_if_amended, not_yet."""

    overall: TallyOut
    groups: list[GroupTallyOut]


class MotionRightsOut(Schema):
    """What the person asking may do with the motion now."""

    edit: bool
    support: bool
    manage: bool
    withdraw: bool
    discuss: bool
    amend: bool


class MotionOut(MotionSummaryOut):
    text: str
    text_html: str
    supporting_statement: str
    proposing_unit_id: int | None
    proposing_body_id: int | None
    authority: str
    created_by_id: int
    created_by_name: str
    admitted_at: datetime | None
    decided_at: datetime | None
    status_reason: str
    composite_id: int | None
    supporters_needed: int
    supported: bool
    decision_id: int | None
    proposers: list[ProposerOut]
    versions: list[VersionOut]
    amendments: list[AmendmentOut]
    history: list[StatusChangeOut]
    state: DiscussionStateOut | None
    can: MotionRightsOut


class MotionIn(Input):
    body_id: int = Id()
    title: str = Field(max_length=200)
    text: str = Field(max_length=MAX_TEXT)
    supporting_statement: str = Field("", max_length=TEXT)
    proposing_unit_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Propose for a unit you are an officer of (its meeting decided it).",
    )
    by_body: bool = Field(False, description="Propose in the name of the body itself.")
    authority: str = Field(
        "", max_length=200, description="For unit or body motions: the meeting that decided."
    )


class DraftIn(Input):
    title: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=MAX_TEXT)
    supporting_statement: str | None = Field(None, max_length=TEXT)


class ReasonIn(Input):
    reason: str = Field("", max_length=TEXT)


class DiscussionIn(Input):
    deadline: date | None = Field(
        None, description="Defaults to the body's discussion period from today."
    )


class DiscussionOpenedOut(Schema):
    notified: int
    motion: MotionOut


class CompositeIn(Input):
    motion_ids: list[ItemId] = Field(max_length=100)
    title: str = Field(max_length=200)
    text: str = Field(max_length=MAX_TEXT)


class AmendmentIn(Input):
    kind: str = Field(max_length=8, description="delete, insert, replace or whole")
    passage: str = Field("", max_length=MAX_TEXT)
    new_text: str = Field("", max_length=MAX_TEXT)
    explanation: str = Field("", max_length=TEXT)
    proposing_unit_id: int | None = OptionalId()


class AmendmentStanceOut(Schema):
    amendment: int = Field(description="The amendment's id.")
    number: int
    stance: str = Field(description="support or oppose")


class PositionOut(Schema):
    id: int
    motion_id: int
    unit_id: int
    unit_name: str
    stance: str
    votes_for: int
    votes_against: int
    abstentions: int
    mandate: str
    mandate_note: str
    meeting_id: int | None = Field(description="The meeting that decided the position, if any.")
    vote_id: int | None = Field(description="The meeting's vote on the motion, if it decided.")
    amendment_stances: list[AmendmentStanceOut]
    recorded_by_id: int
    recorded_at: datetime
    is_current: bool


class PositionIn(Input):
    unit_id: int = Id()
    stance: str = Field(max_length=20, description="support, oppose or support_if_amended")
    votes_for: int = Field(0, ge=0, le=MAX_COUNT)
    votes_against: int = Field(0, ge=0, le=MAX_COUNT)
    abstentions: int = Field(0, ge=0, le=MAX_COUNT)
    mandate: str = Field("free", max_length=10, description="instructed or free")
    mandate_note: str = Field("", max_length=TEXT)
    meeting_id: int | None = OptionalId()


class PostOut(Schema):
    id: int
    motion_id: int
    parent_id: int | None
    author_id: int
    author_name: str
    text: str = Field(description="Empty for a hidden post; the reason is given instead.")
    created_at: datetime
    edited_at: datetime | None
    revisions: int
    is_hidden: bool
    hidden_reason: str


class PostIn(Input):
    text: str = Field(max_length=TEXT)
    parent_id: int | None = OptionalId()


class PostEditIn(Input):
    text: str = Field(max_length=TEXT)


class HideIn(Input):
    reason: str = Field(max_length=TEXT)


class ContributionOut(Schema):
    id: int
    bulletin_id: int
    motion_id: int | None
    author_id: int
    signature: str
    title: str
    text: str
    submitted_at: datetime


class BulletinOut(Schema):
    id: int
    body_id: int
    title: str
    opens_on: date
    closes_on: date
    published_at: datetime | None


class BulletinDetailOut(BulletinOut):
    contributions: list[ContributionOut]


class BulletinIn(Input):
    body_id: int = Id()
    title: str = Field(max_length=200)
    opens_on: date
    closes_on: date


class ContributionIn(Input):
    title: str = Field(max_length=200)
    text: str = Field(max_length=TEXT)
    signature: str = Field("", max_length=200)
    motion_id: int | None = OptionalId()


class NotDiscussedOut(Schema):
    unit_id: int
    unit_name: str
    deadline: date
    reminded_at: datetime | None = Field(description="When its officers were last reminded.")


class BranchReminderOut(Schema):
    reminded: int = Field(description="Branches reminded (each at most once a day).")
