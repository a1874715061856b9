"""The secret-ballot API: every step of a ballot through the same services and permission
loaders as the pages. Nothing here shows a count before the close, to anybody."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from iskra.accounts.api_auth import request_user
from iskra.accounts.models import User
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_IN_PATH, PathId, Tracker
from iskra.apikit.pagination import Paged, Pages
from iskra.apikit.schemas import Error
from iskra.ballots import services
from iskra.ballots.api_out import (
    aware_time,
    ballot_out,
    challenge_out,
    no_store,
    refuse_until_closed,
    report_out,
    result_out,
    sees_challengers,
    status_word,
)
from iskra.ballots.models import Ballot, RollEntry, VoteMark
from iskra.ballots.permissions import (
    can_manage,
    can_see_whole_roll,
    is_scrutineer,
    load_ballot,
    load_challenge,
)
from iskra.ballots.schemas import (
    BallotIn,
    BallotSummaryOut,
    BoardEntryOut,
    ChallengeDecisionIn,
    ChallengeIn,
    ChallengeOut,
    CredentialIn,
    CredentialVoteIn,
    ExtendIn,
    OpenRefusedOut,
    PaperOut,
    ProblemsOut,
    QuestionIn,
    QuestionOut,
    RemindOut,
    ResultOut,
    RollEntryOut,
    ScrutineerIn,
    ScrutineerReportOut,
    SecretBallotOut,
    TrackerFoundOut,
    TrackerOut,
    VoteIn,
)
from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.organisation.models import Body
from iskra.organisation.permissions import load_unit, officer_scope_q, require

router = Router(tags=["ballots"])
VOTE_ERRORS: dict[int, Any] = {**ERRORS, 409: Error}
OPEN_ERRORS: dict[int, Any] = {**ERRORS, 400: OpenRefusedOut}
# The largest page a client may ask for: what the pagination schema allows (ninja's own
# default cap is 100, which silently cut bigger pages short).
MAX_PAGE_SIZE = 1000

NOT_YET_COUNTED = services.NOT_YET_COUNTED
VOTED_MESSAGE = (
    "Your vote has been recorded. Keep your tracker code: after the close you can find your "
    "ballot on the bulletin board with it."
)


# --- Listing and defining ------------------------------------------------------------------------


@router.get("/ballots", response={200: list[BallotSummaryOut], **ERRORS})
@paginate(Pages, page_size=50, max_page_size=MAX_PAGE_SIZE)
def list_ballots(request: HttpRequest) -> Any:
    """Ballots I am on the roll of, manage or scrutinise, each with my own roll status."""
    user = request_user(request)
    mine = RollEntry.objects.filter(ballot=OuterRef("pk"), user=user)
    voted = VoteMark.objects.filter(roll_entry__ballot=OuterRef("pk"), roll_entry__user=user)
    # officer_scope_q is an empty Q for administrators, which would vanish from an "or".
    scope = (
        Q()
        if user.is_superuser
        else Q(roll__user=user) | Q(scrutineer=user) | officer_scope_q(user)
    )
    ballots = (
        Ballot.objects.filter(scope)
        .distinct()
        .select_related("unit")
        .annotate(on_roll=Exists(mine), has_voted=Exists(voted))
        .order_by("-opens_at", "-pk")
    )

    def serialise(b: Any) -> dict[str, Any]:
        return {
            "id": b.pk,
            "title": b.title,
            "preset": b.preset,
            "state": b.state,
            "unit_id": b.unit_id,
            "unit_name": b.unit.name,
            "opens_at": b.opens_at,
            "closes_at": b.closes_at,
            "roll_size": b.roll_size,
            "my_status": status_word(b.has_voted if b.on_roll else None),
            "can_manage": can_manage(user, b),
            "is_scrutineer": is_scrutineer(user, b),
        }

    return Paged(ballots, serialise)


@router.post("/ballots", response={201: SecretBallotOut, **ERRORS})
def create_ballot(request: HttpRequest, payload: BallotIn) -> Any:
    """Define a draft ballot for a unit (officers of the unit)."""
    user = request_user(request)
    unit = load_unit(user, payload.unit_id)
    body = None
    if payload.constituency_body_id is not None:
        body = Body.objects.select_related("unit").filter(pk=payload.constituency_body_id).first()
        if body is None:
            raise NotFound("No such body.")
    ballot = services.create_ballot(
        actor=user,
        unit=unit,
        title=payload.title,
        preset=payload.preset,
        opens_at=aware_time(payload.opens_at),
        closes_at=aware_time(payload.closes_at),
        description=payload.description,
        paper_text=payload.paper_text,
        question=payload.question,
        filter_workplace=payload.filter_workplace,
        filter_employer=payload.filter_employer,
        filter_job_title=payload.filter_job_title,
        important_public_service=payload.important_public_service,
        constituency_body=body,
        min_published_ballots=payload.min_published_ballots,
        sealed=payload.sealed,
    )
    return Status(201, ballot_out(user, ballot.pk))


@router.get("/ballots/{ballot_id}", response={200: SecretBallotOut, **ERRORS})
def get_ballot(request: HttpRequest, ballot_id: PathId) -> Any:
    """The definition, state, roll size and my roll status. Never a count while open."""
    return ballot_out(request_user(request), ballot_id)


@router.post("/ballots/{ballot_id}/questions", response={201: QuestionOut, **ERRORS})
def add_question(request: HttpRequest, ballot_id: PathId, payload: QuestionIn) -> Any:
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    question = services.add_question(
        actor=user,
        ballot=ballot,
        kind=payload.kind,
        text=payload.text,
        options=payload.options,
        seats=payload.seats,
        max_choices=payload.max_choices,
    )
    return Status(201, next(q for q in services.questions_data(ballot) if q["id"] == question.pk))


@router.post("/ballots/{ballot_id}/scrutineer", response={200: SecretBallotOut, **ERRORS})
def appoint_scrutineer(request: HttpRequest, ballot_id: PathId, payload: ScrutineerIn) -> Any:
    """Appoint the scrutineer, by email address or user id: someone with no office in the unit."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    # Officers only, before any lookup: nobody else may probe who has an account.
    require(can_manage(user, ballot), "Only officers of the unit change this ballot.")
    people = User.objects.filter(is_active=True)
    if payload.user_id is not None:
        person = people.filter(pk=payload.user_id).first()
    elif payload.email:
        person = people.filter(email__iexact=payload.email.strip()).first()
    else:
        raise DomainError("Give the scrutineer's email address or user id.")
    if person is None:
        raise DomainError("Nobody with that email address or id.")
    services.appoint_scrutineer(actor=user, ballot=ballot, scrutineer=person)
    return ballot_out(user, ballot.pk)


