"""Schemas of the secret-ballot API. Nothing here can carry a partial count: a ballot's figures
appear only in the result, the report and the export, which exist after the close."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field

from iskra.apikit.inputs import MAX_ID, Id, Input, OptionalId

Label = Annotated[str, Field(max_length=200)]
RollStatus = Literal["voted", "not voted", "not on roll"]


def _plausible(moment: datetime) -> datetime:
    # Far-off years overflow when converted to UTC for storage.
    if not 1970 <= moment.year <= 9000:
        raise ValueError("must be a time between the years 1970 and 9000")
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible)]


# --- In ----------------------------------------------------------------------------------------


class BallotIn(Input):
    unit_id: int = Id()
    title: str = Field(max_length=200)
    preset: str = Field(
        max_length=24,
        description="uk_industrial_action, union_two_thirds, simple_majority, stv_committee or recall",
    )
    opens_at: Moment
    closes_at: Moment
    description: str = Field("", max_length=20_000)
    paper_text: str = Field("", max_length=20_000)
    question: str = Field(
        "", max_length=500, description="For yes/no presets: adds the question with Yes/No."
    )
    filter_workplace: Label = ""
    filter_employer: Label = ""
    filter_job_title: Label = ""
    important_public_service: bool = False
    constituency_body_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Instead of the unit's members: the members of this body of the unit.",
    )
    min_published_ballots: int = Field(
        10,
        ge=1,
        le=1_000_000,
        description="If fewer ballots than this are cast, the bulletin board and the figures for "
        "each answer are withheld (they would show how people voted); turnout and the outcome "
        "are still published.",
    )
    sealed: bool | None = Field(
        None,
        description="A sealed ballot (docs/sealed.md): encrypted in the voter's browser, opened "
        "by k of its trustees together; its trustees are named on the ballot's set-up page. "
        "Leave it out (or null) for the default of the kind of ballot: sealed for a ballot of "
        "all the members, an election (stv_committee) and a recall, whoever votes in them; "
        "plain for a secret vote of a body's members (constituency_body_id). true or false "
        "chooses.",
    )


class QuestionIn(Input):
    kind: str = Field(max_length=12, description="yes_no, choose_one, approval, ranked or stv")
    text: str = Field(max_length=2000)
    options: list[Label] = Field(default_factory=list, max_length=200)
    seats: int = Field(1, ge=1, le=1000)
    max_choices: int = Field(1, ge=1, le=1000)


class ScrutineerIn(Input):
    email: str | None = Field(None, max_length=254)
    user_id: int | None = OptionalId()


class ChallengeIn(Input):
    reason: str = Field(max_length=5000)


class ChallengeDecisionIn(Input):
    uphold: bool
    reason: str = Field(max_length=5000)


class ExtendIn(Input):
    closes_at: Moment
    reason: str = Field(max_length=5000)


class VoteIn(Input):
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Question id → answer, for every question on the paper: an option index for "
        "yes/no and choose-one, a list of indexes for approval and ranked/STV (in order of "
        'preference), or "blank" to leave the question blank on purpose. A question left out, '
        "an unknown question or option, an empty list or null is refused (400, naming it) and "
        "nothing is recorded.",
    )


class CredentialIn(Input):
    credential: str = Field(min_length=1, max_length=500, description="The token from the email")


class CredentialVoteIn(VoteIn):
    credential: str = Field(min_length=1, max_length=500, description="The token from the email")


# --- Out ---------------------------------------------------------------------------------------


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    seats: int
    max_choices: int
    options: list[str]


class BallotSummaryOut(Schema):
    id: int
    title: str
    preset: str
    state: str
    unit_id: int
    unit_name: str
    opens_at: datetime
    closes_at: datetime
    roll_size: int
    my_status: RollStatus
    can_manage: bool
    is_scrutineer: bool


class ExtensionOut(Schema):
    old_closes_at: datetime
    new_closes_at: datetime
    reason: str
    by: str
    at: datetime


class SecretBallotOut(Schema):
    id: int
    title: str
    preset: str
    description: str
    paper_text: str
    state: str = Field(
        description="draft, open, tallying (a sealed ballot closed, awaiting its trustees' "
        "decryption) or closed"
    )
    sealed: bool = False
    unit_id: int
    unit_name: str
    constituency_body_id: int | None
    filter_workplace: str
    filter_employer: str
    filter_job_title: str
    important_public_service: bool
    turnout_rule_repealed: bool
    opens_at: datetime
    closes_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    scrutineer_id: int | None
    scrutineer_name: str | None
    roll_size: int
    min_published_ballots: int
    my_status: RollStatus
    can_manage: bool
    is_scrutineer: bool
    questions: list[QuestionOut]
    extensions: list[ExtensionOut]
    board_public: bool
    board_hash: str
    report_signed_at: datetime | None


class ProblemsOut(Schema):
    problems: list[str]
    can_open: bool


class OpenRefusedOut(Schema):
    detail: str
    problems: list[str]


class PaperOut(Schema):
    ballot_id: int
    title: str
    description: str
    paper_text: str
    closes_at: datetime
    voted: bool
    questions: list[QuestionOut]


class TrackerOut(Schema):
    tracker: str
    message: str


class RemindOut(Schema):
    detail: str


class ChallengeOut(Schema):
    id: int
    ballot_id: int
    name: str | None
    reason: str | None
    state: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str


class ResultOut(Schema):
    ballot_id: int
    title: str
    closed_at: datetime | None
    entitled: int
    cast: int
    turnout: str
    turnout_arithmetic: str
    rule: str
    questions: list[dict[str, Any]]
    board_hash: str
    board_public: bool = Field(
        description="Whether the board and the figures for each answer are published."
    )
    withheld_reason: str | None = Field(
        None,
        description="Why the board and the figures for each answer are withheld (too few "
        "ballots were cast); null when they are published.",
    )


class BoardEntryOut(Schema):
    position: int
    tracker: str
    content: dict[str, Any]
    chain_hash: str


class ReadableAnswerOut(Schema):
    question: str
    blank: bool
    choices: list[str]


class TrackerFoundOut(BoardEntryOut):
    answers: list[ReadableAnswerOut]
    board_hash: str


class RollEntryOut(Schema):
    user_id: int
    name: str
    email: str
    voted: bool
    added_on_challenge: bool


class ScrutineerReportOut(Schema):
    ballot_id: int
    title: str
    preset: str
    scrutineer_name: str | None
    opened_at: datetime | None
    closes_at: datetime
    closed_at: datetime | None
    roll_size: int
    cast: int
    turnout: str
    refused_second_attempts: int
    failed_deliveries: int
    board_hash: str
    challenges: list[ChallengeOut]
    extensions: list[ExtensionOut]
    result: dict[str, Any]
    signed_at: datetime | None
    signed_by: str | None
