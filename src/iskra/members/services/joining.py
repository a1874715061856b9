"""Joining: applying, the officers' decision, probation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.core.tasks import send_after_commit
from iskra.core.words import visible
from iskra.members import tasks
from iskra.members.models import (
    Application,
    Membership,
    MembershipEvent,
    Status,
)
from iskra.members.permissions import (
    can_decide_application,
    can_manage_member,
)
from iskra.members.services.common import _lock, _officer_emails, _transition
from iskra.organisation.models import Organisation, Unit
from iskra.organisation.permissions import require


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
    if not admit and not visible(reason):
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
    notify(
        users=[membership.user_id],
        kind="membership.application_decided",
        title=f"Your application to {application.unit.name}: "
        + ("admitted" if admit else "declined"),
        url=reverse("members:mine"),
        emailed=True,  # the email below says the same
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
    assert membership.probation_ends_on is not None
    run_after = timezone.make_aware(datetime.combine(membership.probation_ends_on, time.min))
    membership_id = membership.pk

    def enqueue() -> None:
        # Backends that cannot defer (the immediate one in tests) leave it to the worker's sweep.
        if not tasks.end_probation.get_backend().supports_defer:
            return
        if run_after <= timezone.now():
            tasks.end_probation.enqueue(membership_id=membership_id)
        else:
            tasks.end_probation.using(run_after=run_after).enqueue(membership_id=membership_id)

    transaction.on_commit(enqueue)


@transaction.atomic
def hold_probation(
    *, actor: Any, membership: Membership, held: bool, reason: str, extend_to: date | None = None
) -> Membership:
    """The branch decides a candidate does not (yet) become a member, or lifts that hold."""
    membership = _lock(membership)
    require(can_manage_member(actor, membership))
    if membership.status != Status.CANDIDATE:
        raise DomainError("Only a candidate's probation can be held or extended.")
    if not visible(reason):
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