@router.get("/ballots/{ballot_id}/problems", response={200: ProblemsOut, **ERRORS})
def ballot_problems(request: HttpRequest, ballot_id: PathId) -> Any:
    """Everything that stops the ballot from opening (officers and the scrutineer)."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    require(
        can_manage(user, ballot) or is_scrutineer(user, ballot),
        "The checklist is for the officers and the scrutineer.",
    )
    found = services.problems(ballot)
    return {"problems": found, "can_open": not found}


@router.post("/ballots/{ballot_id}/open", response={200: SecretBallotOut, **OPEN_ERRORS})
def open_ballot(request: HttpRequest, ballot_id: PathId) -> Any:
    """Freeze the roll and email every voter their credential. Refused while problems remain."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    try:
        services.open_ballot(actor=user, ballot=ballot)
    except PermissionDenied:
        raise
    except DomainError as exc:
        ballot.refresh_from_db()
        return Status(400, {"detail": exc.message, "problems": services.problems(ballot)})
    return ballot_out(user, ballot.pk)


# --- Voting --------------------------------------------------------------------------------------


@router.post("/ballots/{ballot_id}/vote", response={201: TrackerOut, **VOTE_ERRORS})
def vote(request: HttpRequest, ballot_id: PathId, payload: VoteIn, response: HttpResponse) -> Any:
    """Vote as the signed-in (or token-holding) member on the roll. Returns the tracker."""
    no_store(response)
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    tracker = services.cast_ballot(ballot=ballot, answers=payload.answers, user=user)
    services.email_tracker(ballot=ballot, voter=user, tracker=tracker)
    return Status(201, {"tracker": tracker, "message": VOTED_MESSAGE})


def _ballot_for_credential(ballot_id: int) -> Ballot:
    ballot = Ballot.objects.filter(pk=ballot_id).exclude(state=Ballot.State.DRAFT).first()
    if ballot is None:
        raise NotFound("No such ballot.")
    return ballot


def _credential(raw: str) -> str:
    # The whole emailed link is accepted as well as the token it ends with.
    raw = raw.strip()
    return raw.rstrip("/").rsplit("/", 1)[-1] if "/v/" in raw else raw


