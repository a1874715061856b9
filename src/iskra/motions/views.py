from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view
from iskra.motions import selectors, services
from iskra.motions.forms import (
    AmendmentForm,
    BulletinForm,
    ContributionForm,
    DiscussionForm,
    DraftForm,
    HideForm,
    MotionForm,
    PositionForm,
    PostForm,
    ReasonForm,
)
from iskra.motions.models import Bulletin, Motion, MotionStatus, Post
from iskra.motions.permissions import (
    can_add_support,
    can_agree_to_composite,
    can_discuss,
    can_edit_draft,
    can_manage_motion,
    can_moderate,
    can_table_amendment,
    can_withdraw_now,
    in_scope,
    is_active_member,
    load_bulletin,
    load_motion,
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
    require(is_active_member(request.user) or request.user.is_superuser, "Motions are for members.")
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
def motion_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(is_active_member(user) or user.is_superuser, "Only members propose motions.")
    units = Unit.objects.filter(path__in=officer_paths(user))
    initial = {
        "body": request.GET.get("body"),
        "amends_decision": request.GET.get("amends"),
        "rescinds_decision": request.GET.get("rescinds"),
    }
    form = MotionForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = services.create_motion(
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
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Draft saved. Gather supporters, then submit it.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": "Propose a motion", "submit": "Save draft"},
    )


# The motion page lists the latest positions recorded; its rollup counts every branch. A page
# listing all of them would grow with the organisation (5 000 branches: 5 000 rows).
POSITIONS_LISTED = 50


def _latest_positions(motion: Motion) -> list[Any]:
    latest = motion.positions.filter(is_current=True).select_related("unit")
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
        "can_record_position": motion.status == MotionStatus.IN_DISCUSSION
        and position_units(user, motion).exists(),
        # The overall figures; the table unit by unit is loaded into the page by htmx (or
        # followed as a link), so thousands of branches do not hold up the motion itself.
        "state": selectors.discussion_overall(motion)
        if motion.status != MotionStatus.DRAFT
        else None,
        "positions": _latest_positions(motion),
        "history": motion.status_changes.select_related("by"),
        "post_form": PostForm(),
        "decision": getattr(motion, "decision", None),
        "votes": motion.votes.select_related("meeting", "amendment").prefetch_related(
            "ballots__user"
        ),
        "is_moderator": bool(posts) and can_moderate(user, posts[0]),
    }
    return render(request, "motions/detail.html", context)


