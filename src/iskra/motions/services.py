"""The verbs of a motion's life: drafting, support, submission, admission, circulation,
amendments, branch positions, discussion and the bulletin. Deciding happens in meetings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify, notify_members_under
from iskra.members.models import Membership, Status
from iskra.motions.models import (
    MOTION_TRANSITIONS,
    Amendment,
    Bulletin,
    Circulation,
    Contribution,
    Motion,
    MotionStatus,
    MotionStatusChange,
    MotionVersion,
    Position,
    Post,
    PostRevision,
    Proposer,
    Support,
)
from iskra.motions.permissions import (
    can_discuss,
    can_edit_draft,
    can_manage_motion,
    can_moderate,
    can_propose_to,
    can_record_position,
    can_support,
    can_table_amendment,
    can_withdraw,
    in_scope,
    proposing_units,
)
from iskra.motions.text import AmendmentFalls, apply_amendment, check_text_length
from iskra.organisation.models import Body, Unit
from iskra.organisation.permissions import is_officer_of, require
from iskra.organisation.selectors import unit_officer_holdings


def _url(motion: Motion) -> str:
    return reverse("motions:detail", args=[motion.pk])


def check_transition(motion: Motion, *, to: str) -> None:
    """Refuse a status change the map does not allow, before anything is written for it."""
    if to not in MOTION_TRANSITIONS.get(motion.status, frozenset()):
        raise DomainError(
            f"A motion that is {motion.get_status_display().lower()} cannot become "
            f"{MotionStatus(to).label.lower()}."
        )


def transition(motion: Motion, *, to: str, actor: Any, reason: str = "") -> None:
    """Move a locked motion to a new status if the map allows it, keeping the history."""
    check_transition(motion, to=to)
    old = motion.status
    now = timezone.now()
    motion.status = to
    fields = ["status"]
    if to == MotionStatus.SUBMITTED:
        motion.submitted_at = now
        fields.append("submitted_at")
    elif to == MotionStatus.ADMITTED:
        motion.admitted_at = now
        fields.append("admitted_at")
    elif to in {MotionStatus.CARRIED, MotionStatus.LOST, MotionStatus.REMITTED}:
        motion.decided_at = now
        fields.append("decided_at")
    if reason:
        motion.status_reason = reason
        fields.append("status_reason")
    motion.save(update_fields=fields)
    by = actor if getattr(actor, "pk", None) else None
    MotionStatusChange.objects.create(
        motion=motion, from_status=old, to_status=to, at=now, by=by, reason=reason
    )
    record(
        actor=by,
        action=f"motion.{to}",
        obj=motion,
        unit=motion.body.unit,
        data={"from": old, "reason": reason},
    )


def _lock(motion: Motion) -> Motion:
    return Motion.objects.select_for_update().select_related("body__unit").get(pk=motion.pk)


def _body_officer_ids(body: Body) -> list[Any]:
    return list(unit_officer_holdings(body.unit).values_list("holder_id", flat=True))


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


@transaction.atomic
def update_draft(
    *, actor: Any, motion: Motion, title: str, text: str, supporting_statement: str = ""
) -> Motion:
    motion = _lock(motion)
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
    if not reason.strip():
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
    if not reason.strip():
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


# --- Amendments --------------------------------------------------------------------------------


@transaction.atomic
def table_amendment(
    *,
    actor: Any,
    motion: Motion,
    kind: str,
    passage: str = "",
    new_text: str = "",
    explanation: str = "",
    proposing_unit: Unit | None = None,
) -> Amendment:
    motion = _lock(motion)
    require(can_table_amendment(actor, motion), "You cannot amend this motion now.")
    if proposing_unit is not None:
        require(
            is_officer_of(actor, proposing_unit),
            "You can only table amendments for a unit you are an officer of.",
        )
    if kind not in Amendment.Kind.values:
        raise DomainError("Choose what the amendment does.")
    apply_amendment(motion.text, kind=kind, passage=passage, new_text=new_text)  # validates
    number = (motion.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment.objects.create(
        motion=motion,
        number=number,
        kind=kind,
        passage=passage,
        new_text=new_text,
        explanation=explanation.strip(),
        proposing_unit=proposing_unit,
        created_by=actor,
        created_at=timezone.now(),
    )
    record(
        actor=actor,
        action="amendment.table",
        obj=amendment,
        unit=motion.body.unit,
        data={
            "motion": motion.pk,
            "kind": kind,
            "unit": proposing_unit.pk if proposing_unit else None,
        },
    )
    return amendment


@transaction.atomic
def withdraw_amendment(*, actor: Any, amendment: Amendment) -> Amendment:
    amendment = (
        Amendment.objects.select_for_update()
        .select_related("motion__body__unit")
        .get(pk=amendment.pk)
    )
    require(
        amendment.created_by_id == actor.pk or can_manage_motion(actor, amendment.motion),
        "Only its mover can withdraw an amendment.",
    )
    if amendment.status != Amendment.Status.TABLED:
        raise DomainError("This amendment has already been dealt with.")
    # Once a meeting is voting on it, the vote decides its fate (closing it would overwrite
    # a withdrawal).
    if amendment.votes.filter(state="open").exists():
        raise DomainError("A meeting is voting on this amendment; it can no longer be withdrawn.")
    amendment.status = Amendment.Status.WITHDRAWN
    amendment.decided_at = timezone.now()
    amendment.save(update_fields=["status", "decided_at"])
    record(actor=actor, action="amendment.withdraw", obj=amendment, unit=amendment.motion.body.unit)
    return amendment


def settle_amendment(*, actor: Any, amendment: Amendment, carried: bool) -> Amendment:
    """Record an amendment's fate (called by the meeting's vote). A carried amendment makes a
    new version of the motion's text; one whose passage is gone falls."""
    motion = _lock(amendment.motion)
    amendment.decided_at = timezone.now()
    if carried:
        new_text = apply_amendment(
            motion.text, kind=amendment.kind, passage=amendment.passage, new_text=amendment.new_text
        )
        number = (motion.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        MotionVersion.objects.create(
            motion=motion,
            number=number,
            text=new_text,
            created_at=amendment.decided_at,
            reason=f"Amendment {amendment.number} carried",
        )
        motion.text = new_text
        motion.save(update_fields=["text"])
        amendment.status = Amendment.Status.CARRIED
        _fall_amendments_without_passage(actor=actor, motion=motion, carried=amendment)
    else:
        amendment.status = Amendment.Status.LOST
    amendment.save(update_fields=["status", "decided_at"])
    record(
        actor=actor,
        action="amendment.settle",
        obj=amendment,
        unit=motion.body.unit,
        data={"status": amendment.status},
    )
    return amendment


def _fall_amendments_without_passage(*, actor: Any, motion: Motion, carried: Amendment) -> None:
    """Tabled amendments whose passage the new text no longer contains (exactly once) fall:
    they are recorded as fallen rather than left to block the vote on the motion."""
    tabled = motion.amendments.filter(status=Amendment.Status.TABLED).exclude(pk=carried.pk)
    for other in tabled:
        try:
            apply_amendment(
                motion.text, kind=other.kind, passage=other.passage, new_text=other.new_text
            )
        except AmendmentFalls:
            other.status = Amendment.Status.FALLEN
            other.decided_at = carried.decided_at
            other.save(update_fields=["status", "decided_at"])
            record(
                actor=actor,
                action="amendment.fall",
                obj=other,
                unit=motion.body.unit,
                data={"after": carried.pk},
            )


# --- Positions ---------------------------------------------------------------------------------


@transaction.atomic
def record_position(
    *,
    actor: Any,
    motion: Motion,
    unit: Unit,
    stance: str,
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
    mandate: str = Position.Mandate.FREE,
    mandate_note: str = "",
    meeting: Any = None,
) -> Position:
    """A unit records the position its meeting took, and its mandate for its delegates.
    A later record supersedes the earlier one, which is kept."""
    motion = _lock(motion)
    require(
        can_record_position(actor, motion, unit),
        "Only the unit's officers record its position while the motion is in discussion.",
    )
    if stance not in Position.Stance.values:
        raise DomainError("Choose support, oppose or support if amended.")
    if mandate not in Position.Mandate.values:
        raise DomainError("Choose whether delegates are instructed or free.")
    if min(votes_for, votes_against, abstentions) < 0:
        raise DomainError("Vote figures cannot be negative.")
    if meeting is not None and meeting.body.unit_id != unit.pk:
        raise DomainError(f"The meeting that took the position must be one of {unit.name}'s.")
    members = Membership.objects.filter(
        unit__path__startswith=unit.path, status=Status.MEMBER
    ).count()
    cast = votes_for + votes_against + abstentions
    if cast > members:
        raise DomainError(
            f"{cast} votes recorded, but {unit.name} has {members} "
            f"member{'s' if members != 1 else ''}: check the figures."
        )
    Position.objects.filter(motion=motion, unit=unit, is_current=True).update(is_current=False)
    position = Position.objects.create(
        motion=motion,
        unit=unit,
        stance=stance,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        members=members,
        mandate=mandate,
        mandate_note=mandate_note.strip(),
        meeting=meeting,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record(
        actor=actor,
        action="motion.position",
        obj=position,
        unit=unit,
        data={
            "motion": motion.pk,
            "stance": stance,
            "for": votes_for,
            "against": votes_against,
            "abstain": abstentions,
            "mandate": mandate,
        },
    )
    return position


# --- Discussion ----------------------------------------------------------------------------------


@transaction.atomic
def post_to_discussion(
    *, actor: Any, motion: Motion, text: str, parent: Post | None = None
) -> Post:
    motion = Motion.objects.select_related("body__unit").get(pk=motion.pk)
    require(
        can_discuss(actor, motion),
        "The discussion is open to members in the body's scope while the motion is before them.",
    )
    if not text.strip():
        raise DomainError("Write something first.")
    if len(text) > 10000:
        raise DomainError(
            "Keep it under 10,000 characters; a longer piece belongs in the bulletin."
        )
    if parent is not None and parent.motion_id != motion.pk:
        raise DomainError("You can only reply within the same discussion.")
    post = Post.objects.create(
        motion=motion, parent=parent, author=actor, text=text.strip(), created_at=timezone.now()
    )
    record(
        actor=actor,
        action="discussion.post",
        obj=post,
        unit=motion.body.unit,
        data={"motion": motion.pk},
    )
    return post


@transaction.atomic
def edit_post(*, actor: Any, post: Post, text: str) -> Post:
    post = Post.objects.select_for_update().select_related("motion__body__unit").get(pk=post.pk)
    require(post.author_id == actor.pk, "Only the author can edit a post.")
    if post.hidden_at is not None:
        raise DomainError("A hidden post cannot be edited.")
    if not text.strip():
        raise DomainError("A post cannot be empty.")
    now = timezone.now()
    PostRevision.objects.create(post=post, text=post.text, replaced_at=now)
    post.text = text.strip()
    post.edited_at = now
    post.save(update_fields=["text", "edited_at"])
    record(actor=actor, action="discussion.edit", obj=post, unit=post.motion.body.unit)
    return post


@transaction.atomic
def hide_post(*, actor: Any, post: Post, reason: str) -> Post:
    post = Post.objects.select_for_update().select_related("motion__body__unit").get(pk=post.pk)
    require(can_moderate(actor, post), "Only officers moderate the discussion.")
    if not reason.strip():
        raise DomainError("Moderation needs a reason; it is shown in place of the post.")
    post.hidden_at = timezone.now()
    post.hidden_by = actor
    post.hidden_reason = reason.strip()
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    record(
        actor=actor,
        action="discussion.hide",
        obj=post,
        unit=post.motion.body.unit,
        data={"reason": post.hidden_reason},
    )
    return post


# --- Bulletin ----------------------------------------------------------------------------------


@transaction.atomic
def create_bulletin(
    *, actor: Any, body: Body, title: str, opens_on: date, closes_on: date
) -> Bulletin:
    require(is_officer_of(actor, body.unit), "Only the body's officers open a bulletin.")
    if closes_on < opens_on:
        raise DomainError("The bulletin must close after it opens.")
    if not title.strip():
        raise DomainError("A bulletin needs a title.")
    bulletin = Bulletin.objects.create(
        body=body, title=title.strip(), opens_on=opens_on, closes_on=closes_on
    )
    record(actor=actor, action="bulletin.create", obj=bulletin, unit=body.unit)
    return bulletin


@transaction.atomic
def contribute(
    *,
    actor: Any,
    bulletin: Bulletin,
    title: str,
    text: str,
    signature: str = "",
    motion: Motion | None = None,
) -> Contribution:
    # Judge on the bulletin as it is now: it may have been published since the caller read it.
    bulletin = Bulletin.objects.select_for_update().select_related("body__unit").get(pk=bulletin.pk)
    require(
        in_scope(actor, bulletin.body), "Contributions come from members within the body's scope."
    )
    today = timezone.localdate()
    if bulletin.published_at is not None or not bulletin.opens_on <= today <= bulletin.closes_on:
        raise DomainError("This bulletin is not open for contributions.")
    if not title.strip() or not text.strip():
        raise DomainError("A contribution needs a title and a text.")
    contribution = Contribution.objects.create(
        bulletin=bulletin,
        motion=motion,
        author=actor,
        signature=signature.strip() or actor.full_name,
        title=title.strip(),
        text=text.strip(),
        submitted_at=timezone.now(),
    )
    record(actor=actor, action="bulletin.contribute", obj=contribution, unit=bulletin.body.unit)
    return contribution


@transaction.atomic
def publish_bulletin(*, actor: Any, bulletin: Bulletin) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().select_related("body__unit").get(pk=bulletin.pk)
    require(
        is_officer_of(actor, bulletin.body.unit), "Only the body's officers publish the bulletin."
    )
    if bulletin.published_at is not None:
        raise DomainError("Already published.")
    bulletin.published_at = timezone.now()
    bulletin.save(update_fields=["published_at"])
    notify_members_under(
        path=bulletin.body.unit.path,
        kind="bulletin.published",
        title=f"Discussion bulletin published: {bulletin.title}",
        url=reverse("motions:bulletin", args=[bulletin.pk]),
    )
    record(actor=actor, action="bulletin.publish", obj=bulletin, unit=bulletin.body.unit)
    return bulletin