@router.post(
    "/ballots/{ballot_id}/vote-with-credential",
    auth=None,
    response={201: TrackerOut, **VOTE_ERRORS},
)
def vote_with_credential(
    request: HttpRequest, ballot_id: int, payload: CredentialVoteIn, response: HttpResponse
) -> Any:
    """Vote with the one-time credential from the email; no sign-in. Returns the tracker (and
    emails it to the voter). Every question must be answered — an option, a list of options, or
    "blank" to leave it blank on purpose; an unknown question or option, or a question left
    out, is refused with 400 naming it, and the credential stays unused."""
    no_store(response)
    ballot = _ballot_for_credential(ballot_id)
    credential = _credential(payload.credential)
    tracker = services.cast_ballot(ballot=ballot, answers=payload.answers, credential=credential)
    services.email_tracker(
        ballot=ballot, voter=services.voter_by_credential(ballot, credential), tracker=tracker
    )
    return Status(201, {"tracker": tracker, "message": VOTED_MESSAGE})


@router.post("/ballots/{ballot_id}/paper", auth=None, response={200: PaperOut, **ERRORS})
def voting_paper(
    request: HttpRequest, ballot_id: PathId, payload: CredentialIn, response: HttpResponse
) -> Any:
    """The voting paper for a credential holder (the credential goes in the body, never in a
    URL): the questions to answer and whether the credential has been used."""
    no_store(response)
    ballot = _ballot_for_credential(ballot_id)
    entry = (
        RollEntry.objects.filter(
            ballot=ballot,
            credential_hash=services.hash_credential(_credential(payload.credential)),
        )
        .select_related("mark")
        .first()
    )
    if entry is None:
        raise PermissionDenied(
            "This voting link is not valid: it may have been replaced by a newer one."
        )
    return {
        "ballot_id": ballot.pk,
        "title": ballot.title,
        "description": ballot.description,
        "paper_text": ballot.paper_text,
        "closes_at": ballot.closes_at,
        "voted": hasattr(entry, "mark"),
        "questions": services.questions_data(ballot),
    }


# --- During the ballot ---------------------------------------------------------------------------


@router.get("/ballots/{ballot_id}/challenges", response={200: list[ChallengeOut], **ERRORS})
def list_challenges(request: HttpRequest, ballot_id: PathId) -> Any:
    """Every challenge for the scrutineer and the officers; my own for anyone else."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    challenges = ballot.challenges.select_related("user")
    if not sees_challengers(user, ballot):
        challenges = challenges.filter(user=user)
    return [challenge_out(c, named=True) for c in challenges]


@router.post("/ballots/{ballot_id}/challenges", response={201: ChallengeOut, **ERRORS})
def raise_challenge(request: HttpRequest, ballot_id: PathId, payload: ChallengeIn) -> Any:
    """I believe I was wrongly left off the roll; the scrutineer decides."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    challenge = services.raise_challenge(actor=user, ballot=ballot, reason=payload.reason)
    return Status(201, challenge_out(challenge, named=True))


@router.post("/challenges/{challenge_id}/decide", response={200: ChallengeOut, **ERRORS})
def decide_challenge(
    request: HttpRequest, challenge_id: PathId, payload: ChallengeDecisionIn
) -> Any:
    """Uphold (the person is added to the roll and sent a credential) or reject: the scrutineer."""
    user = request_user(request)
    challenge = load_challenge(user, challenge_id)
    challenge = services.decide_challenge(
        actor=user, challenge=challenge, uphold=payload.uphold, reason=payload.reason
    )
    return challenge_out(challenge, named=True)


@router.post("/ballots/{ballot_id}/extend", response={200: SecretBallotOut, **ERRORS})
def extend_ballot(request: HttpRequest, ballot_id: PathId, payload: ExtendIn) -> Any:
    """Move the closing time later, with a recorded reason, before it passes (officers)."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    services.extend_ballot(
        actor=user, ballot=ballot, closes_at=aware_time(payload.closes_at), reason=payload.reason
    )
    return ballot_out(user, ballot.pk)


@router.post("/ballots/{ballot_id}/remind", response={200: RemindOut, **ERRORS})
def remind(request: HttpRequest, ballot_id: PathId) -> Any:
    """Send a fresh credential to everyone on the roll who has not voted yet; their earlier
    links stop working. How many that is is not said: it would be the turnout so far, and
    nothing is counted before the close."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    services.send_reminders(actor=user, ballot=ballot)
    return {"detail": services.reminder_sent(ballot)}


# --- After the close -----------------------------------------------------------------------------


