"""The motions API: the same services and permission loaders as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from iskra.accounts.api_auth import request_user
from iskra.accounts.models import User
from iskra.apikit.common import ERRORS
from iskra.apikit.inputs import ID_FILTER, ID_IN_PATH, WORD_FILTER, PathId
from iskra.apikit.pagination import Paged, Pages
from iskra.core.errors import DomainError, NotFound
from iskra.core.markdown import render_markdown
from iskra.motions import selectors, services
from iskra.motions.models import (
    Amendment,
    Bulletin,
    Contribution,
    Motion,
    MotionStatus,
    Position,
    Post,
)
from iskra.motions.permissions import (
    can_add_support,
    can_discuss,
    can_edit_draft,
    can_manage_motion,
    can_table_amendment,
    can_withdraw_now,
    is_member_or_superuser,
    load_bulletin,
    load_motion,
    load_post,
    sees_every_contribution,
)
from iskra.motions.schemas import (
    AmendmentIn,
    AmendmentOut,
    BranchReminderOut,
    BulletinDetailOut,
    BulletinIn,
    BulletinOut,
    CompositeIn,
    ContributionIn,
    ContributionOut,
    DiscussionIn,
    DiscussionOpenedOut,
    DiscussionStateOut,
    DraftIn,
    HideIn,
    MotionIn,
    MotionOut,
    MotionSummaryOut,
    NotDiscussedOut,
    PositionIn,
    PositionOut,
    PostEditIn,
    PostIn,
    PostOut,
    ReasonIn,
)
from iskra.motions.text import apply_amendment, diff_html
from iskra.organisation.models import Body
from iskra.organisation.permissions import load_body, require
from iskra.organisation.selectors import unit_or_none

router = Router(tags=["motions"])


def _require_member(user: User, message: str) -> None:
    require(is_member_or_superuser(user), message)


def _summary(m: Motion) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "body_id": m.body_id,
        "body_name": m.body.name,
        "status": m.status,
        "proposed_by": m.proposed_by,
        "created_at": m.created_at,
        "submitted_at": m.submitted_at,
        "discussion_deadline": m.discussion_deadline,
        "supporters_count": m.supporters_count,
    }


def _amendment_out(a: Amendment, current_text: str) -> dict[str, Any]:
    preview: str | None = None
    problem: str | None = None
    if a.status == Amendment.Status.TABLED:
        try:
            preview = str(
                diff_html(
                    current_text,
                    apply_amendment(
                        current_text, kind=a.kind, passage=a.passage, new_text=a.new_text
                    ),
                )
            )
        except DomainError as exc:
            problem = exc.message
    return {
        "id": a.pk,
        "motion_id": a.motion_id,
        "number": a.number,
        "kind": a.kind,
        "passage": a.passage,
        "new_text": a.new_text,
        "explanation": a.explanation,
        "proposing_unit_id": a.proposing_unit_id,
        "created_by_id": a.created_by_id,
        "created_at": a.created_at,
        "status": a.status,
        "decided_at": a.decided_at,
        "diff_html": preview,
        "problem": problem,
    }


def _motion_out(user: User, motion_id: int) -> dict[str, Any]:
    """The motion page's content: current text, versions, amendments, support, the state of
    the discussion and what this person may do now."""
    motion = load_motion(user, motion_id)
    decision = getattr(motion, "decision", None)
    return {
        **_summary(motion),
        "text": motion.text,
        "text_html": str(render_markdown(motion.text)),
        "supporting_statement": motion.supporting_statement,
        "proposing_unit_id": motion.proposing_unit_id,
        "proposing_body_id": motion.proposing_body_id,
        "authority": motion.authority,
        "created_by_id": motion.created_by_id,
        "created_by_name": motion.created_by.full_name,
        "admitted_at": motion.admitted_at,
        "decided_at": motion.decided_at,
        "status_reason": motion.status_reason,
        "composite_id": motion.composite_id,
        "supporters_needed": services.supporters_needed(motion),
        "supported": motion.supports.filter(user=user).exists(),
        "decision_id": decision.pk if decision is not None else None,
        "proposers": [
            {
                "user_id": p.user_id,
                "name": p.user.full_name,
                "is_mover": p.is_mover,
                "agreed_to_composite_at": p.agreed_to_composite_at,
            }
            for p in motion.proposers.select_related("user").order_by("-is_mover", "pk")
        ],
        "versions": list(motion.versions.all()),
        "amendments": [_amendment_out(a, motion.text) for a in motion.amendments.all()],
        "history": list(motion.status_changes.all()),
        "state": selectors.discussion_state(motion).as_dict()
        if motion.status != MotionStatus.DRAFT
        else None,
        "can": {
            "edit": can_edit_draft(user, motion),
            "support": can_add_support(user, motion),
            "manage": can_manage_motion(user, motion),
            "withdraw": can_withdraw_now(user, motion),
            "discuss": can_discuss(user, motion),
            "amend": can_table_amendment(user, motion),
        },
    }


# --- Motions -----------------------------------------------------------------------------------


@router.get("/motions", response={200: list[MotionSummaryOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_motions(
    request: HttpRequest, body_id: int | None = ID_FILTER, status: str = WORD_FILTER
) -> Any:
    """Motions, newest first; filter by target body and status."""
    _require_member(request_user(request), "Motions are for members.")
    if status and status not in MotionStatus.values:
        raise DomainError("Unknown status: " + ", ".join(MotionStatus.values) + ".")
    return Paged(selectors.motions_for_body(body_id, status), _summary)


@router.post("/motions", response={201: MotionOut, **ERRORS})
def create_motion(request: HttpRequest, payload: MotionIn) -> Any:
    """Draft a motion as a member, for a unit (as its officer) or in the body's name."""
    user = request_user(request)
    _require_member(user, "Only members propose motions.")
    body = load_body(user, payload.body_id)
    motion = services.create_motion(
        actor=user,
        body=body,
        title=payload.title,
        text=payload.text,
        supporting_statement=payload.supporting_statement,
        proposing_unit=unit_or_none(payload.proposing_unit_id),
        by_body=payload.by_body,
        authority=payload.authority,
    )
    return Status(201, _motion_out(user, motion.pk))