@domain_view
def motion_edit(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_edit_draft(user, motion), "Only the mover can edit a draft.")
    form = DraftForm(
        request.POST or None,
        initial={
            "title": motion.title,
            "text": motion.text,
            "supporting_statement": motion.supporting_statement,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(actor=user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Edit draft: {motion.title}", "submit": "Save"},
    )


def _act(request: HttpRequest, motion_id: int, verb: str) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if verb == "support":
            services.support_motion(actor=user, motion=motion)
            messages.success(request, "You support this motion.")
        elif verb == "unsupport":
            services.withdraw_support(actor=user, motion=motion)
        elif verb == "submit":
            services.submit_motion(actor=user, motion=motion)
            messages.success(request, "Submitted.")
        elif verb == "admit":
            services.admit_motion(actor=user, motion=motion, reason=reason)
        elif verb == "rule_out":
            services.rule_out_of_order(actor=user, motion=motion, reason=reason)
        elif verb == "remit":
            services.remit_motion(actor=user, motion=motion, reason=reason)
        elif verb == "withdraw":
            services.withdraw_motion(actor=user, motion=motion, reason=reason)
        elif verb == "agree_composite":
            services.agree_to_composite(actor=user, motion=motion)
            messages.success(request, "Your agreement to composite is recorded.")
        else:
            raise NotFound("No such action.")
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect("motions:detail", motion_id=motion.pk)


@require_POST
@domain_view
def motion_action(request: HttpRequest, motion_id: int, verb: str) -> HttpResponse:
    return _act(request, motion_id, verb)


@domain_view
def motion_discussion(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_manage_motion(user, motion), "Only the body's officers open a discussion.")
    form = DiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notified = services.open_discussion(
                actor=user, motion=motion, deadline=form.cleaned_data["deadline"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Circulated for discussion; {notified} members notified.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Open the discussion of “{motion.title}”",
            "submit": "Circulate to every branch",
        },
    )


@domain_view
def motion_to_ballot(request: HttpRequest, motion_id: int) -> HttpResponse:
    """Decide the motion by secret ballot instead of a meeting vote."""
    from iskra.ballots.forms import default_voting_window
    from iskra.ballots.services import put_motion_to_ballot
    from iskra.motions.forms import ToBallotForm

    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_manage_motion(user, motion), "Only the body's officers put a motion to a ballot.")
    form = ToBallotForm(
        request.POST or None,
        initial={
            "constituency": "all",
            "preset": "simple_majority",
            "sealing": "",
            **default_voting_window(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = put_motion_to_ballot(
                actor=user,
                motion=motion,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                preset=data["preset"],
                of_body=data["constituency"] == "body",
                sealed={"sealed": True, "plain": False}.get(data["sealing"]),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Ballot drafted: appoint a scrutineer and open it.")
            return redirect("ballots:detail", ballot_id=ballot.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Put “{motion.title}” to a secret ballot",
            "submit": "Draft the ballot",
        },
    )


@domain_view
def composite_new(request: HttpRequest, body_id: int) -> HttpResponse:
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
    form = CompositeForm(request.POST or None, motions=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            composite = services.composite_motions(
                actor=user,
                motions=list(form.cleaned_data["motions"]),
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Composite created; the merged motions point to it.")
            return redirect("motions:detail", motion_id=composite.pk)
    agreement = {
        m.pk: any(p.is_mover and p.agreed_to_composite_at for p in m.proposers.all())
        for m in candidates
    }
    return render(
        request,
        "motions/composite_form.html",
        {"form": form, "body": body, "candidates": candidates, "agreement": agreement},
    )


@domain_view
def amendment_new(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    require(can_table_amendment(user, motion), "You cannot amend this motion now.")
    units = Unit.objects.filter(
        path__in=[p for p in officer_paths(user) if p.startswith(motion.body.unit.path)]
    )
    form = AmendmentForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.table_amendment(actor=user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Amendment tabled.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(request, "motions/amendment_form.html", {"form": form, "motion": motion})


@domain_view
def position_new(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    units = position_units(user, motion)
    require(units.exists(), "Only officers of a unit in the body's scope record its position.")
    form = PositionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_position(actor=user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Position recorded.")
            return redirect("motions:detail", motion_id=motion.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Record a position on “{motion.title}”",
            "submit": "Record position",
        },
    )


@require_POST
@domain_view
def post_new(request: HttpRequest, motion_id: int) -> HttpResponse:
    user = _user(request)
    motion = load_motion(user, motion_id)
    form = PostForm(request.POST)
    if form.is_valid():
        parent = (
            Post.objects.filter(pk=form.cleaned_data["parent"], motion=motion).first()
            if form.cleaned_data["parent"]
            else None
        )
        try:
            services.post_to_discussion(
                actor=user, motion=motion, text=form.cleaned_data["text"], parent=parent
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Write something first.")
    return redirect(f"/motions/{motion.pk}/#discussion")


@domain_view
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    user = _user(request)
    post = Post.objects.select_related("motion").filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such post.")
    load_motion(user, post.motion_id)
    require(post.author_id == user.pk, "Only the author can edit a post.")
    form = PostForm(request.POST or None, initial={"text": post.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(actor=user, post=post, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"/motions/{post.motion_id}/#post-{post.pk}")
    return render(
        request, "core/form_page.html", {"form": form, "title": "Edit your post", "submit": "Save"}
    )


@domain_view
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    user = _user(request)
    post = Post.objects.select_related("motion__body__unit").filter(pk=post_id).first()
    if post is None:
        raise NotFound("No such post.")
    load_motion(user, post.motion_id)
    require(can_moderate(user, post), "Only officers moderate the discussion.")
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_post(actor=user, post=post, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"/motions/{post.motion_id}/#discussion")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": "Hide a post (the reason is shown in its place)", "submit": "Hide"},
    )


@domain_view
def state_of_discussion(request: HttpRequest, motion_id: int) -> HttpResponse:
    motion = load_motion(request.user, motion_id)
    template = "motions/_state.html" if request.headers.get("HX-Request") else "motions/state.html"
    return render(
        request, template, {"motion": motion, "state": selectors.discussion_state(motion)}
    )


@domain_view
def bulletin_list(request: HttpRequest) -> HttpResponse:
    require(
        is_active_member(request.user) or request.user.is_superuser, "Bulletins are for members."
    )
    bodies = (
        Body.objects.filter(unit__path__in=officer_paths(request.user))
        if not request.user.is_superuser
        else Body.objects.all()
    )
    return render(
        request,
        "motions/bulletins.html",
        {
            "bulletins": Bulletin.objects.select_related("body")[:100],
            "form": BulletinForm(),
            "bodies": bodies,
        },
    )


@domain_view
def bulletin_new(request: HttpRequest, body_id: int) -> HttpResponse:
    user = _user(request)
    body = Body.objects.select_related("unit").filter(pk=body_id).first()
    if body is None:
        raise NotFound("No such body.")
    require(is_officer_of(user, body.unit), "Only the body's officers open a bulletin.")
    form = BulletinForm(request.POST or None, initial={"opens_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.create_bulletin(actor=user, body=body, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("motions:bulletin", bulletin_id=bulletin.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Open a discussion bulletin for {body.name}", "submit": "Open"},
    )


@domain_view
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    user = _user(request)
    bulletin = load_bulletin(user, bulletin_id)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribute(actor=user, bulletin=bulletin, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your contribution is in.")
            return redirect("motions:bulletin", bulletin_id=bulletin.pk)
    contributions = (
        bulletin.contributions.all()
        if bulletin.published_at or is_officer_of(user, bulletin.body.unit)
        else bulletin.contributions.filter(author=user)
    )
    return render(
        request,
        "motions/bulletin.html",
        {
            "bulletin": bulletin,
            "contributions": contributions,
            "form": form,
            "can_publish": is_officer_of(user, bulletin.body.unit)
            and bulletin.published_at is None,
            "can_contribute": bulletin.published_at is None and in_scope(user, bulletin.body),
        },
    )


@require_POST
@domain_view
def bulletin_publish(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    user = _user(request)
    bulletin = load_bulletin(user, bulletin_id)
    try:
        services.publish_bulletin(actor=user, bulletin=bulletin)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("motions:bulletin", bulletin_id=bulletin.pk)


@domain_view
def bulletin_pdf(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    from django.template.loader import render_to_string

    from iskra.core.pdf import render_pdf

    bulletin = load_bulletin(request.user, bulletin_id)
    if bulletin.published_at is None:
        raise NotFound("The bulletin is published as a PDF once it is published.")
    html = render_to_string(
        "motions/bulletin_print.html",
        {"bulletin": bulletin, "contributions": bulletin.contributions.all()},
    )
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{bulletin.pk}.pdf"'
    return response