@router.get("/ballots/{ballot_id}/result", response={200: ResultOut, **ERRORS})
def result(request: HttpRequest, ballot_id: PathId) -> Any:
    """The count with every threshold's arithmetic. Not found before the close — for anyone."""
    ballot = load_ballot(request_user(request), ballot_id)
    refuse_until_closed(ballot)
    return result_out(ballot)


def _public_board(user: User, ballot_id: int) -> Ballot:
    ballot = load_ballot(user, ballot_id)
    shown = services.publication(ballot)
    if not shown.breakdown:
        raise NotFound(shown.reason)
    return ballot


@router.get("/ballots/{ballot_id}/board", response={200: list[BoardEntryOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=MAX_PAGE_SIZE)
def board(request: HttpRequest, ballot_id: int = ID_IN_PATH) -> Any:
    """The bulletin board: every ballot in random order, each chained to the one before."""
    ballot = _public_board(request_user(request), ballot_id)
    return Paged(
        ballot.board.order_by("position"),
        lambda e: {
            "position": e.position,
            "tracker": e.tracker,
            "content": e.content,
            "chain_hash": e.chain_hash,
        },
    )


def _readable(questions: list[dict[str, Any]], content: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for q in questions:
        answer = content.get(str(q["id"]), "blank")
        picked = [answer] if isinstance(answer, int) else answer if isinstance(answer, list) else []
        labels = [
            q["options"][i] for i in picked if isinstance(i, int) and 0 <= i < len(q["options"])
        ]
        out.append({"question": q["text"], "blank": not labels, "choices": labels})
    return out


@router.get("/ballots/{ballot_id}/board/{tracker}", response={200: TrackerFoundOut, **ERRORS})
def find_tracker(request: HttpRequest, ballot_id: PathId, tracker: Tracker) -> Any:
    """Find my ballot on the board by its tracker code and see it as cast."""
    ballot = _public_board(request_user(request), ballot_id)
    entry = ballot.board.filter(tracker=services.normalise_tracker(tracker)).first()
    if entry is None:
        raise NotFound("No ballot with that tracker code on this board.")
    return {
        "position": entry.position,
        "tracker": entry.tracker,
        "content": entry.content,
        "chain_hash": entry.chain_hash,
        "answers": _readable(services.questions_data(ballot), entry.content),
        "board_hash": ballot.board_hash,
    }


@router.get("/ballots/{ballot_id}/roll", response={200: list[RollEntryOut], **ERRORS})
@paginate(Pages, page_size=100, max_page_size=MAX_PAGE_SIZE)
def whole_roll(request: HttpRequest, ballot_id: int = ID_IN_PATH) -> Any:
    """Who voted — never how: for the scrutineer, after the close."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    require(
        can_see_whole_roll(user, ballot), "The whole roll is for the scrutineer, after the close."
    )
    entries = (
        RollEntry.objects.filter(ballot=ballot)
        .select_related("user")
        .annotate(voted=Exists(VoteMark.objects.filter(roll_entry=OuterRef("pk"))))
        .order_by("user__full_name", "pk")
    )
    return Paged(
        entries,
        lambda e: {
            "user_id": e.user_id,
            "name": e.user.full_name,
            "email": e.user.email,
            "voted": e.voted,
            "added_on_challenge": e.added_on_challenge,
        },
    )


@router.get("/ballots/{ballot_id}/report", response={200: ScrutineerReportOut, **ERRORS})
def report(request: HttpRequest, ballot_id: PathId) -> Any:
    """The scrutineer's report: roll, challenges, timings, anomalies, result and final hash."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    refuse_until_closed(ballot, "The report is written after the count.")
    return report_out(user, ballot)


@router.post("/ballots/{ballot_id}/report/sign", response={200: ScrutineerReportOut, **ERRORS})
def sign_report(request: HttpRequest, ballot_id: PathId) -> Any:
    """The scrutineer signs the report off (recorded in the audit log)."""
    user = request_user(request)
    ballot = load_ballot(user, ballot_id)
    services.sign_report(actor=user, ballot=ballot)
    return report_out(user, load_ballot(user, ballot_id))


@router.get("/ballots/{ballot_id}/export", response={200: dict[str, Any], **ERRORS})
def export(request: HttpRequest, ballot_id: PathId) -> Any:
    """The published record, exactly as `iskra ballot export` writes it: enough to recount."""
    ballot = load_ballot(request_user(request), ballot_id)
    refuse_until_closed(ballot, "A ballot is exported after its count.")
    return services.export(ballot)
