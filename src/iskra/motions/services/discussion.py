"""Branch positions, the discussion thread and the bulletin."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from iskra.audit.services import record
from iskra.core.errors import DomainError
from iskra.core.notifications import notify_members_under
from iskra.core.words import visible
from iskra.members.models import Membership, Status
from iskra.motions.models import (
    AMENDMENT_STANCES,
    Amendment,
    Bulletin,
    Contribution,
    Motion,
    Position,
    Post,
    PostRevision,
)
from iskra.motions.permissions import (
    can_discuss,
    can_moderate,
    can_record_position,
    in_scope,
)
from iskra.motions.services.common import _lock
from iskra.organisation.models import Body, Unit
from iskra.organisation.permissions import is_officer_of, require

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
    vote: Any = None,
    amendment_stances: dict[int, str] | None = None,
) -> Position:
    """A unit records the position its meeting took, and its mandate for its delegates.
    A later record supersedes the earlier one, which is kept.

    ``vote`` is the meeting's vote on the motion that decided it (``meetings`` records the
    position from its votes: ``meetings.services.record_position_from_meeting``), and
    ``amendment_stances`` maps an amendment's id to ``support`` or ``oppose``."""
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
    if vote is not None and (
        vote.meeting_id != getattr(meeting, "pk", None) or vote.motion_id != motion.pk
    ):
        raise DomainError(
            "The vote that took the position must be the meeting's vote on this motion."
        )
    stances = _amendment_stances(motion, amendment_stances or {})
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
        vote=vote,
        amendment_stances=stances,
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
            "meeting": meeting.pk if meeting is not None else None,
            "amendments": {str(a["number"]): a["stance"] for a in stances},
        },
    )
    return position


def _amendment_stances(motion: Motion, stances: dict[int, str]) -> list[dict[str, Any]]:
    """The stances on the motion's amendments, checked and in the amendments' order."""
    amendments = {a.pk: a for a in Amendment.objects.filter(motion=motion, pk__in=list(stances))}
    out = []
    for pk, stance in stances.items():
        if pk not in amendments:
            raise DomainError("A stance was given on an amendment that is not this motion's.")
        if stance not in AMENDMENT_STANCES:
            raise DomainError("Support or oppose each amendment.")
        out.append({"amendment": pk, "number": amendments[pk].number, "stance": stance})
    return sorted(out, key=lambda a: a["number"])


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
    if not visible(reason):
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
