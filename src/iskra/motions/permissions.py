"""Who may do what with motions. Discussion is open to every member in the body's scope;
managing a motion's passage belongs to the officers of the body's unit."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from iskra.core.errors import NotFound
from iskra.members.models import Membership, Status
from iskra.motions.models import MOTION_TRANSITIONS, Bulletin, Motion, MotionStatus, Post
from iskra.organisation.models import Body, SeatHolding, Unit
from iskra.organisation.permissions import is_officer_of, officer_paths, officer_scope_q, require


def _membership(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_iskra_membership"):
        user._iskra_membership = (
            Membership.objects.select_related("unit").filter(user_id=user.pk).first()
        )
    membership: Membership | None = user._iskra_membership
    return membership


def is_active_member(user: Any) -> bool:
    membership = _membership(user)
    return membership is not None and membership.status in {Status.MEMBER, Status.CANDIDATE}


def is_member_or_superuser(user: Any) -> bool:
    """Motions, bulletins and the members' side of decisions are for members (and superusers)."""
    # Candidates and members in good standing.
    if is_active_member(user):
        return True
    # Superusers run the site.
    return bool(getattr(user, "is_superuser", False))


def in_scope(user: Any, body: Body) -> bool:
    """Members whose branch lies under the body's unit take part in its discussions."""
    membership = _membership(user)
    return (
        membership is not None
        and membership.status in {Status.MEMBER, Status.CANDIDATE}
        and membership.unit.path.startswith(body.unit.path)
    )


def in_good_standing_in_scope(user: Any, body: Body) -> bool:
    membership = _membership(user)
    return (
        membership is not None
        and membership.status == Status.MEMBER
        and membership.unit.path.startswith(body.unit.path)
    )


def can_view_motion(user: Any, motion: Motion) -> bool:
    # Superusers and officers anywhere above the body see everything.
    if getattr(user, "is_superuser", False) or is_officer_of(user, motion.body.unit):
        return True
    # Every active member may read motions: freedom of discussion across the organisation.
    return (
        is_active_member(user)
        or SeatHolding.objects.current().filter(holder_id=getattr(user, "pk", None)).exists()
    )


def can_manage_motion(user: Any, motion: Motion) -> bool:
    # Admission, ruling out, circulation and compositing are for the body's unit's officers.
    return is_officer_of(user, motion.body.unit)


def can_propose_to(user: Any, body: Body) -> bool:
    # Members in good standing within the body's scope propose if standing orders allow.
    if body.members_may_propose and in_good_standing_in_scope(user, body):
        return True
    # Officers propose on behalf of their unit or body.
    return is_officer_of(user, body.unit) or (
        body.units_may_propose and bool(proposing_units(user, body))
    )


def proposing_units(user: Any, body: Body) -> list[Unit]:
    """Units within the body's scope this person may propose for (as their officer)."""
    from iskra.organisation.permissions import officer_paths

    if not body.units_may_propose:
        return []
    paths = [p for p in officer_paths(user) if p.startswith(body.unit.path)]
    return list(Unit.objects.filter(path__in=paths))


def can_edit_draft(user: Any, motion: Motion) -> bool:
    return (
        motion.status == MotionStatus.DRAFT
        and not motion.fixed_wording
        and motion.created_by_id == getattr(user, "pk", None)
    )


def can_support(user: Any, motion: Motion) -> bool:
    # Support counts only from members in good standing in scope, before admission.
    if motion.status not in {MotionStatus.DRAFT, MotionStatus.SUBMITTED}:
        return False
    if motion.proposed_by != Motion.ProposedBy.MEMBER:
        return False
    return in_good_standing_in_scope(user, motion.body)


def can_add_support(user: Any, motion: Motion) -> bool:
    # Whether to offer the support button: supporters other than the mover, who cannot also be
    # a supporter (support_motion refuses the mover with its own message).
    return can_support(user, motion) and motion.created_by_id != getattr(user, "pk", None)


def can_withdraw(user: Any, motion: Motion) -> bool:
    # The mover may withdraw until the motion is decided.
    return motion.created_by_id == getattr(user, "pk", None) or can_manage_motion(user, motion)


def _may_become(motion: Motion, status: str) -> bool:
    """Whether the transition map lets the motion move to this status from where it is."""
    return status in MOTION_TRANSITIONS.get(motion.status, frozenset())


def can_withdraw_now(user: Any, motion: Motion) -> bool:
    # Whether to offer withdrawal: a person who may withdraw, while the motion can still be
    # withdrawn (withdraw_motion refuses a decided motion with the transition's message).
    return can_withdraw(user, motion) and _may_become(motion, MotionStatus.WITHDRAWN)


def can_agree_to_composite(user: Any, motion: Motion) -> bool:
    # The mover agrees to compositing while the motion can still be composited.
    return motion.created_by_id == getattr(user, "pk", None) and _may_become(
        motion, MotionStatus.COMPOSITED
    )


def can_discuss(user: Any, motion: Motion) -> bool:
    if motion.status not in {MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION}:
        return False
    return in_scope(user, motion.body) or can_manage_motion(user, motion)


