"""A submitted motion's way: admitted or ruled out, discussed, remitted, withdrawn, composited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify_members_under
from iskra.core.words import visible
from iskra.members.models import Membership, Status
from iskra.motions.models import (
    Circulation,
    Motion,
    MotionStatus,
    MotionVersion,
    Proposer,
)
from iskra.motions.permissions import (
    can_manage_motion,
    can_withdraw,
)
from iskra.motions.services.common import _lock, _url, transition
from iskra.motions.text import check_text_length
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of, require


@transaction.atomic
def admit_motion(*, actor: Any, motion: Motion, reason: str = "") -> Motion:
    motion = _lock(motion)
    require(can_manage_motion(actor, motion), "Only the body's officers admit motions.")
    transition(motion, to=MotionStatus.ADMITTED, actor=actor, reason=reason)
    return motion


@transaction.atomic
def rule_out_of_order(*, actor: Any, motion: Motion, reason: str) -> Motion:
    motion = _lock(motion)
    require(can_manage_motion(actor, motion), "Only the body's officers rule on motions.")
    if not visible(reason):
        raise DomainError("A ruling needs its reason; the mover and members will see it.")
    transition(motion, to=MotionStatus.RULED_OUT, actor=actor, reason=reason.strip())
    return motion


@transaction.atomic
def open_discussion(*, actor: Any, motion: Motion, deadline: date | None = None) -> int:
    """Circulate the motion to every branch in the body's scope and notify their members.

    Returns the number of members notified. One Circulation row per branch (with its member
    count at this moment), then one set-based INSERT for the notifications.
    """
    motion = _lock(motion)
    require(can_manage_motion(actor, motion), "Only the body's officers open a discussion.")
    deadline = deadline or timezone.localdate() + timedelta(days=motion.body.discussion_days)
    if deadline <= timezone.localdate():
        raise DomainError("The discussion deadline must be in the future.")
    transition(motion, to=MotionStatus.IN_DISCUSSION, actor=actor)
    motion.discussion_deadline = deadline
    motion.save(update_fields=["discussion_deadline"])
    scope = motion.body.unit.path
    counts = dict(
        Membership.objects.filter(unit__path__startswith=scope, status=Status.MEMBER)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    now = timezone.now()
    units = Unit.objects.filter(path__startswith=scope, kind__holds_members=True).values_list(
        "pk", "path"
    )
    Circulation.objects.bulk_create(
        [
            Circulation(
                motion=motion,
                unit_id=pk,
                unit_path=path,
                members=counts.get(pk, 0),
                circulated_at=now,
                deadline=deadline,
            )
            for pk, path in units
        ],
        batch_size=2000,
    )
    notified = notify_members_under(
        path=scope,
        kind="motion.discussion",
        title=f"For discussion until {deadline:%-d %b}: {motion.title}",
        url=_url(motion),
    )
    record(
        actor=actor,
        action="motion.circulate",
        obj=motion,
        unit=motion.body.unit,
        data={"units": len(units), "notified": notified, "deadline": deadline},
    )
    return notified


@transaction.atomic
def remit_motion(*, actor: Any, motion: Motion, reason: str) -> Motion:
    """The body refers the motion elsewhere (e.g. to the committee for a report) instead of
    deciding it; the reason records the meeting's decision and where it went."""
    motion = _lock(motion)
    require(
        can_manage_motion(actor, motion),
        "Only the body's officers record that a motion was remitted.",
    )
    if not visible(reason):
        raise DomainError("Record where the motion was remitted to, and by which meeting.")
    if motion.status == MotionStatus.ADMITTED:
        transition(motion, to=MotionStatus.IN_DISCUSSION, actor=actor, reason="Taken at a meeting")
    transition(motion, to=MotionStatus.REMITTED, actor=actor, reason=reason.strip())
    return motion


@transaction.atomic
def withdraw_motion(*, actor: Any, motion: Motion, reason: str = "") -> Motion:
    motion = _lock(motion)
    require(can_withdraw(actor, motion), "Only the mover can withdraw the motion.")
    transition(
        motion, to=MotionStatus.WITHDRAWN, actor=actor, reason=reason or "Withdrawn by the mover"
    )
    return motion


@transaction.atomic
def agree_to_composite(*, actor: Any, motion: Motion) -> None:
    updated = Proposer.objects.filter(motion=motion, user=actor, is_mover=True).update(
        agreed_to_composite_at=timezone.now()
    )
    require(bool(updated), "Only the motion's mover can agree to compositing it.")
    record(actor=actor, action="motion.agree_composite", obj=motion, unit=motion.body.unit)


@transaction.atomic
def composite_motions(*, actor: Any, motions: list[Motion], title: str, text: str) -> Motion:
    """Merge motions on the same subject into one composite, with every mover's agreement."""
    if len(motions) < 2:
        raise DomainError("Choose at least two motions to composite.")
    check_text_length("The composite's text", text)
    locked = [_lock(m) for m in motions]
    body = locked[0].body
    if any(m.body_id != body.pk for m in locked):
        raise DomainError("Only motions to the same body can be composited.")
    if any(m.fixed_wording for m in locked):
        raise DomainError(
            "A motion of no confidence is not composited: its wording names whom it removes."
        )
    require(is_officer_of(actor, body.unit), "Only the body's officers composite motions.")
    missing = [
        m.title
        for m in locked
        if not Proposer.objects.filter(
            motion=m, is_mover=True, agreed_to_composite_at__isnull=False
        ).exists()
    ]
    if missing:
        raise DomainError("The movers of these motions have not agreed yet: " + "; ".join(missing))
    composite = Motion.objects.create(
        body=body,
        title=title.strip() or "Composite motion",
        text=text.strip(),
        proposed_by=Motion.ProposedBy.BODY,
        proposing_body=body,
        authority="Composite of: " + "; ".join(m.title for m in locked),
        created_by=actor,
        created_at=timezone.now(),
        status=MotionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    if not composite.text:
        raise DomainError("A composite needs its text.")
    MotionVersion.objects.create(
        motion=composite,
        number=1,
        text=composite.text,
        created_at=timezone.now(),
        reason="Composite",
    )
    for m in locked:
        Proposer.objects.get_or_create(motion=composite, user_id=m.created_by_id)
        m.composite = composite
        m.save(update_fields=["composite"])
        transition(
            m, to=MotionStatus.COMPOSITED, actor=actor, reason=f"Merged into “{composite.title}”"
        )
    record(
        actor=actor,
        action="motion.composite",
        obj=composite,
        unit=body.unit,
        data={"merged": [m.pk for m in locked]},
    )
    return composite