# Registered before "/motions/{motion_id}" so that the path is not read as a motion id.
@router.post("/motions/composites", response={201: MotionOut, **ERRORS})
def composite(request: HttpRequest, payload: CompositeIn) -> Any:
    """An officer merges motions on one subject, once every mover has agreed."""
    user = request_user(request)
    motions = [load_motion(user, pk) for pk in dict.fromkeys(payload.motion_ids)]
    merged = services.composite_motions(
        actor=user, motions=motions, title=payload.title, text=payload.text
    )
    return Status(201, _motion_out(user, merged.pk))


@router.get("/motions/{motion_id}", response={200: MotionOut, **ERRORS})
def get_motion(request: HttpRequest, motion_id: PathId) -> Any:
    return _motion_out(request_user(request), motion_id)


@router.patch("/motions/{motion_id}", response={200: MotionOut, **ERRORS})
def edit_draft(request: HttpRequest, motion_id: PathId, payload: DraftIn) -> Any:
    """The mover edits the draft; fields left out keep their value."""
    user = request_user(request)
    motion = load_motion(user, motion_id)
    services.update_draft(
        actor=user,
        motion=motion,
        title=motion.title if payload.title is None else payload.title,
        text=motion.text if payload.text is None else payload.text,
        supporting_statement=motion.supporting_statement
        if payload.supporting_statement is None
        else payload.supporting_statement,
    )
    return _motion_out(user, motion.pk)


@router.post("/motions/{motion_id}/support", response={200: MotionOut, **ERRORS})
def support(request: HttpRequest, motion_id: PathId) -> Any:
    user = request_user(request)
    services.support_motion(actor=user, motion=load_motion(user, motion_id))
    return _motion_out(user, motion_id)


@router.delete("/motions/{motion_id}/support", response={200: MotionOut, **ERRORS})
def unsupport(request: HttpRequest, motion_id: PathId) -> Any:
    user = request_user(request)
    services.withdraw_support(actor=user, motion=load_motion(user, motion_id))
    return _motion_out(user, motion_id)


@router.post("/motions/{motion_id}/submit", response={200: MotionOut, **ERRORS})
def submit(request: HttpRequest, motion_id: PathId) -> Any:
    user = request_user(request)
    services.submit_motion(actor=user, motion=load_motion(user, motion_id))
    return _motion_out(user, motion_id)


