"""Defining a ballot and opening it: questions, scrutineer, the checks before opening, the roll frozen, credentials and reminders sent; a motion put to a ballot."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.ballots import tasks
from iskra.ballots.models import (
    Ballot,
    Option,
    Preset,
    Question,
)
from iskra.ballots.permissions import (
    can_manage,
    holds_office_in,
    is_scrutineer,
)
from iskra.ballots.policy import resolve_sealed
from iskra.ballots.services.common import _lock_draft
from iskra.core.errors import DomainError
from iskra.members.models import Status
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require

# --- Defining ----------------------------------------------------------------------------------


YES_NO_PRESETS = {
    Preset.UK_INDUSTRIAL_ACTION,
    Preset.UNION_TWO_THIRDS,
    Preset.SIMPLE_MAJORITY,
    Preset.RECALL,
}

STATUTORY_STATEMENT = (
    "If you take part in a strike or other industrial action, you may be in breach of your "
    "contract of employment.\n\nHowever, if you are dismissed for taking part in a strike or "
    "other industrial action which is called officially and is otherwise lawful, the dismissal "
    "will be unfair if it takes place fewer than twelve weeks after you started taking part in "
    "the action, and depending on the circumstances may be unfair if it takes place later."
)


@transaction.atomic
def create_ballot(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    preset: str,
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    paper_text: str = "",
    question: str = "",
    filter_workplace: str = "",
    filter_employer: str = "",
    filter_job_title: str = "",
    important_public_service: bool = False,
    constituency_body: Any = None,
    min_published_ballots: int | None = None,
    sealed: bool | None = None,
) -> Ballot:
    """A draft ballot. ``sealed``: encrypted in voters' browsers, opened by trustees
    (docs/sealed.md); its trustees are named on the draft (``configure_sealed``). None (not
    said) is the policy's default for the kind of ballot (``iskra.ballots.policy``): sealed
    for an all-member ballot, an election and a recall."""
    require(is_officer_of(actor, unit), "Only officers of the unit define its ballots.")
    sealed_by_default = sealed is None
    if min_published_ballots is None:
        min_published_ballots = Ballot._meta.get_field("min_published_ballots").get_default()
    if not 1 <= min_published_ballots <= 1_000_000:
        raise DomainError("The publication minimum is a number of ballots, at least 1.")
    if preset not in Preset.values:
        raise DomainError("Choose the kind of ballot.")
    if not title.strip():
        raise DomainError("A ballot needs a title.")
    if closes_at <= opens_at:
        raise DomainError("The ballot must close after it opens.")
    if constituency_body is not None and not constituency_body.unit.path.startswith(unit.path):
        raise DomainError("The constituency body must belong to the ballot's unit or one below it.")
    sealed = resolve_sealed(sealed, preset=preset, constituency_body=constituency_body)
    if preset == Preset.UK_INDUSTRIAL_ACTION and not paper_text.strip():
        paper_text = STATUTORY_STATEMENT
    ballot = Ballot.objects.create(
        unit=unit,
        title=title.strip(),
        preset=preset,
        opens_at=opens_at,
        closes_at=closes_at,
        description=description.strip(),
        paper_text=paper_text.strip(),
        filter_workplace=filter_workplace.strip(),
        filter_employer=filter_employer.strip(),
        filter_job_title=filter_job_title.strip(),
        important_public_service=important_public_service,
        constituency_body=constituency_body,
        min_published_ballots=min_published_ballots,
        created_by=actor,
        created_at=timezone.now(),
        sealed=sealed,
        sealed_uuid=str(uuid.uuid4()) if sealed else "",
    )
    if preset in YES_NO_PRESETS and question.strip():
        add_question(
            actor=actor,
            ballot=ballot,
            kind=Question.Kind.YES_NO,
            text=question.strip(),
            options=["Yes", "No"],
        )
    record(
        actor=actor,
        action="ballot.create",
        obj=ballot,
        unit=unit,
        data={
            "title": ballot.title,
            "preset": preset,
            "min_published_ballots": min_published_ballots,
            "sealed": sealed,
            "sealed_by_default": sealed_by_default,
        },
    )
    return ballot


@transaction.atomic
def add_question(
    *,
    actor: Any,
    ballot: Ballot,
    kind: str,
    text: str,
    options: list[str],
    seats: int = 1,
    max_choices: int = 1,
) -> Question:
    ballot = _lock_draft(actor, ballot)
    return _add_question(
        actor, ballot, kind=kind, text=text, options=options, seats=seats, max_choices=max_choices
    )


@transaction.atomic
def add_question_by_rule(
    *, ballot: Ballot, kind: str, text: str, options: list[str], seats: int = 1
) -> Question:
    """``add_question`` for a rule, not a person (a by-election's candidates when its
    nominations close): the draft's question, recorded with no actor."""
    ballot = Ballot.objects.select_for_update().select_related("unit").get(pk=ballot.pk)
    if ballot.state != Ballot.State.DRAFT:
        raise DomainError("An opened ballot cannot be changed.")
    return _add_question(None, ballot, kind=kind, text=text, options=options, seats=seats)


