from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import (
    FieldError,
    confirm_action,
    domain_view,
    form_view,
    keep_form,
    kept_form,
    post_action,
)
from iskra.decisions import selectors, services
from iskra.decisions.forms import (
    ActionForm,
    CommitmentForm,
    DissentForm,
    RegisterFilterForm,
    ReportForm,
)
from iskra.decisions.models import Action, Commitment, Decision, Report
from iskra.decisions.permissions import (
    WHO_MAY_DISSENT,
    can_assign_action,
    can_commit,
    can_dissent,
    can_dissent_as_member,
    can_report,
    can_see_names,
    dissent_units,
    load_action,
    load_decision,
    why_no_dissent,
)
from iskra.motions.permissions import is_member_or_superuser
from iskra.motions.selectors import discussion_overall
from iskra.organisation.models import Unit
from iskra.organisation.permissions import load_unit, require


@login_not_required
@domain_view
def register(request: HttpRequest) -> HttpResponse:
    """The decisions register: public decisions for everyone, all decisions for members."""
    user = request.user
    members_view = is_member_or_superuser(user)
    form = RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.decisions_register(
        body_id=filters["body"].pk if filters.get("body") else None,
        unit=filters.get("unit"),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
        public_only=not members_view,
    )
    page = Paginator(decisions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/register.html",
        {"form": form, "page": page, "members_view": members_view},
    )


ACTIONS_LISTED = 25


@login_not_required
@domain_view
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = request.user
    decision = load_decision(user, decision_id)
    motion = decision.motion
    is_member = is_member_or_superuser(user)
    top_actions = selectors.top_level_actions(decision)
    actions = list(top_actions[:ACTIONS_LISTED]) if is_member else []
    actions_count = top_actions.count() if is_member else 0
    context = {
        "decision": decision,
        "motion": motion,
        "versions": motion.versions.all(),
        "amendments": motion.amendments.select_related("proposing_unit"),
        "positions": motion.positions.filter(is_current=True)
        .select_related("unit")
        .order_by("unit__name")
        if is_member
        else [],
        "state": discussion_overall(motion) if is_member else None,
        "votes": motion.votes.select_related("meeting", "amendment").prefetch_related(
            "ballots__user"
        )
        if is_member
        else [],
        "dissents": decision.dissents.select_related("user", "unit"),
        # Top-level actions with how many were passed down from each; the action's own page
        # lists those (a national decision may cascade to thousands of branches).
        # The first actions; the decision's accountability page lists them all (a national
        # decision may assign one to every district, and members to boot).
        "actions": actions,
        "actions_count": actions_count,
        "is_member": is_member,
        "can_dissent": can_dissent(user, decision),
        "why_no_dissent": why_no_dissent(user, decision) if is_member else "",
        "who_may_dissent": WHO_MAY_DISSENT,
        "can_assign": is_member and can_assign_action(user, decision, None),
        "dissent_form": kept_form(
            request,
            f"decision-{decision.pk}-dissent",
            DissentForm,
            **_dissent_choices(user, decision),
        )
        if is_member
        else None,
        "amended_by": decision.amended_by.all(),
        "rescinded_by": decision.rescinded_by.all(),
    }
    if is_member:
        # The accountability table is a request of its own (htmx loads it into the page; without
        # JavaScript it is a link): adding up thousands of passed-down actions should not hold
        # up the decision itself.
        context["reports"] = selectors.report_count(decision)
    return render(request, "decisions/detail.html", context)