@router.post("/motions/{motion_id}/admit", response={200: MotionOut, **ERRORS})
def admit(request: HttpRequest, motion_id: PathId, payload: ReasonIn) -> Any:
    user = request_user(request)
    services.admit_motion(actor=user, motion=load_motion(user, motion_id), reason=payload.reason)
    return _motion_out(user, motion_id)


@router.post("/motions/{motion_id}/rule-out", response={200: MotionOut, **ERRORS})
def rule_out(request: HttpRequest, motion_id: PathId, payload: ReasonIn) -> Any:
    user = request_user(request)
    services.rule_out_of_order(
        actor=user, motion=load_motion(user, motion_id), reason=payload.reason
    )
    return _motion_out(user, motion_id)


@router.post("/motions/{motion_id}/withdraw", response={200: MotionOut, **ERRORS})
def withdraw(request: HttpRequest, motion_id: PathId, payload: ReasonIn) -> Any:
    user = request_user(request)
    services.withdraw_motion(actor=user, motion=load_motion(user, motion_id), reason=payload.reason)
    return _motion_out(user, motion_id)


@router.post("/motions/{motion_id}/discussion", response={200: DiscussionOpenedOut, **ERRORS})
def open_discussion(request: HttpRequest, motion_id: PathId, payload: DiscussionIn) -> Any:
    """Circulate the motion to every branch in the body's scope until the deadline."""
    user = request_user(request)
    notified = services.open_discussion(
        actor=user, motion=load_motion(user, motion_id), deadline=payload.deadline
    )
    return {"notified": notified, "motion": _motion_out(user, motion_id)}


@router.get("/motions/{motion_id}/state", response={200: DiscussionStateOut, **ERRORS})
def state_of_discussion(request: HttpRequest, motion_id: PathId) -> Any:
    return selectors.discussion_state(load_motion(request_user(request), motion_id)).as_dict()


@router.get("/motions/{motion_id}/not-discussed", response={200: list[NotDiscussedOut], **ERRORS})
def not_discussed(request: HttpRequest, motion_id: PathId) -> Any:
    """The branches circulated that have not recorded a position (the first 200 by deadline)."""
    pending = selectors.not_yet_discussed(load_motion(request_user(request), motion_id))
    return [
        {
            "unit_id": c.unit_id,
            "unit_name": c.unit.name,
            "deadline": c.deadline,
            "reminded_at": c.reminded_at,
        }
        for c in pending.select_related("unit").order_by("deadline", "unit__name")[
            : selectors.NOT_YET_LISTED
        ]
    ]


@router.post("/motions/{motion_id}/remind", response={200: BranchReminderOut, **ERRORS})
def remind_branches(request: HttpRequest, motion_id: PathId) -> Any:
    """Notify the officers of the branches that have not yet discussed (once a day each)."""
    user = request_user(request)
    return {"reminded": services.remind_branches(actor=user, motion=load_motion(user, motion_id))}


@router.post("/motions/{motion_id}/composite-agreement", response={200: MotionOut, **ERRORS})
def agree_to_composite(request: HttpRequest, motion_id: PathId) -> Any:
    """The mover agrees to the motion being merged into a composite."""
    user = request_user(request)
    services.agree_to_composite(actor=user, motion=load_motion(user, motion_id))
    return _motion_out(user, motion_id)


# --- Amendments --------------------------------------------------------------------------------


@router.get("/motions/{motion_id}/amendments", response={200: list[AmendmentOut], **ERRORS})
def list_amendments(request: HttpRequest, motion_id: PathId) -> Any:
    motion = load_motion(request_user(request), motion_id)
    return [_amendment_out(a, motion.text) for a in motion.amendments.all()]


@router.post("/motions/{motion_id}/amendments", response={201: AmendmentOut, **ERRORS})
def table_amendment(request: HttpRequest, motion_id: PathId, payload: AmendmentIn) -> Any:
    user = request_user(request)
    motion = load_motion(user, motion_id)
    amendment = services.table_amendment(
        actor=user,
        motion=motion,
        kind=payload.kind,
        passage=payload.passage,
        new_text=payload.new_text,
        explanation=payload.explanation,
        proposing_unit=unit_or_none(payload.proposing_unit_id),
    )
    return Status(201, _amendment_out(amendment, motion.text))