def can_table_amendment(user: Any, motion: Motion) -> bool:
    if motion.fixed_wording:
        return False
    if motion.status not in {
        MotionStatus.SUBMITTED,
        MotionStatus.ADMITTED,
        MotionStatus.IN_DISCUSSION,
    }:
        return False
    return in_good_standing_in_scope(user, motion.body) or can_manage_motion(user, motion)


def can_record_position(user: Any, motion: Motion, unit: Unit) -> bool:
    # A unit's position is recorded by its officers (after its meeting decided it).
    if motion.status != MotionStatus.IN_DISCUSSION:
        return False
    return unit.path.startswith(motion.body.unit.path) and is_officer_of(user, unit)


def position_units(user: Any, motion: Motion) -> QuerySet[Unit]:
    """The units whose position on this motion the person may record: the units within the
    body's scope they are an officer of, and the branches directly below those."""
    scope = motion.body.unit.path
    if getattr(user, "is_superuser", False):
        return Unit.objects.filter(path__startswith=scope, kind__holds_members=True)
    paths = [p for p in officer_paths(user) if p.startswith(scope)]
    return Unit.objects.filter(path__in=paths) | Unit.objects.filter(
        kind__holds_members=True, path__startswith=scope, parent__path__in=paths
    )


def can_moderate(user: Any, post: Post) -> bool:
    # Officers of the body's unit moderate its motions' discussions.
    return is_officer_of(user, post.motion.body.unit)


def can_record_position_now(user: Any, motion: Motion) -> bool:
    # While the motion is in discussion, officers of a unit in the body's scope record its
    # position.
    return motion.status == MotionStatus.IN_DISCUSSION and position_units(user, motion).exists()


def sees_every_contribution(user: Any, bulletin: Bulletin) -> bool:
    # Once the bulletin is published, everyone who may read it sees every contribution.
    if bulletin.published_at is not None:
        return True
    # Before that, the body's officers see them all (a member sees their own).
    return is_officer_of(user, bulletin.body.unit)


def can_publish_bulletin(user: Any, bulletin: Bulletin) -> bool:
    # The body's officers publish the bulletin, once.
    return bulletin.published_at is None and is_officer_of(user, bulletin.body.unit)


def can_contribute(user: Any, bulletin: Bulletin) -> bool:
    # Members in the body's scope contribute until the bulletin is published.
    return bulletin.published_at is None and in_scope(user, bulletin.body)


def load_motion(user: Any, motion_id: int) -> Motion:
    motion = (
        Motion.objects.select_related("body__unit", "created_by", "proposing_unit")
        .filter(pk=motion_id)
        .first()
    )
    if motion is None or not can_view_motion(user, motion):
        raise NotFound("No such motion.")
    return motion


def load_bulletin(user: Any, bulletin_id: int) -> Bulletin:
    """Members see published bulletins, and open ones of bodies whose scope they are in."""
    bulletin = Bulletin.objects.select_related("body__unit").filter(pk=bulletin_id).first()
    # Bulletins are for members (and superusers).
    if bulletin is None or not is_member_or_superuser(user):
        raise NotFound("No such bulletin.")
    # Before publication, only those in the body's scope and its officers see it.
    if bulletin.published_at is None and not (
        in_scope(user, bulletin.body) or is_officer_of(user, bulletin.body.unit)
    ):
        raise NotFound("No such bulletin.")
    return bulletin


def load_post(user: Any, post_id: int) -> Post:
    """A discussion post, for someone who may read its motion; "not found" otherwise."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such post.")
    post.motion = load_motion(user, post.motion_id)
    return post


def load_body_for_bulletin(user: Any, body_id: int) -> Body:
    """The body whose discussion bulletin an officer opens: "not found" if there is none,
    "not allowed" unless the person is an officer of its unit."""
    body = Body.objects.select_related("unit").filter(pk=body_id).first()
    if body is None:
        raise NotFound("No such body.")
    # Only the body's officers open its bulletins.
    require(is_officer_of(user, body.unit), "Only the body's officers open a bulletin.")
    return body


def visible_motions_q(user: Any, prefix: str = "") -> Q:
    """A filter on motions keeping those ``can_view_motion`` lets this person open.

    ``prefix`` names the motion from another model (``"motion__"`` on posts).
    """
    # Superusers, active members and anyone holding a seat read every motion.
    if (
        getattr(user, "is_superuser", False)
        or is_active_member(user)
        or SeatHolding.objects.current().filter(holder_id=getattr(user, "pk", None)).exists()
    ):
        return Q(**{f"{prefix}pk__isnull": False})
    # Officers read the motions of the bodies within their units.
    if officer_paths(user):
        return officer_scope_q(user, f"{prefix}body__unit__path")
    # Nobody else reads any.
    return Q(pk__in=[])


def visible_posts_q(user: Any) -> Q:
    """A filter on discussion posts keeping those whose text the motion's page shows this
    person: posts of motions they may open, not hidden by a moderator (a hidden post shows
    only the moderator's note)."""
    return Q(hidden_at__isnull=True) & visible_motions_q(user, prefix="motion__")


def can_remind_branches(user: Any, motion: Motion) -> bool:
    # While the motion is in discussion, the circulating body's officers remind the branches
    # that have not yet recorded a position.
    return motion.status == MotionStatus.IN_DISCUSSION and is_officer_of(user, motion.body.unit)
