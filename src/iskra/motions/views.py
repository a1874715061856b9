from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import (
    confirm_action,
    domain_view,
    form_view,
    keep_form,
    keep_preview,
    kept_form,
    post_action,
    wants_preview,
)
from iskra.motions import selectors, services
from iskra.motions.forms import (
    AmendmentForm,
    DiscussionForm,
    DraftForm,
    HideForm,
    MotionForm,
    PositionForm,
    PostForm,
    ReasonForm,
)
from iskra.motions.models import Motion, MotionStatus, Post
from iskra.motions.permissions import (
    can_add_support,
    can_agree_to_composite,
    can_discuss,
    can_edit_draft,
    can_manage_motion,
    can_moderate,
    can_record_position_now,
    can_remind_branches,
    can_table_amendment,
    can_withdraw,
    can_withdraw_now,
    is_member_or_superuser,
    load_motion,
    load_post,
    position_units,
)
from iskra.motions.text import diff_html
from iskra.organisation.models import Body, Unit
from iskra.organisation.permissions import is_officer_of, officer_paths, require


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@domain_view
def motion_list(request: HttpRequest) -> HttpResponse:
    require(is_member_or_superuser(request.user), "Motions are for members.")
    status = request.GET.get("status", "")
    body_id = request.GET.get("body", "")
    motions = selectors.motions_for_body(
        # Longer digit strings overflow the database's integers (a 500, not an empty list).
        int(body_id) if body_id.isdigit() and len(body_id) < 19 else None,
        status if status in MotionStatus.values else "",
    )
    return render(
        request,
        "motions/list.html",
        {
            "motions": motions[:200],
            "statuses": MotionStatus.choices,
            "status": status,
            "bodies": Body.objects.all(),
            "body_id": body_id,
        },
    )