def _load_amendment(user: User, amendment_id: int) -> Amendment:
    amendment = Amendment.objects.filter(pk=amendment_id).first()
    if amendment is None:
        raise NotFound("No such amendment.")
    amendment.motion = load_motion(user, amendment.motion_id)
    return amendment


@router.post("/amendments/{amendment_id}/withdraw", response={200: AmendmentOut, **ERRORS})
def withdraw_amendment(request: HttpRequest, amendment_id: PathId) -> Any:
    user = request_user(request)
    amendment = services.withdraw_amendment(
        actor=user, amendment=_load_amendment(user, amendment_id)
    )
    return _amendment_out(amendment, amendment.motion.text)


# --- Positions ---------------------------------------------------------------------------------


def position_out(p: Position) -> dict[str, Any]:
    return {
        "id": p.pk,
        "motion_id": p.motion_id,
        "unit_id": p.unit_id,
        "unit_name": p.unit.name,
        "stance": p.stance,
        "votes_for": p.votes_for,
        "votes_against": p.votes_against,
        "abstentions": p.abstentions,
        "mandate": p.mandate,
        "mandate_note": p.mandate_note,
        "meeting_id": p.meeting_id,
        "vote_id": p.vote_id,
        "amendment_stances": p.amendment_stances,
        "recorded_by_id": p.recorded_by_id,
        "recorded_at": p.recorded_at,
        "is_current": p.is_current,
    }


@router.get("/motions/{motion_id}/positions", response={200: list[PositionOut], **ERRORS})
def list_positions(request: HttpRequest, motion_id: PathId, history: bool = False) -> Any:
    """Units' current positions; ``history=true`` adds the superseded ones."""
    motion = load_motion(request_user(request), motion_id)
    positions = motion.positions.select_related("unit").order_by("unit__name", "-recorded_at")
    if not history:
        positions = positions.filter(is_current=True)
    return [position_out(p) for p in positions]


@router.post("/motions/{motion_id}/positions", response={201: PositionOut, **ERRORS})
def record_position(request: HttpRequest, motion_id: PathId, payload: PositionIn) -> Any:
    """A unit's officer records the position its meeting took, and its mandate."""
    user = request_user(request)
    motion = load_motion(user, motion_id)
    unit = unit_or_none(payload.unit_id)
    assert unit is not None
    meeting = None
    if payload.meeting_id is not None:
        # Only one of the unit's own meetings (the service refuses any other): another branch's
        # meetings are not found. Meetings stand on motions, so they are reached through the
        # unit's bodies, not imported.
        body = Body.objects.filter(unit=unit, meetings__pk=payload.meeting_id).first()
        if body is None:
            raise NotFound("No such meeting.")
        meeting = body.meetings.select_related("body__unit").get(pk=payload.meeting_id)
    position = services.record_position(
        actor=user,
        motion=motion,
        unit=unit,
        stance=payload.stance,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        abstentions=payload.abstentions,
        mandate=payload.mandate,
        mandate_note=payload.mandate_note,
        meeting=meeting,
    )
    return Status(201, position_out(position))


# --- Discussion --------------------------------------------------------------------------------


def _post_out(p: Post) -> dict[str, Any]:
    hidden = p.hidden_at is not None
    return {
        "id": p.pk,
        "motion_id": p.motion_id,
        "parent_id": p.parent_id,
        "author_id": p.author_id,
        "author_name": p.author.full_name,
        "text": "" if hidden else p.text,
        "created_at": p.created_at,
        "edited_at": p.edited_at,
        "revisions": len(p.revisions.all()),
        "is_hidden": hidden,
        "hidden_reason": p.hidden_reason,
    }