def _add_question(
    actor: Any,
    ballot: Ballot,
    *,
    kind: str,
    text: str,
    options: list[str],
    seats: int = 1,
    max_choices: int = 1,
) -> Question:
    if kind not in Question.Kind.values:
        raise DomainError("Choose the kind of question.")
    labels = [o.strip() for o in options if o.strip()]
    if kind == Question.Kind.YES_NO:
        labels = labels or ["Yes", "No"]
        if len(labels) != 2:
            raise DomainError("A yes/no question has exactly two options.")
    if not text.strip():
        raise DomainError("Write the question.")
    if len(set(labels)) != len(labels):
        raise DomainError("Two options have the same name.")
    if kind == Question.Kind.STV and not 1 <= seats < max(2, len(labels)):
        raise DomainError("An STV election needs more candidates than seats.")
    if kind == Question.Kind.APPROVAL and not 1 <= max_choices <= max(1, len(labels)):
        raise DomainError("'Choose up to' must be between 1 and the number of options.")
    position = (ballot.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    question = Question.objects.create(
        ballot=ballot,
        position=position,
        kind=kind,
        text=text.strip(),
        seats=seats,
        max_choices=max_choices,
    )
    Option.objects.bulk_create(
        [Option(question=question, position=i + 1, label=label) for i, label in enumerate(labels)]
    )
    record(
        actor=actor,
        action="ballot.question",
        obj=question,
        unit=ballot.unit,
        data={"kind": kind, "options": labels},
    )
    return question


@transaction.atomic
def appoint_scrutineer(*, actor: Any, ballot: Ballot, scrutineer: User) -> Ballot:
    ballot = _lock_draft(actor, ballot)
    if holds_office_in(scrutineer, ballot):
        raise DomainError(
            f"{scrutineer} holds an office in {ballot.unit.name}; the scrutineer must be independent of it."
        )
    ballot.scrutineer = scrutineer
    ballot.save(update_fields=["scrutineer"])
    record(
        actor=actor,
        action="ballot.scrutineer",
        obj=ballot,
        unit=ballot.unit,
        data={"scrutineer": scrutineer.pk},
    )
    return ballot


def constituency(ballot: Ballot) -> QuerySet[User]:
    """Who is entitled: members in good standing of the unit (or of a body), narrowed by the
    workplace, employer and job filters recorded on member profiles."""
    if ballot.constituency_body is not None:
        from iskra.meetings.services import body_members

        people = body_members(ballot.constituency_body).filter(membership__status=Status.MEMBER)
    else:
        people = User.objects.filter(
            membership__unit__path__startswith=ballot.unit.path, membership__status=Status.MEMBER
        )
    if ballot.filter_workplace:
        people = people.filter(workplace__iexact=ballot.filter_workplace)
    if ballot.filter_employer:
        people = people.filter(employer__iexact=ballot.filter_employer)
    if ballot.filter_job_title:
        people = people.filter(job_title__iexact=ballot.filter_job_title)
    return people.filter(is_active=True)


def workplaces_in(unit: Any) -> list[tuple[str, int]]:
    """The workplaces recorded on the profiles of the unit's members in good standing, with how
    many members each has: the choices for a ballot's workplace (largest first)."""
    rows = (
        User.objects.filter(
            membership__unit__path__startswith=unit.path,
            membership__status=Status.MEMBER,
            is_active=True,
        )
        .exclude(workplace="")
        .values("workplace")
        .annotate(n=Count("pk"))
        .order_by("-n", "workplace")
    )
    return [(row["workplace"], row["n"]) for row in rows[:500]]


def problems(ballot: Ballot, *, now: datetime | None = None) -> list[str]:
    """Everything that stops this ballot from opening (shown on its page; opening refuses)."""
    now = now or timezone.now()
    found = []
    if ballot.state != Ballot.State.DRAFT:
        found.append("The ballot is no longer a draft.")
    if ballot.scrutineer_id is None:
        found.append("No scrutineer has been appointed.")
    elif holds_office_in(ballot.scrutineer, ballot):
        found.append("The scrutineer holds an office in the unit.")
    questions = list(ballot.questions.prefetch_related("options"))
    if not questions:
        found.append("The ballot has no question.")
    for q in questions:
        n = len(q.options.all())
        if n < 2:
            found.append(f"Question {q.position} needs at least two options.")
        if q.kind == Question.Kind.STV and q.seats >= n:
            found.append(f"Question {q.position} elects {q.seats} but has only {n} candidates.")
    if ballot.closes_at <= now:
        found.append("The closing time is in the past.")
    if ballot.closes_at <= ballot.opens_at:
        found.append("The ballot closes before it opens.")
    if not constituency(ballot).exists():
        found.append(
            "The roll would be empty: nobody in the constituency is a member in good standing."
        )
    if ballot.preset == Preset.UK_INDUSTRIAL_ACTION and not ballot.paper_text.strip():
        found.append("An industrial action ballot paper needs the statutory statement.")
    if ballot.sealed:
        from iskra.ballots.services.sealed_setup import sealed_problems

        found.extend(sealed_problems(ballot, constituency(ballot).count()))
    return found


@transaction.atomic
def open_ballot(*, actor: Any, ballot: Ballot) -> Ballot:
    """Freeze the roll, open voting and send every voter their credential."""
    ballot = _lock_draft(actor, ballot)
    return _open(actor, ballot)


@transaction.atomic
def open_by_rule(
    *,
    unit: Unit,
    constituency_body: Any,
    title: str,
    description: str,
    question: str,
    closes_at: datetime,
    scrutineer: User,
    created_by: User,
    preset: str = Preset.RECALL,
) -> Ballot:
    """A secret yes/no ballot that a rule opens by itself, nobody's decision (a recall at the
    threshold of its petition): defined and opened at once by the system, with its roll frozen
    and credentials sent. Not sealed: a sealed ballot needs trustees whom people appoint (see
    docs/representation.md). The caller has checked the rule; this checks the ballot."""
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=unit,
        title=title.strip()[:200],
        preset=preset,
        opens_at=now,
        closes_at=closes_at,
        description=description.strip(),
        constituency_body=constituency_body,
        created_by=created_by,
        created_at=now,
        sealed=False,
        scrutineer=scrutineer,
    )
    q = Question.objects.create(ballot=ballot, position=1, kind=Question.Kind.YES_NO, text=question)
    Option.objects.bulk_create(
        [Option(question=q, position=i + 1, label=label) for i, label in enumerate(["Yes", "No"])]
    )
    record(
        actor=None,
        action="ballot.create",
        obj=ballot,
        unit=unit,
        data={"title": ballot.title, "preset": preset, "sealed": False, "by_rule": True},
    )
    return _open(None, ballot)


