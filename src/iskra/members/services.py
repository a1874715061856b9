"""The verbs of membership: joining, admission, status changes, transfers and discipline.

Each one is atomic, checks who may do it, records a MembershipEvent where status changes,
writes the audit log, and sends email only after the transaction commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.email import send_after_commit
from iskra.core.errors import DomainError
from iskra.members.models import (
    ALLOWED_TRANSITIONS,
    Application,
    DisciplinaryCase,
    Membership,
    MembershipEvent,
    Status,
    Transfer,
)
from iskra.members.permissions import (
    can_appeal_case,
    can_decide_appeal,
    can_decide_application,
    can_decide_case,
    can_decide_transfer,
    can_manage_member,
    can_open_case,
)
from iskra.organisation.models import Body, Organisation, Unit
from iskra.organisation.permissions import require

PROFILE_FIELDS = (
    "full_name",
    "pronouns",
    "phone",
    "address",
    "postcode",
    "workplace",
    "employer",
    "job_title",
    "union",
    "consent_email",
    "consent_phone",
    "consent_sms",
    "consent_post",
    "email_preference",
)


def _officer_emails(unit: Unit) -> list[str]:
    from iskra.organisation.selectors import unit_officer_holdings

    return sorted(set(unit_officer_holdings(unit).values_list("holder__email", flat=True)))


def _transition(
    membership: Membership,
    *,
    to_status: str,
    actor: Any,
    reason: str,
    body: Body | None = None,
) -> MembershipEvent:
    """Apply one allowed status change and record it. Callers hold the row lock."""
    if to_status not in Status.values:
        raise DomainError("Choose one of the membership statuses.")
    if to_status not in ALLOWED_TRANSITIONS.get(membership.status, frozenset()):
        raise DomainError(
            f"A {membership.get_status_display().lower()} cannot become "
            f"{Status(to_status).label.lower()}."
        )
    now = timezone.now()
    old = membership.status
    membership.status = to_status
    membership.status_changed_at = now
    membership.save(
        update_fields=[
            "status",
            "status_changed_at",
            "admitted_on",
            "probation_ends_on",
            "probation_held",
            "suspended_until",
        ]
    )
    decided_by = actor if getattr(actor, "pk", None) else None
    event = MembershipEvent.objects.create(
        membership=membership,
        from_status=old,
        to_status=to_status,
        at=now,
        decided_by=decided_by,
        body=body,
        reason=reason,
    )
    record(
        actor=decided_by,
        action="membership.status",
        obj=membership,
        unit=membership.unit,
        data={"old": old, "new": to_status, "body": body.pk if body else None},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    return event


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
    )


@transaction.atomic
def apply_to_join(
    *,
    email: str,
    full_name: str,
    password: str,
    unit: Unit,
    agreed_to_aims: bool,
    message: str = "",
    pronouns: str = "",
    phone: str = "",
    postcode: str = "",
    workplace: str = "",
) -> Application:
    """A member of the public applies; the application lands with the chosen branch."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("Enter a valid email address.") from None
    if not full_name.strip():
        raise DomainError("Enter your name.")
    if not agreed_to_aims:
        raise DomainError("To join you need to agree to the organisation's aims.")
    if not unit.kind.holds_members:
        raise DomainError("Choose a branch to join.")
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            "An account with this email address already exists. Sign in, or reset your password."
        )
    user = User(
        email=email,
        full_name=full_name.strip(),
        pronouns=pronouns,
        phone=phone,
        postcode=postcode,
        workplace=workplace,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise DomainError("An account with this email address already exists.") from None
    now = timezone.now()
    membership = Membership.objects.create(
        user=user, unit=unit, status=Status.APPLICANT, status_changed_at=now
    )
    membership.number = membership.house_number
    membership.save(update_fields=["number"])
    MembershipEvent.objects.create(
        membership=membership,
        from_status="",
        to_status=Status.APPLICANT,
        at=now,
        reason="Applied on the join page",
    )
    application = Application.objects.create(
        membership=membership, unit=unit, message=message, agreed_to_aims_at=now, submitted_at=now
    )
    record(
        actor=None,
        action="application.submit",
        obj=application,
        unit=unit,
        personal={"email": email, "name": user.full_name},
        subject_id=user.pk,
    )
    send_after_commit(
        to=email,
        template="members/email/application_received",
        context={"name": user.full_name, "unit": unit.name},
    )
    for officer_email in _officer_emails(unit):
        send_after_commit(
            to=officer_email,
            template="members/email/application_to_review",
            context={"name": user.full_name, "unit": unit.name, "application_id": application.pk},
        )
    return application


@transaction.atomic
def decide_application(
    *, actor: Any, application: Application, admit: bool, reason: str = ""
) -> Application:
    application = (
        Application.objects.select_for_update()
        .select_related("unit", "membership")
        .get(pk=application.pk)
    )
    require(
        can_decide_application(actor, application),
        "Only officers of the branch can decide this application.",
    )
    if application.decision != Application.Decision.PENDING:
        raise DomainError("This application has already been decided.")
    if not admit and not reason.strip():
        raise DomainError("Give the reason for declining; the applicant will be told.")
    membership = _lock(application.membership)
    organisation = Organisation.current()
    if admit:
        today = timezone.localdate()
        membership.admitted_on = today
        if organisation.probation_days > 0:
            membership.probation_ends_on = today + timedelta(days=organisation.probation_days)
            to_status = Status.CANDIDATE
        else:
            to_status = Status.MEMBER
        _transition(membership, to_status=to_status, actor=actor, reason=reason or "Admitted")
        if to_status == Status.CANDIDATE:
            _schedule_probation_end(membership)
    else:
        _transition(membership, to_status=Status.DECLINED, actor=actor, reason=reason)
    application.decision = Application.Decision.ADMITTED if admit else Application.Decision.DECLINED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.reason = reason
    application.save(update_fields=["decision", "decided_at", "decided_by", "reason"])
    record(
        actor=actor,
        action="application.decide",
        obj=application,
        unit=application.unit,
        data={"decision": application.decision},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    send_after_commit(
        to=membership.user.email,
        template="members/email/application_decided",
        context={
            "name": membership.user.full_name,
            "admitted": admit,
            "reason": reason,
            "unit": application.unit.name,
            "probation_ends_on": membership.probation_ends_on,
        },
    )
    return application


def _schedule_probation_end(membership: Membership) -> None:
    from iskra.members.tasks import end_probation

    assert membership.probation_ends_on is not None
    run_after = timezone.make_aware(datetime.combine(membership.probation_ends_on, time.min))
    membership_id = membership.pk

    def enqueue() -> None:
        # Backends that cannot defer (the immediate one in tests) leave it to the worker's sweep.
        if not end_probation.get_backend().supports_defer:
            return
        if run_after <= timezone.now():
            end_probation.enqueue(membership_id=membership_id)
        else:
            end_probation.using(run_after=run_after).enqueue(membership_id=membership_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def complete_probation(*, membership_id: int, today: date | None = None) -> bool:
    """Make a candidate a member at the end of probation, unless the branch has held it.

    Called by the worker; safe to call repeatedly. Returns whether the candidate was admitted.
    """
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or membership.status != Status.CANDIDATE or membership.probation_held:
        return False
    if membership.probation_ends_on is None or membership.probation_ends_on > (
        today or timezone.localdate()
    ):
        return False
    _transition(membership, to_status=Status.MEMBER, actor=None, reason="Probation completed")
    return True


def complete_due_probations(*, today: date | None = None) -> int:
    """Sweep for any candidate whose probation has ended (a safety net for the scheduled task)."""
    due = Membership.objects.filter(
        status=Status.CANDIDATE,
        probation_held=False,
        probation_ends_on__lte=today or timezone.localdate(),
    ).values_list("pk", flat=True)
    return sum(complete_probation(membership_id=pk, today=today) for pk in list(due))


@transaction.atomic
def hold_probation(
    *, actor: Any, membership: Membership, held: bool, reason: str, extend_to: date | None = None
) -> Membership:
    """The branch decides a candidate does not (yet) become a member, or lifts that hold."""
    membership = _lock(membership)
    require(can_manage_member(actor, membership))
    if membership.status != Status.CANDIDATE:
        raise DomainError("Only a candidate's probation can be held or extended.")
    if not reason.strip():
        raise DomainError("Record the branch's reason.")
    membership.probation_held = held
    fields = ["probation_held"]
    if extend_to is not None:
        if extend_to <= timezone.localdate():
            raise DomainError("A new probation end must be in the future.")
        membership.probation_ends_on = extend_to
        membership.probation_held = False
        fields.append("probation_ends_on")
        _schedule_probation_end(membership)
    membership.save(update_fields=fields)
    record(
        actor=actor,
        action="membership.probation",
        obj=membership,
        unit=membership.unit,
        data={"held": membership.probation_held, "ends_on": membership.probation_ends_on},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    return membership


@transaction.atomic
def change_status(
    *, actor: Any, membership: Membership, to_status: str, reason: str, body: Body | None = None
) -> MembershipEvent:
    """An officer records a status change (lapsed, resigned, reinstated…) with its reason."""
    membership = _lock(membership)
    require(can_manage_member(actor, membership))
    if to_status in {Status.SUSPENDED, Status.EXPELLED}:
        raise DomainError("Suspension and expulsion are decided through a disciplinary case.")
    if not reason.strip():
        raise DomainError("Record why the status changes.")
    return _transition(
        membership, to_status=to_status, actor=actor, reason=reason.strip(), body=body
    )


@transaction.atomic
def resign(*, actor: Any, reason: str = "") -> MembershipEvent:
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit", "user")
        .filter(user_id=actor.pk)
        .first()
    )
    if membership is None:
        raise DomainError("You have no membership to resign.")
    return _transition(
        membership, to_status=Status.RESIGNED, actor=actor, reason=reason.strip() or "Resigned"
    )


@transaction.atomic
def update_profile(*, actor: Any, user: User, changes: dict[str, Any]) -> User:
    membership = Membership.objects.filter(user=user).select_related("unit").first()
    if user.pk != actor.pk:
        require(membership is not None and can_manage_member(actor, membership))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if (
        "email_preference" in changes
        and changes["email_preference"] not in User.EmailPreference.values
    ):
        raise DomainError("Choose how often to be emailed: as things happen, daily, or never.")
    if "full_name" in changes and not str(changes["full_name"]).strip():
        raise DomainError("A name cannot be empty.")
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in changes.items():
        if getattr(user, field) != value:
            old[field], new[field] = getattr(user, field), value
            setattr(user, field, value)
    if new:
        user.save(update_fields=list(new))
        record(
            actor=actor,
            action="profile.update",
            obj=user,
            unit=membership.unit if membership else None,
            personal={"old": old, "new": new},
            subject_id=user.pk,
        )
    return user


@transaction.atomic
def request_transfer(*, actor: Any, to_unit: Unit, reason: str = "") -> Transfer:
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(user_id=actor.pk)
        .first()
    )
    if membership is None or membership.status not in {Status.CANDIDATE, Status.MEMBER}:
        raise DomainError("Only members can transfer between branches.")
    if not to_unit.kind.holds_members:
        raise DomainError("Choose a branch to transfer to.")
    if to_unit.pk == membership.unit_id:
        raise DomainError("You are already in this branch.")
    if Transfer.objects.filter(membership=membership, state=Transfer.State.PENDING).exists():
        raise DomainError("You already have a transfer waiting for a decision.")
    transfer = Transfer.objects.create(
        membership=membership,
        from_unit=membership.unit,
        to_unit=to_unit,
        reason=reason,
        requested_at=timezone.now(),
    )
    record(
        actor=actor,
        action="transfer.request",
        obj=transfer,
        unit=to_unit,
        data={"from": membership.unit_id, "to": to_unit.pk},
    )
    for email in _officer_emails(to_unit):
        send_after_commit(
            to=email,
            template="members/email/transfer_requested",
            context={"name": actor.full_name, "from": membership.unit.name, "to": to_unit.name},
        )
    return transfer


@transaction.atomic
def decide_transfer(*, actor: Any, transfer: Transfer, accept: bool, reason: str = "") -> Transfer:
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("to_unit", "from_unit")
        .get(pk=transfer.pk)
    )
    require(
        can_decide_transfer(actor, transfer),
        "Only officers of the receiving branch can decide this transfer.",
    )
    if transfer.state != Transfer.State.PENDING:
        raise DomainError("This transfer has already been decided.")
    if not accept and not reason.strip():
        raise DomainError("Give the reason for declining.")
    membership = _lock(transfer.membership)
    transfer.state = Transfer.State.ACCEPTED if accept else Transfer.State.DECLINED
    transfer.decided_at = timezone.now()
    transfer.decided_by = actor
    transfer.decision_reason = reason
    transfer.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    if accept:
        membership.unit = transfer.to_unit
        membership.save(update_fields=["unit"])
    record(
        actor=actor,
        action="transfer.decide",
        obj=transfer,
        unit=transfer.to_unit,
        data={"state": transfer.state},
        personal={"reason": reason},
        subject_id=membership.user_id,
    )
    send_after_commit(
        to=membership.user.email,
        template="members/email/transfer_decided",
        context={
            "name": membership.user.full_name,
            "accepted": accept,
            "to": transfer.to_unit.name,
            "reason": reason,
        },
    )
    return transfer


@transaction.atomic
def cancel_transfer(*, actor: Any, transfer: Transfer) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("membership").get(pk=transfer.pk)
    require(
        transfer.membership.user_id == actor.pk,
        "Only the member can cancel their transfer request.",
    )
    if transfer.state != Transfer.State.PENDING:
        raise DomainError("This transfer has already been decided.")
    transfer.state = Transfer.State.CANCELLED
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["state", "decided_at"])
    record(actor=actor, action="transfer.cancel", obj=transfer, unit=transfer.to_unit)
    return transfer


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
    from iskra.members.tasks import end_suspension

    assert membership.suspended_until is not None
    run_after = timezone.make_aware(datetime.combine(membership.suspended_until, time.min))
    membership_id = membership.pk
    if end_suspension.get_backend().supports_defer:
        transaction.on_commit(
            lambda: end_suspension.using(run_after=run_after).enqueue(membership_id=membership_id)
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
    if not reason.strip():
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
    if not reason.strip():
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


@transaction.atomic
def end_suspension(*, membership_id: int, today: date | None = None) -> bool:
    """Restore a suspended member when the suspension's end date arrives (called by the worker)."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(pk=membership_id)
        .first()
    )
    if (
        membership is None
        or membership.status != Status.SUSPENDED
        or membership.suspended_until is None
    ):
        return False
    if membership.suspended_until > (today or timezone.localdate()):
        return False
    membership.suspended_until = None
    _transition(membership, to_status=Status.MEMBER, actor=None, reason="Suspension ended")
    return True


def end_due_suspensions(*, today: date | None = None) -> int:
    due = Membership.objects.filter(
        status=Status.SUSPENDED, suspended_until__lte=today or timezone.localdate()
    ).values_list("pk", flat=True)
    return sum(end_suspension(membership_id=pk, today=today) for pk in list(due))