@domain_view
def decision_dashboard(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Accountability for one decision: its actions in the unit it binds and each unit below."""
    user = request.user
    decision = load_decision(user, decision_id)
    require(is_member_or_superuser(user), "Accountability is for members.")
    total, rows = selectors.dashboard(decision=decision, unit=decision.scope)
    fragment = bool(request.headers.get("HX-Request"))
    template = (
        "decisions/_decision_rollup.html" if fragment else "decisions/decision_dashboard.html"
    )
    context = {"decision": decision, "total": total, "rows": rows}
    if not fragment:
        context["actions"] = selectors.top_level_actions(decision)
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@domain_view
def dissent_new(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    user = _user(request)
    decision = load_decision(user, decision_id)
    back = redirect("decisions:detail", decision_id=decision.pk)
    if request.method != "POST":
        return back
    name = f"decision-{decision.pk}-dissent"
    form = DissentForm(request.POST, **_dissent_choices(user, decision))
    if not form.is_valid():
        return keep_form(request, name, form, back)
    try:
        services.add_dissent(
            actor=user,
            decision=decision,
            text=form.cleaned_data["text"],
            unit=form.cleaned_data["unit"],
        )
    except DomainError as exc:
        # Refused: the statement comes back in the form, with the reason above it.
        return keep_form(request, name, form, back, exc.message)
    messages.success(request, "Your dissent is on the record. The decision still binds.")
    return back


class _DissentChoices(TypedDict):
    units: QuerySet[Unit]
    allow_self: bool


def _dissent_choices(user: object, decision: Decision) -> _DissentChoices:
    """Whom the dissent form offers to speak for: the units this person may dissent for, and
    "Myself" only to a member who may dissent in their own name."""
    units = dissent_units(user, decision)
    return {
        "units": Unit.objects.filter(pk__in=[u.pk for u in units]),
        "allow_self": can_dissent_as_member(user, decision),
    }


def _decision_verb(
    act: Callable[[User, Decision], object], success: str | None = None
) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A view for one verb of the deciding body's officers on a decision."""

    @require_POST
    @domain_view
    def view(request: HttpRequest, decision_id: int) -> HttpResponseBase:
        user = _user(request)
        decision = load_decision(user, decision_id)
        return post_action(
            request,
            lambda: act(user, decision),
            then=redirect("decisions:detail", decision_id=decision.pk),
            propagate=(NotFound,),
            success=success,
        )

    return view


# The deciding body's officers: publish or unpublish, mark completed. One view per verb;
# publishing and marking completed ask first (``confirm_action``), unpublishing does not.
decision_unpublish = _decision_verb(
    lambda user, decision: services.set_public(actor=user, decision=decision, is_public=False),
    "The decision is members-only again.",
)


def _confirm_decision_verb(
    request: HttpRequest,
    decision_id: int,
    act: Callable[[User, Decision], object],
    describe: Callable[[Decision], tuple[str, list[str], list[str], str, str]],
) -> HttpResponseBase:
    user = _user(request)
    decision = load_decision(user, decision_id)
    require(can_assign_action(user, decision, None), "Only the deciding body's officers do this.")
    title, consequences, problems, label, success = describe(decision)
    return confirm_action(
        request,
        lambda: act(user, decision),
        then=redirect("decisions:detail", decision_id=decision.pk),
        cancel=reverse("decisions:detail", args=[decision.pk]),
        title=title,
        consequences=consequences,
        problems=problems,
        confirm_label=label,
        success=success,
        propagate=(NotFound,),
    )


@require_http_methods(["GET", "POST"])
@domain_view
def decision_publish(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    return _confirm_decision_verb(
        request,
        decision_id,
        lambda user, decision: services.set_public(actor=user, decision=decision, is_public=True),
        lambda d: (
            f"Publish {d.number}?",
            [
                f"“{d.title}” is shown to everyone, signed in or not, on the public list of "
                "decisions, with its text, its actions and any recorded dissent.",
                "You can unpublish it later, but anyone may have read or copied it by then.",
            ],
            ["It is already published."] if d.is_public else [],
            "Yes, publish it",
            "The decision is published: everyone can read it.",
        ),
    )


@require_http_methods(["GET", "POST"])
@domain_view
def decision_complete(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    def describe(d: Decision) -> tuple[str, list[str], list[str], str, str]:
        actions = d.actions.count()
        return (
            f"Mark {d.number} completed?",
            [
                f"“{d.title}” is marked completed: the register shows its work as done. It "
                f"stays there with its {actions} action{'s' if actions != 1 else ''} and "
                "their reports.",
                "This cannot be undone.",
            ],
            services.completion_problems(d),
            "Yes, mark it completed",
            "The decision is marked completed.",
        )

    return _confirm_decision_verb(
        request,
        decision_id,
        lambda user, decision: services.complete_decision(actor=user, decision=decision),
        describe,
    )


@domain_view
def action_new(request: HttpRequest, decision_id: int) -> HttpResponseBase:
    user = _user(request)
    decision = load_decision(user, decision_id)
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    parent = (
        Action.objects.filter(pk=int(parent_id), decision=decision).select_related("unit").first()
        if parent_id and str(parent_id).isdigit()
        else None
    )
    require(can_assign_action(user, decision, parent), "You cannot assign actions here.")
    anchor = parent.unit if parent is not None and parent.unit is not None else decision.scope
    form = ActionForm(request.POST or None, units=Unit.objects.filter(path__startswith=anchor.path))

    def save(form: ActionForm) -> object:
        data = form.cleaned_data
        assignee = (
            User.objects.filter(email__iexact=data["assignee_email"]).first()
            if data["assignee_email"]
            else None
        )
        if data["assignee_email"] and assignee is None:
            raise FieldError("assignee_email", "No member with that email address.")
        return services.create_action(
            actor=user,
            decision=decision,
            title=data["title"],
            description=data["description"],
            due_on=data["due_on"],
            target=data["target"],
            measure=data["measure"],
            unit=data["unit"],
            assignee=assignee,
            parent=parent,
        )

    title = (
        f"Assign an action under “{parent.title}”"
        if parent
        else f"Assign an action for {decision.number}"
    )
    return form_view(
        request,
        form,
        save=save,
        done=lambda _: redirect("decisions:detail", decision_id=decision.pk),
        success="Action assigned.",
        context={"title": title, "submit": "Assign"},
    )


@domain_view
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    user = _user(request)
    action = load_action(user, action_id)
    commit_form = CommitmentForm(request.POST if "description" in request.POST else None)
    report_form = ReportForm(
        request.POST if "figure" in request.POST or "text" in request.POST else None
    )
    if request.method == "POST":
        try:
            if commit_form.is_bound and commit_form.is_valid():
                services.commit_to_action(
                    actor=user,
                    action=action,
                    description=commit_form.cleaned_data["description"],
                    amount=commit_form.cleaned_data["amount"] or 0,
                )
                messages.success(request, "Thank you: your commitment is recorded.")
            elif report_form.is_bound and report_form.is_valid():
                commitment = (
                    Commitment.objects.filter(
                        pk=report_form.cleaned_data["commitment"], action=action
                    ).first()
                    if report_form.cleaned_data["commitment"]
                    else None
                )
                corrects = None
                if report_form.cleaned_data["corrects"]:
                    corrects = Report.objects.filter(
                        pk=report_form.cleaned_data["corrects"], action=action
                    ).first()
                    if corrects is None:
                        raise DomainError("The report to correct is not one of this action's.")
                services.report_back(
                    actor=user,
                    action=action,
                    figure=report_form.cleaned_data["figure"] or 0,
                    text=report_form.cleaned_data["text"],
                    commitment=commitment,
                    corrects=corrects,
                )
                messages.success(
                    request, "Correction recorded." if corrects else "Report recorded."
                )
            else:
                raise DomainError("Check the form.")
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("decisions:action", action_id=action.pk)
    total, rows = (
        selectors.dashboard(decision=action.decision, unit=action.unit)
        if action.unit
        else (None, [])
    )
    context = {
        "action": action,
        "children": action.children.select_related("unit", "assignee"),
        "commitments": action.commitments.select_related("user").prefetch_related("reports"),
        "reports": action.reports.select_related(
            "reported_by", "commitment", "corrects", "correction"
        ),
        "can_commit": can_commit(user, action),
        "can_report": can_report(user, action),
        "show_names": can_see_names(user, action),
        "can_cascade": action.unit is not None and can_assign_action(user, action.decision, action),
        "my_commitments": action.commitments.filter(user=user),
        "commit_form": commit_form,
        "report_form": report_form,
        "total": total,
        "rows": rows,
    }
    return render(request, "decisions/action.html", context)


@domain_view
def unit_dashboard(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Accountability per unit: every action assigned in it and below, rolled up."""
    unit = load_unit(request.user, unit_id)
    total, rows = selectors.dashboard(unit=unit)
    actions = (
        Action.objects.filter(unit_path__startswith=unit.path)
        .select_related("decision", "unit")
        .order_by("due_on")[:100]
    )
    template = (
        "decisions/_dashboard.html"
        if request.headers.get("HX-Request")
        else "decisions/dashboard.html"
    )
    return render(
        request,
        template,
        {
            "unit": unit,
            "total": total,
            "rows": rows,
            "actions": actions,
            "today": timezone.localdate(),
        },
    )