@transaction.atomic
def draft_by_rule(
    *,
    unit: Unit,
    constituency_body: Any,
    title: str,
    description: str,
    question: str,
    created_by: User,
) -> Ballot:
    """A draft election that a rule starts (a by-election after a recall), opening in a week
    for a week: the unit's officers add its question with the candidates nominated (``question``
    is suggested in the description), appoint a scrutineer and open it."""
    now = timezone.now()
    ballot = Ballot.objects.create(
        unit=unit,
        title=title.strip()[:200],
        preset=Preset.STV_COMMITTEE,
        opens_at=now + timedelta(days=7),
        closes_at=now + timedelta(days=14),
        description=(description.strip() + f"\n\nThe question: {question}").strip(),
        constituency_body=constituency_body,
        created_by=created_by,
        created_at=now,
        sealed=False,
    )
    record(
        actor=None,
        action="ballot.create",
        obj=ballot,
        unit=unit,
        data={"title": ballot.title, "preset": ballot.preset, "sealed": False, "by_rule": True},
    )
    return ballot


def _freeze_roll(ballot: Ballot) -> int:
    """The constituency, today, written as the ballot's roll: one INSERT … SELECT (100 000
    voters in one statement, none of them read into Python). Returns the roll's size."""
    sql, params = constituency(ballot).values_list("pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        # No credential hash yet: the credential task makes each voter's (services.credentials).
        cursor.execute(
            "INSERT INTO ballots_rollentry (ballot_id, user_id, added_on_challenge) "  # noqa: S608
            "SELECT %s, chosen.*, %s FROM (" + sql + ") chosen",
            [ballot.pk, False, *params],
        )
        return int(cursor.rowcount)


def _open(actor: Any, ballot: Ballot) -> Ballot:
    blocking = problems(ballot)
    if blocking:
        raise DomainError("The ballot cannot open yet: " + " ".join(blocking))
    now = timezone.now()
    ballot.state = Ballot.State.OPEN
    ballot.opened_at = now
    if ballot.opens_at > now:
        ballot.opens_at = now
    ballot.roll_size = _freeze_roll(ballot)
    fields = ["state", "opened_at", "opens_at", "roll_size"]
    if ballot.sealed:
        from iskra.ballots.services.sealed_setup import freeze_election

        ballot.sealed_election = freeze_election(ballot, timezone.localtime(now).date().isoformat())
        fields.append("sealed_election")
    ballot.save(update_fields=fields)
    record(
        actor=actor,
        action="ballot.open",
        obj=ballot,
        unit=ballot.unit,
        data={
            "roll_size": ballot.roll_size,
            "closes_at": ballot.closes_at,
            "sealed": ballot.sealed,
        },
    )
    ballot_id = ballot.pk
    if not ballot.sealed:
        # A sealed ballot's voters get their credential from the credential authority.
        transaction.on_commit(lambda: tasks.queue_credentials.enqueue(ballot_id=ballot_id))
    return ballot


REMINDER_SENT = (
    "Reminders are going out: everyone on the roll who has not voted yet gets a new voting "
    "link by email, and the link in their earlier emails stops working. How many that is is "
    "not shown: before the close it would be the turnout so far."
)
SEALED_REMINDER_SENT = (
    "Reminders are going out: everyone on the roll gets an email saying when the ballot "
    "closes and to vote with the credential the credential authority sent them (a sealed "
    "ballot cannot tell who has voted, so those who have are reminded too; a new vote would "
    "replace their earlier one). The email carries no credential."
)


def reminder_sent(ballot: Ballot) -> str:
    """What the officer is told once reminders are queued."""
    return SEALED_REMINDER_SENT if ballot.sealed else REMINDER_SENT


@transaction.atomic
def send_reminders(*, actor: Any, ballot: Ballot) -> None:
    """Email a new voting link to everyone on the roll who has not voted yet. Nothing here
    counts them, or records who they are: not the message, not the audit entry, not the tasks
    (each carries a batch of the whole roll; the worker skips who has voted when it sends).
    On a sealed ballot everyone on the roll is reminded, with no link or credential
    (``_remind_sealed``)."""
    ballot = Ballot.objects.select_related("unit").get(pk=ballot.pk)
    require(
        can_manage(actor, ballot) or is_scrutineer(actor, ballot),
        "Only officers or the scrutineer send reminders.",
    )
    if ballot.state != Ballot.State.OPEN or ballot.closes_at <= timezone.now():
        raise DomainError("Reminders go out while the ballot is open.")
    ballot_id = ballot.pk
    transaction.on_commit(
        lambda: tasks.queue_credentials.enqueue(ballot_id=ballot_id, reminder=True)
    )
    record(actor=actor, action="ballot.remind", obj=ballot, unit=ballot.unit)


@transaction.atomic
def put_motion_to_ballot(
    *,
    actor: Any,
    motion: Any,
    opens_at: datetime,
    closes_at: datetime,
    preset: str = Preset.SIMPLE_MAJORITY,
    of_body: bool = False,
    sealed: bool | None = None,
) -> Ballot:
    """Decide a motion by secret ballot: of every member in good standing in the body's scope
    (an all-member ballot) or, for bodies whose rules require secret votes, of the body itself.
    The ballot is a draft for the officers to check, give a scrutineer and open. ``sealed``
    None: the policy's default (sealed for the members, plain for the body's own vote)."""
    from iskra.motions.models import Amendment, Motion, MotionStatus
    from iskra.motions.permissions import can_manage_motion

    motion = Motion.objects.select_for_update().select_related("body__unit").get(pk=motion.pk)
    require(can_manage_motion(actor, motion), "Only the body's officers put a motion to a ballot.")
    if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
        raise DomainError("Only an admitted motion can be put to a ballot.")
    if motion.amendments.filter(status=Amendment.Status.TABLED).exists():
        raise DomainError(
            "Amendments are decided before the motion: deal with the tabled amendments first."
        )
    if Ballot.objects.filter(motion=motion).exclude(state=Ballot.State.CLOSED).exists():
        raise DomainError("This motion already has a ballot.")
    if preset not in YES_NO_PRESETS:
        raise DomainError("A motion is decided by a yes/no ballot.")
    if motion.status == MotionStatus.ADMITTED:
        from iskra.motions.services import transition

        transition(motion, to=MotionStatus.IN_DISCUSSION, actor=actor, reason="Put to a ballot")
    ballot = create_ballot(
        actor=actor,
        unit=motion.body.unit,
        title=f"Ballot on the motion: {motion.title}",
        preset=preset,
        opens_at=opens_at,
        closes_at=closes_at,
        description=f"{motion.body.name} puts this motion to a secret ballot.",
        paper_text=motion.text,
        question=f"Do you support the motion “{motion.title}”?",
        constituency_body=motion.body if of_body else None,
        sealed=sealed,
    )
    ballot.motion = motion
    ballot.save(update_fields=["motion"])
    record(
        actor=actor,
        action="motion.to_ballot",
        obj=motion,
        unit=motion.body.unit,
        data={"ballot": ballot.pk},
    )
    return ballot
