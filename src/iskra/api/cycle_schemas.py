"""Schemas of the democratic-centralist cycle's API: motions, meetings, decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from iskra.api.inputs import LONG_TEXT, MAX_ID, TEXT, Id, Input, OptionalId

# The largest figure a PositiveIntegerField holds on every database.
MAX_COUNT = 2_147_483_647
# An id in a list (``motion_ids``).
ItemId = Annotated[int, Field(ge=1, le=MAX_ID)]


# --- Motions -----------------------------------------------------------------------------------


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
    text: str = Field(max_length=LONG_TEXT)
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
    text: str | None = Field(None, max_length=LONG_TEXT)
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
    text: str = Field(max_length=LONG_TEXT)


class AmendmentIn(Input):
    kind: str = Field(max_length=8, description="delete, insert, replace or whole")
    passage: str = Field("", max_length=LONG_TEXT)
    new_text: str = Field("", max_length=LONG_TEXT)
    explanation: str = Field("", max_length=TEXT)
    proposing_unit_id: int | None = OptionalId()


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
    meeting_id: int | None
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


# --- Meetings ----------------------------------------------------------------------------------


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
    present: int
    entitled: int
    required: int
    met: bool


class RollCallBallotOut(Schema):
    user_id: int
    name: str
    choice: str
    weight: float
    represents_unit_id: int | None


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


class MeetingOut(MeetingSummaryOut):
    notice: str
    opened_at: datetime | None
    closed_at: datetime | None
    minutes: str
    minutes_approved_at: datetime | None
    minutes_approved_at_meeting_id: int | None
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    quorum: QuorumOut
    votes: list[VoteOut]
    can_run: bool
    signed_in: bool


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
    choice: str = Field(max_length=8, description="for, against or abstain")


class MinutesIn(Input):
    text: str = Field(max_length=LONG_TEXT)


class ApproveMinutesIn(Input):
    at_meeting_id: int = Field(
        ge=1, le=MAX_ID, description="The later meeting, in progress, that approves them."
    )


# --- Decisions ---------------------------------------------------------------------------------


class DecisionSummaryOut(Schema):
    id: int
    number: str
    title: str
    body_id: int
    body_name: str
    scope_id: int
    scope_name: str
    effective_on: date
    status: str
    is_public: bool


class DecisionVoteOut(Schema):
    id: int
    method: str
    votes_for: float
    votes_against: float
    abstentions: float
    carried: bool | None
    meeting_id: int


class DissentOut(Schema):
    id: int
    user_id: int | None
    name: str | None
    unit_id: int | None
    unit_name: str | None
    text: str
    created_at: datetime


class ChildActionOut(Schema):
    id: int
    title: str
    unit_id: int | None
    assignee_id: int | None
    due_on: date
    target: int | None


class ActionSummaryOut(ChildActionOut):
    decision_id: int
    parent_id: int | None
    description: str
    measure: str
    unit_name: str | None
    assignee_name: str | None
    children: list[ChildActionOut]


class DecisionOut(DecisionSummaryOut):
    text: str
    text_html: str
    motion_id: int
    meeting_id: int | None
    dissent_until: date
    amends_id: int | None
    rescinds_id: int | None
    amended_by: list[int]
    rescinded_by: list[int]
    vote: DecisionVoteOut | None
    votes: list[VoteOut] = Field(
        description="Every vote on the motion and its amendments, names included (members only)."
    )
    dissents: list[DissentOut]
    actions: list[ActionSummaryOut]


class DissentIn(Input):
    text: str = Field(max_length=2000)
    unit_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Record it for a unit you are an officer of."
    )


class ActionIn(Input):
    title: str = Field(max_length=200)
    due_on: date
    description: str = Field("", max_length=TEXT)
    target: int | None = Field(None, ge=0, le=MAX_COUNT)
    measure: str = Field("", max_length=60)
    unit_id: int | None = OptionalId()
    assignee_id: int | None = OptionalId()
    parent_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Cascade: the action this one carries out."
    )


class CommitmentOut(Schema):
    id: int
    action_id: int
    user_id: int
    name: str
    description: str
    amount: int
    due_on: date | None
    created_at: datetime


class ActionReportOut(Schema):
    id: int
    action_id: int
    unit_id: int | None
    commitment_id: int | None
    figure: int
    text: str
    corrects_id: int | None
    reported_by_id: int
    created_at: datetime


class ActionOut(ActionSummaryOut):
    commitments: list[CommitmentOut]
    reports: list[ActionReportOut]


class CommitmentIn(Input):
    description: str = Field(max_length=300)
    amount: int = Field(0, ge=0, le=MAX_COUNT)
    due_on: date | None = None


class ReportIn(Input):
    figure: int = Field(0, ge=0, le=MAX_COUNT)
    text: str = Field("", max_length=TEXT)
    commitment_id: int | None = OptionalId()
    corrects_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The report this one corrects: its figure then no longer counts.",
    )


class DashboardRowOut(Schema):
    unit_id: int | None
    unit: str
    asked: int
    target: int
    committed: int
    commitments: int
    reported: int
    reports: int
    overdue: int


class DashboardOut(Schema):
    """Asked / committed / reported / overdue for a unit and each unit directly below it."""

    total: DashboardRowOut
    rows: list[DashboardRowOut]