@domain_view
def motion_new(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    require(is_member_or_superuser(user), "Only members propose motions.")
    units = Unit.objects.filter(path__in=officer_paths(user))
    initial = {
        "body": request.GET.get("body"),
        "amends_decision": request.GET.get("amends"),
        "rescinds_decision": request.GET.get("rescinds"),
    }

    def save(form: MotionForm) -> Motion:
        data = form.cleaned_data
        return services.create_motion(
            actor=user,
            body=data["body"],
            title=data["title"],
            text=data["text"],
            supporting_statement=data["supporting_statement"],
            proposing_unit=data["on_behalf_of"],
            authority=data["authority"],
            amends_decision=data["amends_decision"],
            rescinds_decision=data["rescinds_decision"],
        )

    return form_view(
        request,
        MotionForm(request.POST or None, units=units, initial=initial),
        save=save,
        done=lambda motion: redirect("motions:detail", motion_id=motion.pk),
        success="Draft saved. Gather supporters, then submit it.",
        context={"title": "Propose a motion", "submit": "Save draft"},
    )


# The motion page lists the latest positions recorded; its rollup counts every branch. A page
# listing all of them would grow with the organisation (5 000 branches: 5 000 rows).
POSITIONS_LISTED = 50


def _latest_positions(motion: Motion) -> list[Any]:
    latest = motion.positions.filter(is_current=True).select_related("unit", "meeting")
    return sorted(
        latest.order_by("-recorded_at", "-pk")[:POSITIONS_LISTED], key=lambda p: p.unit.name
    )


@domain_view
def motion_detail(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    versions = list(motion.versions.all())
    amendments = []
    for a in motion.amendments.select_related("proposing_unit", "created_by"):
        try:
            from iskra.motions.text import apply_amendment

            preview = (
                diff_html(
                    motion.text,
                    apply_amendment(
                        motion.text, kind=a.kind, passage=a.passage, new_text=a.new_text
                    ),
                )
                if a.status == "tabled"
                else None
            )
        except DomainError as exc:
            preview = None
            a.problem = exc.message  # type: ignore[attr-defined]
        amendments.append((a, preview))
    posts = list(motion.posts.select_related("author", "hidden_by").prefetch_related("revisions"))
    context = {
        "motion": motion,
        "versions": versions,
        "version_diffs": [
            (v, diff_html(versions[i - 1].text, v.text) if i else None)
            for i, v in enumerate(versions)
        ],
        "amendments": amendments,
        "posts": [p for p in posts if p.parent_id is None],
        "replies": {p.pk: [r for r in posts if r.parent_id == p.pk] for p in posts},
        "proposers": motion.proposers.select_related("user"),
        "needed": services.supporters_needed(motion),
        "supported": motion.supports.filter(user=user).exists(),
        "can_support": can_add_support(user, motion),
        "can_edit": can_edit_draft(user, motion),
        "can_manage": can_manage_motion(user, motion),
        "can_withdraw": can_withdraw_now(user, motion),
        "can_agree_composite": can_agree_to_composite(user, motion),
        "can_discuss": can_discuss(user, motion),
        "can_amend": can_table_amendment(user, motion),
        "can_record_position": can_record_position_now(user, motion),
        "can_remind": can_remind_branches(user, motion),
        # The overall figures; the table unit by unit is loaded into the page by htmx (or
        # followed as a link), so thousands of branches do not hold up the motion itself.
        "state": selectors.discussion_overall(motion)
        if motion.status != MotionStatus.DRAFT
        else None,
        "positions": _latest_positions(motion),
        "history": motion.status_changes.select_related("by"),
        "post_form": kept_form(request, f"motion-{motion.pk}-post", PostForm),
        "decision": getattr(motion, "decision", None),
        # The body's own votes; branches' votes on a motion circulated to them are shown as
        # their positions (another branch's meetings are not every member's to see).
        "votes": motion.votes.filter(meeting__body=motion.body)
        .select_related("meeting", "amendment")
        .prefetch_related("ballots__user"),
        "is_moderator": bool(posts) and can_moderate(user, posts[0]),
    }
    return render(request, "motions/detail.html", context)


@domain_view
def motion_edit(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_edit_draft(user, motion), "Only the mover can edit a draft.")
    initial = {
        "title": motion.title,
        "text": motion.text,
        "supporting_statement": motion.supporting_statement,
    }
    return form_view(
        request,
        DraftForm(request.POST or None, initial=initial),
        save=lambda form: services.update_draft(actor=user, motion=motion, **form.cleaned_data),
        done=lambda _: redirect("motions:detail", motion_id=motion.pk),
        context={"title": f"Edit draft: {motion.title}", "submit": "Save"},
    )


# One view per verb of the motion's page: each calls one service and goes back to the motion.
# The officers' verbs take an optional reason (``ReasonForm``).


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


def _motion_verb(
    act: Callable[[User, Motion, HttpRequest], object], success: str | None = None
) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A view that loads the motion as the person may see it and calls ``act`` on it."""

    @require_POST
    @domain_view
    def view(request: HttpRequest, motion_id: int) -> HttpResponseBase:
        user = _user(request)
        motion = load_motion(user, motion_id)
        return post_action(
            request,
            lambda: act(user, motion, request),
            then=redirect("motions:detail", motion_id=motion.pk),
            success=success,
            # A refusal is a message on the motion's page; a motion not found is a 404.
            propagate=(NotFound,),
        )

    return view


motion_support = _motion_verb(
    lambda user, motion, _: services.support_motion(actor=user, motion=motion),
    "You support this motion.",
)
motion_unsupport = _motion_verb(
    lambda user, motion, _: services.withdraw_support(actor=user, motion=motion),
    "You no longer support this motion.",
)
motion_submit = _motion_verb(
    lambda user, motion, _: services.submit_motion(actor=user, motion=motion), "Submitted."
)
motion_admit = _motion_verb(
    lambda user, motion, request: services.admit_motion(
        actor=user, motion=motion, reason=_reason(request)
    ),
    "The motion is admitted: it is on the body's list for debate.",
)
motion_rule_out = _motion_verb(
    lambda user, motion, request: services.rule_out_of_order(
        actor=user, motion=motion, reason=_reason(request)
    ),
    "The motion is ruled out of order; the mover sees your reason.",
)
motion_remit = _motion_verb(
    lambda user, motion, request: services.remit_motion(
        actor=user, motion=motion, reason=_reason(request)
    ),
    "The motion is remitted.",
)


@require_http_methods(["GET", "POST"])
@domain_view
def motion_withdraw(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    """Withdrawing asks first (the reason typed on the motion's page is carried along)."""
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_withdraw(user, motion), "Only the mover can withdraw the motion.")
    supporters = motion.proposers.count()
    return confirm_action(
        request,
        lambda: services.withdraw_motion(actor=user, motion=motion, reason=_reason(request)),
        then=redirect("motions:detail", motion_id=motion.pk),
        cancel=reverse("motions:detail", args=[motion.pk]),
        title=f"Withdraw the motion “{motion.title}”?",
        consequences=[
            f"The motion is withdrawn from {motion.body.name}: it will not be debated or voted on.",
            f"Its {supporters} proposer{'s' if supporters != 1 else ''} (the mover and the "
            "supporters) see it marked withdrawn, with your reason.",
            "A withdrawn motion cannot be brought back; it can only be moved again as a new one.",
        ],
        problems=[]
        if can_withdraw_now(user, motion)
        else [
            f"The motion is {motion.get_status_display().lower()}: it can no longer be withdrawn."
        ],
        confirm_label="Yes, withdraw the motion",
        carry=("reason",),
        propagate=(NotFound,),
        success="The motion is withdrawn.",
    )


motion_agree_composite = _motion_verb(
    lambda user, motion, _: services.agree_to_composite(actor=user, motion=motion),
    "Your agreement to composite is recorded.",
)


@domain_view
def motion_discussion(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_manage_motion(user, motion), "Only the body's officers open a discussion.")
    return form_view(
        request,
        DiscussionForm(request.POST or None),
        save=lambda form: services.open_discussion(
            actor=user, motion=motion, deadline=form.cleaned_data["deadline"]
        ),
        done=lambda _: redirect("motions:detail", motion_id=motion.pk),
        success=lambda notified: f"Circulated for discussion; {notified} members notified.",
        context={
            "title": f"Open the discussion of “{motion.title}”",
            "submit": "Circulate to every branch",
        },
    )


@domain_view
def composite_new(request: HttpRequest, body_id: int) -> HttpResponseBase:
    """Officers merge motions on the same subject into a composite, once every mover agreed."""
    from iskra.motions.forms import CompositeForm
    from iskra.organisation.permissions import load_body

    user = _user(request)
    body = load_body(user, body_id)
    require(is_officer_of(user, body.unit), "Only the body's officers composite motions.")
    candidates = Motion.objects.filter(
        body=body,
        status__in=[MotionStatus.SUBMITTED, MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION],
    ).prefetch_related("proposers__user")
    agreement = {
        m.pk: any(p.is_mover and p.agreed_to_composite_at for p in m.proposers.all())
        for m in candidates
    }
    return form_view(
        request,
        CompositeForm(request.POST or None, motions=candidates),
        save=lambda form: services.composite_motions(
            actor=user,
            motions=list(form.cleaned_data["motions"]),
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
        ),
        done=lambda composite: redirect("motions:detail", motion_id=composite.pk),
        success="Composite created; the merged motions point to it.",
        template="motions/composite_form.html",
        context={"body": body, "candidates": candidates, "agreement": agreement},
    )


@domain_view
def amendment_new(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_table_amendment(user, motion), "You cannot amend this motion now.")
    units = Unit.objects.filter(
        path__in=[p for p in officer_paths(user) if p.startswith(motion.body.unit.path)]
    )
    return form_view(
        request,
        AmendmentForm(request.POST or None, units=units),
        save=lambda form: services.table_amendment(actor=user, motion=motion, **form.cleaned_data),
        done=lambda _: redirect("motions:detail", motion_id=motion.pk),
        success="Amendment tabled.",
        template="motions/amendment_form.html",
        context={"motion": motion},
    )


@domain_view
def position_new(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    user = _user(request)
    motion = load_motion(user, motion_id)
    units = position_units(user, motion)
    require(units.exists(), "Only officers of a unit in the body's scope record its position.")
    return form_view(
        request,
        PositionForm(request.POST or None, units=units),
        save=lambda form: services.record_position(actor=user, motion=motion, **form.cleaned_data),
        done=lambda _: redirect("motions:detail", motion_id=motion.pk),
        success="Position recorded.",
        context={
            "title": f"Record a position on “{motion.title}”",
            "submit": "Record position",
        },
    )


@require_POST
@domain_view
def post_new(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    user = _user(request)
    motion = load_motion(user, motion_id)
    back = redirect(f"/motions/{motion.pk}/#discussion")
    form = PostForm(request.POST)
    if wants_preview(request):
        return keep_preview(request, f"motion-{motion.pk}-post", form, back)
    if not form.is_valid():
        # Shown again in the page's form for a new post (a reply's own form is not kept).
        typed = PostForm({"text": request.POST.get("text", "")})
        return keep_form(request, f"motion-{motion.pk}-post", typed, back)
    parent = (
        Post.objects.filter(pk=form.cleaned_data["parent"], motion=motion).first()
        if form.cleaned_data["parent"]
        else None
    )
    try:
        post = services.post_to_discussion(
            actor=user, motion=motion, text=form.cleaned_data["text"], parent=parent
        )
    except DomainError as exc:
        # Refused (the discussion closed meanwhile, say): the text comes back in the form.
        typed = PostForm({"text": request.POST.get("text", "")})
        return keep_form(request, f"motion-{motion.pk}-post", typed, back, exc.message)
    messages.success(request, "Your post is in the discussion.")
    # Land on the new post, not at the top of the discussion.
    return redirect(f"/motions/{motion.pk}/#post-{post.pk}")


@domain_view
def post_edit(request: HttpRequest, post_id: int) -> HttpResponseBase:
    user = _user(request)
    post = load_post(user, post_id)
    require(post.author_id == user.pk, "Only the author can edit a post.")
    return form_view(
        request,
        PostForm(request.POST or None, initial={"text": post.text}),
        save=lambda form: services.edit_post(actor=user, post=post, text=form.cleaned_data["text"]),
        done=lambda _: redirect(f"/motions/{post.motion_id}/#post-{post.pk}"),
        context={"title": "Edit your post", "submit": "Save"},
    )


@domain_view
def post_hide(request: HttpRequest, post_id: int) -> HttpResponseBase:
    user = _user(request)
    post = load_post(user, post_id)
    require(can_moderate(user, post), "Only officers moderate the discussion.")
    return form_view(
        request,
        HideForm(request.POST or None),
        save=lambda form: services.hide_post(
            actor=user, post=post, reason=form.cleaned_data["reason"]
        ),
        done=lambda _: redirect(f"/motions/{post.motion_id}/#discussion"),
        context={
            "title": "Hide a post (the reason is shown in its place)",
            "submit": "Hide",
        },
    )


@domain_view
def state_of_discussion(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = load_motion(request.user, motion_id)
    template = "motions/_state.html" if request.headers.get("HX-Request") else "motions/state.html"
    not_yet = selectors.not_yet_discussed(motion)
    return render(
        request,
        template,
        {
            "motion": motion,
            "state": selectors.discussion_state(motion),
            # Which branches have recorded a position (and at which meeting), which have not.
            "recorded": selectors.positions_recorded(motion)[: selectors.NOT_YET_LISTED],
            "not_yet": not_yet.select_related("unit").order_by("deadline", "unit__name")[
                : selectors.NOT_YET_LISTED
            ],
            "not_yet_count": not_yet.count(),
            "can_remind": can_remind_branches(request.user, motion),
        },
    )


@require_POST
@domain_view
def remind_branches(request: HttpRequest, motion_id: int) -> HttpResponseBase:
    """The circulating body's officers remind the branches that have not yet discussed it."""
    user = _user(request)
    motion = load_motion(user, motion_id)
    return post_action(
        request,
        lambda: services.remind_branches(actor=user, motion=motion),
        then=redirect("motions:state", motion_id=motion.pk),
        propagate=(NotFound,),
        success=lambda n: (
            f"{n} branch{'es' if n != 1 else ''} reminded: their secretaries "
            "have a notification (and an email, as each prefers)."
        ),
    )
