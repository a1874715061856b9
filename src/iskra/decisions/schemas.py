"""Schemas of the decisions API: decisions, dissent, actions, commitments and reports."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from iskra.apikit.inputs import MAX_COUNT, MAX_ID, TEXT, Input, OptionalId
from iskra.meetings.schemas import VoteOut


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
