"""Drafting a motion, gathering support, submitting it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify
from iskra.motions.models import (
    Motion,
    MotionStatus,
    MotionVersion,
    Proposer,
    Support,
)
from iskra.motions.permissions import (
    can_edit_draft,
    can_propose_to,
    can_support,
    proposing_units,
)
from iskra.motions.services.common import _body_officer_ids, _lock, _url, transition
from iskra.motions.text import check_text_length
from iskra.organisation.models import Body, Unit
from iskra.organisation.permissions import is_officer_of, require


@transaction.atomic
def create_motion(
    *,
    actor: Any,
    body: Body,
    title: str,
    text: str,
    supporting_statement: str = "",
    proposing_unit: Unit | None = None,
    by_body: bool = False,
    authority: str = "",
    amends_decision: Any = None,
    rescinds_decision: Any = None,
) -> Motion:
    """Draft a motion to a body: as a member, for a unit (its officer), or for the body itself."""
    require(can_propose_to(actor, body), "You cannot propose motions to this body.")
    if not title.strip() or not text.strip():
        raise DomainError("A motion needs a title and a text.")
    check_text_length("The motion's text", text)
    if proposing_unit is not None:
        require(
            proposing_unit in proposing_units(actor, body),
            "You can only propose for a unit you are an officer of.",
        )
        proposed_by = Motion.ProposedBy.UNIT
    elif by_body:
        require(
            is_officer_of(actor, body.unit), "Only the body's officers can propose in its name."
        )
        proposed_by = Motion.ProposedBy.BODY
    else:
        require(
            body.members_may_propose,
            "Members cannot propose motions to this body directly; ask your branch.",
        )
        proposed_by = Motion.ProposedBy.MEMBER
    for earlier in (amends_decision, rescinds_decision):
        # A decision is changed only by the body that took it (or by a new decision of it).
        if earlier is not None and (
            earlier.body_id != body.pk or earlier.status not in {"in_force", "amended"}
        ):
            raise DomainError(
                "Only a decision of this body that is still in force can be amended or rescinded by it."
            )
    if amends_decision is not None and rescinds_decision is not None:
        raise DomainError("A motion either amends or rescinds a decision, not both.")
    if proposed_by != Motion.ProposedBy.MEMBER and not authority.strip():
        raise DomainError(
            "Say which meeting decided to propose it (e.g. 'Branch meeting, 3 March')."
        )
    motion = Motion.objects.create(
        body=body,
        title=title.strip(),
        text=text.strip(),
        supporting_statement=supporting_statement.strip(),
        proposed_by=proposed_by,
        proposing_unit=proposing_unit,
        proposing_body=body if by_body else None,
        authority=authority.strip(),
        created_by=actor,
        created_at=timezone.now(),
        amends_decision=amends_decision,
        rescinds_decision=rescinds_decision,
    )
    Proposer.objects.create(motion=motion, user=actor, is_mover=True)
    record(
        actor=actor,
        action="motion.create",
        obj=motion,
        unit=body.unit,
        data={"title": motion.title, "proposed_by": proposed_by},
    )
    return motion


def admit_by_rule(*, body: Body, title: str, text: str, mover: Any, authority: str) -> Motion:
    """A motion put before the body by a rule, not by a proposer's choice (a recall petition
    that reached its threshold: the signatures are its support and its admission): admitted at
    once, its wording fixed, ``mover`` named as its mover, ``authority`` saying which rule."""
    motion = Motion.objects.create(
        body=body,
        title=title.strip()[:200],
        text=text.strip(),
        proposed_by=Motion.ProposedBy.MEMBER,
        authority=authority.strip(),
        created_by=mover,
        created_at=timezone.now(),
        fixed_wording=True,
    )
    Proposer.objects.create(motion=motion, user=mover, is_mover=True)
    record(
        actor=None,
        action="motion.create",
        obj=motion,
        unit=body.unit,
        data={"title": motion.title, "proposed_by": "rule", "authority": motion.authority},
    )
    motion = _lock(motion)
    transition(motion, to=MotionStatus.SUBMITTED, actor=None, reason=authority)
    transition(motion, to=MotionStatus.ADMITTED, actor=None, reason=authority)
    return motion


@transaction.atomic
def update_draft(
    *, actor: Any, motion: Motion, title: str, text: str, supporting_statement: str = ""
) -> Motion:
    motion = _lock(motion)
    if motion.fixed_wording:
        raise DomainError(FIXED_WORDING)
    require(can_edit_draft(actor, motion), "Only the mover can edit a draft.")
    if not title.strip() or not text.strip():
        raise DomainError("A motion needs a title and a text.")
    check_text_length("The motion's text", text)
    motion.title, motion.text, motion.supporting_statement = (
        title.strip(),
        text.strip(),
        supporting_statement.strip(),
    )
    motion.save(update_fields=["title", "text", "supporting_statement"])
    record(actor=actor, action="motion.edit_draft", obj=motion, unit=motion.body.unit)
    return motion


FIXED_WORDING = (
    "The wording of a motion of no confidence is fixed: it names whom it removes. Withdraw it "
    "and move another if it must change."
)


def supporters_needed(motion: Motion) -> int:
    if motion.proposed_by != Motion.ProposedBy.MEMBER:
        return 0
    return max(0, motion.body.supporters_required - motion.supporters_count)


@transaction.atomic
def support_motion(*, actor: Any, motion: Motion) -> Support:
    motion = _lock(motion)
    require(
        can_support(actor, motion),
        "Only members in good standing within the body's scope can support this motion now.",
    )
    if motion.created_by_id == actor.pk:
        raise DomainError("The mover cannot also be a supporter.")
    try:
        with transaction.atomic():
            support = Support.objects.create(motion=motion, user=actor, at=timezone.now())
    except IntegrityError:
        raise DomainError("You already support this motion.") from None
    Motion.objects.filter(pk=motion.pk).update(supporters_count=F("supporters_count") + 1)
    record(actor=actor, action="motion.support", obj=motion, unit=motion.body.unit)
    return support


@transaction.atomic
def withdraw_support(*, actor: Any, motion: Motion) -> None:
    motion = _lock(motion)
    if motion.status not in {MotionStatus.DRAFT, MotionStatus.SUBMITTED}:
        raise DomainError("Support can only be withdrawn before the motion is admitted.")
    deleted, _ = Support.objects.filter(motion=motion, user=actor).delete()
    if not deleted:
        raise DomainError("You do not support this motion.")
    Motion.objects.filter(pk=motion.pk).update(supporters_count=F("supporters_count") - 1)
    record(actor=actor, action="motion.unsupport", obj=motion, unit=motion.body.unit)


@transaction.atomic
def submit_motion(*, actor: Any, motion: Motion) -> Motion:
    motion = _lock(motion)
    require(motion.created_by_id == actor.pk, "Only the mover can submit the motion.")
    # Submitting again (a second request, or a motion already past its draft) is refused
    # before anything is written: the first version exists already.
    if motion.status != MotionStatus.DRAFT:
        raise DomainError(
            f"Only a draft can be submitted; this motion is {motion.get_status_display().lower()}."
        )
    needed = supporters_needed(motion)
    if needed:
        raise DomainError(
            f"{needed} more supporter{'s' if needed != 1 else ''} needed before it can be submitted."
        )
    MotionVersion.objects.create(
        motion=motion, number=1, text=motion.text, created_at=timezone.now(), reason="As submitted"
    )
    transition(motion, to=MotionStatus.SUBMITTED, actor=actor)
    notify(
        users=_body_officer_ids(motion.body),
        kind="motion.submitted",
        title=f"Motion submitted to {motion.body.name}: {motion.title}",
        url=_url(motion),
    )
    return motion
