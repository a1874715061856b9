"""Discipline: cases, outcomes, appeals and suspensions."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.tasks import send_after_commit
from iskra.core.words import visible
from iskra.members import tasks
from iskra.members.models import (
    DisciplinaryCase,
    Membership,
    Status,
)
from iskra.members.permissions import (
    can_appeal_case,
    can_decide_appeal,
    can_decide_case,
    can_open_case,
)
from iskra.members.services.common import _lock, _transition
from iskra.organisation.models import Body
from iskra.organisation.permissions import require

# --- Discipline -------------------------------------------------------------------------------


def appeal_body_for(case: DisciplinaryCase) -> Body | None:
    """The body above the deciding body: a committee (else any body) of the parent unit."""
    parent = case.deciding_body.unit.parent
    if parent is None:
        return None
    bodies = list(Body.objects.filter(unit=parent).order_by("name"))
    committees = [body for body in bodies if body.kind == Body.Kind.COMMITTEE]
    candidates = committees or bodies
    return candidates[0] if candidates else None


@transaction.atomic
def open_case(
    *, actor: Any, membership: Membership, complaint: str, deciding_body: Body
) -> DisciplinaryCase:
    membership = _lock(membership)
    require(
        can_open_case(actor, membership),
        "Only officers of the member's units can refer a complaint.",
    )
    if not complaint.strip():
        raise DomainError("Write down the complaint.")
    if not membership.unit.path.startswith(deciding_body.unit.path):
        raise DomainError(
            "The deciding body must belong to the member's branch or a unit above it."
        )
    case = DisciplinaryCase.objects.create(
        membership=membership,
        complainant=actor,
        complaint=complaint.strip(),
        deciding_body=deciding_body,
        opened_at=timezone.now(),
    )
    record(
        actor=actor,
        action="discipline.open",
        obj=case,
        unit=membership.unit,
        data={"body": deciding_body.pk},
    )
    _tell_member(case, "A complaint about you has been referred to " + deciding_body.name + ".")
    send_after_commit(
        to=membership.user.email,
        template="members/email/case_update",
        context={
            "name": membership.user.full_name,
            "case_id": case.pk,
            "what": "A complaint about you has been referred to " + deciding_body.name + ".",
        },
    )
    return case


def _apply_outcome(case: DisciplinaryCase, *, actor: Any, body: Body, reason: str) -> None:
    membership = _lock(case.membership)
    if case.outcome == DisciplinaryCase.Outcome.SUSPENSION:
        membership.suspended_until = case.suspended_until
        _transition(membership, to_status=Status.SUSPENDED, actor=actor, reason=reason, body=body)
        _schedule_suspension_end(membership)
    elif case.outcome == DisciplinaryCase.Outcome.EXPULSION:
        _transition(membership, to_status=Status.EXPELLED, actor=actor, reason=reason, body=body)


def _schedule_suspension_end(membership: Membership) -> None:
    assert membership.suspended_until is not None
    run_after = timezone.make_aware(datetime.combine(membership.suspended_until, time.min))
    membership_id = membership.pk
    if tasks.end_suspension.get_backend().supports_defer:
        transaction.on_commit(
            lambda: tasks.end_suspension.using(run_after=run_after).enqueue(
                membership_id=membership_id
            )
        )


@transaction.atomic
def decide_case(
    *,
    actor: Any,
    case: DisciplinaryCase,
    outcome: str,
    reason: str,
    suspended_until: date | None = None,
) -> DisciplinaryCase:
    case = (
        DisciplinaryCase.objects.select_for_update()
        .select_related("deciding_body__unit", "membership")
        .get(pk=case.pk)
    )
    require(
        can_decide_case(actor, case), "Only members of the deciding body can record its decision."
    )
    if case.state != DisciplinaryCase.State.OPEN:
        raise DomainError("This case has already been decided.")
    if outcome not in DisciplinaryCase.Outcome.values:
        raise DomainError("Choose an outcome.")
    if not visible(reason):
        raise DomainError("A decision needs a written reason.")
    if outcome == DisciplinaryCase.Outcome.SUSPENSION:
        if suspended_until is None or suspended_until <= timezone.localdate():
            raise DomainError("A suspension needs an end date in the future.")
    else:
        suspended_until = None
    case.outcome = outcome
    case.suspended_until = suspended_until
    case.decision_reason = reason.strip()
    case.decided_at = timezone.now()
    case.decided_by = actor
    case.state = DisciplinaryCase.State.DECIDED
    case.save(
        update_fields=[
            "outcome",
            "suspended_until",
            "decision_reason",
            "decided_at",
            "decided_by",
            "state",
        ]
    )
    _apply_outcome(case, actor=actor, body=case.deciding_body, reason=case.decision_reason)
    record(
        actor=actor,
        action="discipline.decide",
        obj=case,
        unit=case.membership.unit,
        data={"outcome": outcome, "until": suspended_until},
        personal={"reason": case.decision_reason},
        subject_id=case.membership.user_id,
    )
    _tell_member(
        case, f"{case.deciding_body.name} decided: {case.get_outcome_display()}. You may appeal."
    )
    send_after_commit(
        to=case.membership.user.email,
        template="members/email/case_update",
        context={
            "name": case.membership.user.full_name,
            "case_id": case.pk,
            "what": f"{case.deciding_body.name} decided: {case.get_outcome_display()}. You may appeal.",
        },
    )
    return case


@transaction.atomic
def appeal_case(*, actor: Any, case: DisciplinaryCase, grounds: str) -> DisciplinaryCase:
    case = (
        DisciplinaryCase.objects.select_for_update()
        .select_related("deciding_body__unit", "membership__unit")
        .get(pk=case.pk)
    )
    require(can_appeal_case(actor, case), "Only the member concerned can appeal.")
    if case.state != DisciplinaryCase.State.DECIDED:
        raise DomainError("Only a decided case can be appealed, and only once.")
    if case.outcome == DisciplinaryCase.Outcome.NO_ACTION:
        raise DomainError("There is nothing to appeal: no action was taken.")
    if not grounds.strip():
        raise DomainError("State the grounds of your appeal.")
    appeal_body = appeal_body_for(case)
    if appeal_body is None:
        raise DomainError(
            "This decision was taken at the top of the organisation; there is no body above it to appeal to."
        )
    case.appeal_grounds = grounds.strip()
    case.appeal_body = appeal_body
    case.appealed_at = timezone.now()
    case.state = DisciplinaryCase.State.APPEALED
    case.save(update_fields=["appeal_grounds", "appeal_body", "appealed_at", "state"])
    record(
        actor=actor,
        action="discipline.appeal",
        obj=case,
        unit=case.membership.unit,
        data={"appeal_body": appeal_body.pk},
    )
    return case


@transaction.atomic
def decide_appeal(
    *, actor: Any, case: DisciplinaryCase, upheld: bool, reason: str
) -> DisciplinaryCase:
    """The body above decides; its decision is final."""
    case = (
        # Lock only the case row: PostgreSQL cannot lock the nullable side of the appeal join.
        DisciplinaryCase.objects.select_for_update(of=("self",))
        .select_related("appeal_body__unit", "membership")
        .get(pk=case.pk)
    )
    require(
        can_decide_appeal(actor, case), "Only members of the appeal body can record its decision."
    )
    if case.state != DisciplinaryCase.State.APPEALED:
        raise DomainError("This case is not under appeal.")
    if not visible(reason):
        raise DomainError("An appeal decision needs a written reason.")
    assert case.appeal_body is not None
    case.appeal_outcome = (
        DisciplinaryCase.AppealOutcome.UPHELD
        if upheld
        else DisciplinaryCase.AppealOutcome.OVERTURNED
    )
    case.appeal_reason = reason.strip()
    case.appeal_decided_at = timezone.now()
    case.appeal_decided_by = actor
    case.state = DisciplinaryCase.State.CLOSED
    case.save(
        update_fields=[
            "appeal_outcome",
            "appeal_reason",
            "appeal_decided_at",
            "appeal_decided_by",
            "state",
        ]
    )
    if not upheld:
        membership = _lock(case.membership)
        if membership.status in {Status.SUSPENDED, Status.EXPELLED}:
            membership.suspended_until = None
            _transition(
                membership,
                to_status=Status.MEMBER,
                actor=actor,
                reason=f"Appeal allowed: {case.appeal_reason}",
                body=case.appeal_body,
            )
    record(
        actor=actor,
        action="discipline.appeal_decide",
        obj=case,
        unit=case.membership.unit,
        data={"outcome": case.appeal_outcome},
        personal={"reason": case.appeal_reason},
        subject_id=case.membership.user_id,
    )
    _tell_member(
        case,
        f"{case.appeal_body.name} decided your appeal: {case.get_appeal_outcome_display()}. This decision is final.",
    )
    send_after_commit(
        to=case.membership.user.email,
        template="members/email/case_update",
        context={
            "name": case.membership.user.full_name,
            "case_id": case.pk,
            "what": f"{case.appeal_body.name} decided your appeal: {case.get_appeal_outcome_display()}. This decision is final.",
        },
    )
    return case


def _tell_member(case: DisciplinaryCase, what: str) -> None:
    """The member's notification centre hears what their email says (case_update)."""
    notify(
        users=[case.membership.user_id],
        kind="membership.case_update",
        title=what,
        url=reverse("members:case", args=[case.pk]),
        emailed=True,
    )