@router.get("/motions/{motion_id}/posts", response={200: list[PostOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_posts(request: HttpRequest, motion_id: int = ID_IN_PATH) -> Any:
    """The discussion in order; replies carry their parent's id."""
    motion = load_motion(request_user(request), motion_id)
    posts = motion.posts.select_related("author").prefetch_related("revisions")
    return Paged(posts, _post_out)


@router.post("/motions/{motion_id}/posts", response={201: PostOut, **ERRORS})
def create_post(request: HttpRequest, motion_id: PathId, payload: PostIn) -> Any:
    user = request_user(request)
    motion = load_motion(user, motion_id)
    parent = None
    if payload.parent_id is not None:
        parent = Post.objects.filter(pk=payload.parent_id, motion=motion).first()
        if parent is None:
            raise NotFound("No such post in this discussion.")
    post = services.post_to_discussion(actor=user, motion=motion, text=payload.text, parent=parent)
    return Status(201, _post_out(post))


@router.patch("/posts/{post_id}", response={200: PostOut, **ERRORS})
def edit_post(request: HttpRequest, post_id: PathId, payload: PostEditIn) -> Any:
    """The author edits a post; the earlier text is kept as a revision."""
    user = request_user(request)
    post = services.edit_post(actor=user, post=load_post(user, post_id), text=payload.text)
    return _post_out(post)


@router.post("/posts/{post_id}/hide", response={200: PostOut, **ERRORS})
def hide_post(request: HttpRequest, post_id: PathId, payload: HideIn) -> Any:
    """An officer hides a post; the reason is shown in its place."""
    user = request_user(request)
    post = services.hide_post(actor=user, post=load_post(user, post_id), reason=payload.reason)
    return _post_out(post)


# --- Bulletins ---------------------------------------------------------------------------------


def _contribution_out(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "bulletin_id": c.bulletin_id,
        "motion_id": c.motion_id,
        "author_id": c.author_id,
        "signature": c.signature,
        "title": c.title,
        "text": c.text,
        "submitted_at": c.submitted_at,
    }


def _bulletin_detail(user: User, bulletin: Bulletin) -> dict[str, Any]:
    # Before publication a member sees only their own contributions; officers see them all.
    contributions = (
        bulletin.contributions.all()
        if sees_every_contribution(user, bulletin)
        else bulletin.contributions.filter(author=user)
    )
    return {
        "id": bulletin.pk,
        "body_id": bulletin.body_id,
        "title": bulletin.title,
        "opens_on": bulletin.opens_on,
        "closes_on": bulletin.closes_on,
        "published_at": bulletin.published_at,
        "contributions": [_contribution_out(c) for c in contributions],
    }


@router.get("/bulletins", response={200: list[BulletinOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_bulletins(request: HttpRequest, body_id: int | None = ID_FILTER) -> Any:
    _require_member(request_user(request), "Bulletins are for members.")
    bulletins = Bulletin.objects.all()
    if body_id is not None:
        bulletins = bulletins.filter(body_id=body_id)
    return bulletins


@router.post("/bulletins", response={201: BulletinDetailOut, **ERRORS})
def create_bulletin(request: HttpRequest, payload: BulletinIn) -> Any:
    user = request_user(request)
    bulletin = services.create_bulletin(
        actor=user,
        body=load_body(user, payload.body_id),
        title=payload.title,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return Status(201, _bulletin_detail(user, bulletin))


@router.get("/bulletins/{bulletin_id}", response={200: BulletinDetailOut, **ERRORS})
def get_bulletin(request: HttpRequest, bulletin_id: PathId) -> Any:
    user = request_user(request)
    return _bulletin_detail(user, load_bulletin(user, bulletin_id))


@router.post("/bulletins/{bulletin_id}/contributions", response={201: ContributionOut, **ERRORS})
def contribute(request: HttpRequest, bulletin_id: PathId, payload: ContributionIn) -> Any:
    """A signed contribution to the discussion bulletin of the period."""
    user = request_user(request)
    bulletin = load_bulletin(user, bulletin_id)
    motion = load_motion(user, payload.motion_id) if payload.motion_id is not None else None
    contribution = services.contribute(
        actor=user,
        bulletin=bulletin,
        title=payload.title,
        text=payload.text,
        signature=payload.signature,
        motion=motion,
    )
    return Status(201, _contribution_out(contribution))


@router.post("/bulletins/{bulletin_id}/publish", response={200: BulletinDetailOut, **ERRORS})
def publish_bulletin(request: HttpRequest, bulletin_id: PathId) -> Any:
    user = request_user(request)
    bulletin = services.publish_bulletin(actor=user, bulletin=load_bulletin(user, bulletin_id))
    return _bulletin_detail(user, bulletin)
