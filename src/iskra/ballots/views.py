from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.ballots import services, views_sealed
from iskra.ballots.forms import (
    BallotForm,
    ChallengeDecisionForm,
    ChallengeForm,
    ExtendForm,
    QuestionForm,
    ScrutineerForm,
    default_voting_window,
)
from iskra.ballots.models import Ballot, RollEntry
from iskra.ballots.permissions import (
    can_manage,
    can_see_whole_roll,
    is_scrutineer,
    load_ballot,
    load_challenge,
)
from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.core.web import domain_view, form_view, keep_form, kept_form, post_action
from iskra.organisation.permissions import is_officer_of as can_manage_unit
from iskra.organisation.permissions import load_unit, officer_paths, require

logger = logging.getLogger(__name__)

# How often the worker looks for ballots due to close (``iskra worker --sweep-every``'s
# default), for the sentence on the ballot's page that says how a ballot closes.
SWEEP_SECONDS = 20


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@domain_view
def ballot_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = Ballot.objects.filter(roll__user=user).select_related("unit").order_by("-opens_at")
    managed = Ballot.objects.none()
    paths = officer_paths(user)
    if paths or user.is_superuser:
        from iskra.organisation.permissions import officer_scope_q

        managed = Ballot.objects.filter(officer_scope_q(user)).select_related("unit")
    scrutinised = Ballot.objects.filter(scrutineer=user)
    statuses = {
        e.ballot_id: hasattr(e, "mark")
        for e in RollEntry.objects.filter(user=user).select_related("mark")
    }
    return render(
        request,
        "ballots/list.html",
        {
            "mine": [(b, statuses.get(b.pk)) for b in mine],
            "managed": managed,
            "scrutinised": scrutinised,
            "officer_units": paths,
        },
    )


@domain_view
def ballot_new(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    user = _user(request)
    unit = load_unit(user, unit_id)
    require(can_manage_unit(user, unit), "Only officers of the unit define its ballots.")
    return form_view(
        request,
        BallotForm(
            request.POST or None,
            initial=default_voting_window(),
            workplaces=services.workplaces_in(unit),
        ),
        save=lambda form: services.create_ballot(actor=user, unit=unit, **form.cleaned_data),
        done=lambda ballot: redirect("ballots:detail", ballot_id=ballot.pk),
        context={"unit": unit, "title": f"Define a ballot for {unit.name}", "submit": "Save draft"},
    )


@domain_view
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    manage = can_manage(user, ballot)
    scrutineer = is_scrutineer(user, ballot)
    challenges = list(
        ballot.challenges.select_related("user")
        if (scrutineer or manage)
        else ballot.challenges.filter(user=user)
    )
    for c in challenges:
        # Each pending challenge has its own decision form (with its errors, if refused).
        c.decision_form = kept_form(  # type: ignore[attr-defined]
            request, f"challenge-{c.pk}-decide", ChallengeDecisionForm
        )
    context: dict[str, Any] = {
        "ballot": ballot,
        "questions": ballot.questions.prefetch_related("options"),
        "can_manage": manage,
        "is_scrutineer": scrutineer,
        "my_status": services.voted(ballot, user),
        "problems": services.problems(ballot)
        if ballot.state == Ballot.State.DRAFT and (manage or scrutineer)
        else [],
        "closes_passed": ballot.closes_at <= timezone.now(),
        # Who would be on the roll if the ballot opened now (frozen when it opens).
        "roll_preview": services.constituency(ballot).count()
        if ballot.state == Ballot.State.DRAFT and (manage or scrutineer)
        else None,
        "question_form": kept_form(request, _form_name(ballot, "question"), QuestionForm),
        "scrutineer_form": kept_form(request, _form_name(ballot, "scrutineer"), ScrutineerForm),
        "extend_form": kept_form(request, _form_name(ballot, "extend"), ExtendForm),
        "challenge_form": kept_form(request, _form_name(ballot, "challenge"), ChallengeForm),
        "challenges": challenges,
        "extensions": ballot.extensions.select_related("by"),
        "board_public": services.board_is_public(ballot),
        "sweep_seconds": SWEEP_SECONDS,
        "sealed": views_sealed.panel(user, ballot),
        "proxies": _proxies_panel(user, ballot),
    }
    return render(request, "ballots/detail.html", context)


def _proxies_panel(user: User, ballot: Ballot) -> dict[str, Any]:
    """Whether the ballot takes proxies, this person's proxy, the proxies they hold."""
    from iskra.ballots.services import proxies

    return {
        "allowed": not proxies.why_no_proxies(ballot),
        "mine": proxies.proxy_of(ballot, user),
        "held": proxies.held_by(ballot, user),
    }


def _form_name(ballot: Ballot, verb: str) -> str:
    return f"ballot-{ballot.pk}-{verb}"


def _back(ballot_id: int) -> HttpResponseBase:
    return redirect("ballots:detail", ballot_id=ballot_id)


# One view per verb of the ballot's page. Each loads the ballot as the person may see it,
# checks its own form, calls one service and goes back to the ballot's page.


@require_POST
@domain_view
def ballot_question(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    require(can_manage(user, ballot), "Only officers of the unit set a ballot's questions.")
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(ballot, "question"), form, _back(ballot.pk))
    d = form.cleaned_data
    return post_action(
        request,
        lambda: services.add_question(
            actor=user,
            ballot=ballot,
            kind=d["kind"],
            text=d["text"],
            options=d["options"].splitlines(),
            seats=d["seats"] or 1,
            max_choices=d["max_choices"] or 1,
        ),
        then=_back(ballot.pk),
        propagate=(NotFound, PermissionDenied),
        success="Question added.",
    )


@require_POST
@domain_view
def ballot_scrutineer(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    # Check the right first, so the form cannot be used to probe who has an account.
    require(can_manage(user, ballot), "Only officers of the unit appoint the scrutineer.")
    form = ScrutineerForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(ballot, "scrutineer"), form, _back(ballot.pk))
    person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if person is None:
        messages.error(request, "Nobody with that email address.")
        return _back(ballot.pk)
    return post_action(
        request,
        lambda: services.appoint_scrutineer(actor=user, ballot=ballot, scrutineer=person),
        then=_back(ballot.pk),
        propagate=(NotFound, PermissionDenied),
        success=f"{person.full_name or person.email} is appointed scrutineer.",
    )


@require_POST
@domain_view
def ballot_extend(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    require(can_manage(user, ballot), "Only officers of the unit extend a ballot.")
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(ballot, "extend"), form, _back(ballot.pk))
    return post_action(
        request,
        lambda: services.extend_ballot(
            actor=user,
            ballot=ballot,
            closes_at=form.cleaned_data["closes_at"],
            reason=form.cleaned_data["reason"],
        ),
        then=_back(ballot.pk),
        propagate=(NotFound, PermissionDenied),
        success="The ballot is extended; the new closing time is on its page.",
    )


@require_POST
@domain_view
def ballot_remind(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    return post_action(
        request,
        lambda: services.send_reminders(actor=user, ballot=ballot),
        then=_back(ballot.pk),
        propagate=(NotFound, PermissionDenied),
        success=lambda _: services.reminder_sent(ballot),
    )


@require_POST
@domain_view
def ballot_challenge(request: HttpRequest, ballot_id: int) -> HttpResponseBase:
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    form = ChallengeForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(ballot, "challenge"), form, _back(ballot.pk))
    try:
        services.raise_challenge(actor=user, ballot=ballot, reason=form.cleaned_data["reason"])
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        # Refused: the reason typed comes back in the form, with the refusal above it.
        return keep_form(
            request, _form_name(ballot, "challenge"), form, _back(ballot.pk), exc.message
        )
    messages.success(request, "Your challenge is with the scrutineer.")
    return _back(ballot.pk)


@require_POST
@domain_view
def challenge_decide(request: HttpRequest, challenge_id: int) -> HttpResponseBase:
    user = _user(request)
    challenge = load_challenge(user, challenge_id)
    require(is_scrutineer(user, challenge.ballot), "Only the scrutineer decides challenges.")
    form = ChallengeDecisionForm(request.POST)
    if not form.is_valid():
        name = f"challenge-{challenge.pk}-decide"
        return keep_form(request, name, form, _back(challenge.ballot_id))
    return post_action(
        request,
        lambda: services.decide_challenge(
            actor=user,
            challenge=challenge,
            uphold=form.cleaned_data["uphold"] == "yes",
            reason=form.cleaned_data["reason"],
        ),
        then=_back(challenge.ballot_id),
        success="Challenge upheld: the member is added to the roll."
        if form.cleaned_data["uphold"] == "yes"
        else "Challenge rejected; the member sees your reason.",
    )


@login_not_required
@domain_view
def result(request: HttpRequest, ballot_id: int) -> HttpResponse:
    # Signed-out visitors get the same "not found" as a missing ballot (not a sign-in page);
    # load_ballot says it for a ballot that is missing or not theirs to see.
    if not request.user.is_authenticated:
        raise NotFound("No such ballot.")
    ballot = load_ballot(request.user, ballot_id)
    if ballot.state != Ballot.State.CLOSED:
        raise NotFound(
            "Results are published when the ballot closes; nothing is counted or shown before."
        )
    shown = services.publication(ballot)
    return render(
        request,
        "ballots/result.html",
        {
            "ballot": ballot,
            "result": services.public_result(ballot),
            "board_public": shown.breakdown,
            "withheld": shown.reason,
        },
    )


@domain_view
def board(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = load_ballot(request.user, ballot_id)
    if ballot.sealed:
        return views_sealed.board(request, ballot)
    shown = services.publication(ballot)
    if not shown.breakdown:
        # Withheld (not yet closed, or too few ballots): say why, where the board would be.
        return render(
            request,
            "ballots/board_withheld.html",
            {"ballot": ballot, "reason": shown.reason},
            status=404,
        )
    typed = request.GET.get("tracker", "")[:200]
    tracker = services.normalise_tracker(typed)
    questions = services.questions_data(ballot)
    found = ballot.board.filter(tracker=tracker).first() if tracker else None
    entries = list(ballot.board.all()[:500]) if not tracker else []
    return render(
        request,
        "ballots/board.html",
        {
            "ballot": ballot,
            "tracker": tracker,
            "typed": typed.strip(),
            "found": found,
            "found_answers": describe_content(questions, found.content) if found else [],
            "entries": [(e, describe_content(questions, e.content)) for e in entries],
            "questions": questions,
            "total": ballot.board.count(),
        },
    )


def describe_content(questions: list[dict[str, Any]], content: dict[str, Any]) -> list[Any]:
    """A ballot as the voter marked it: each question with its answer in words."""
    out = []
    for q in questions:
        answer = content.get(str(q["id"]))
        labels = q["options"]

        def label(i: Any, labels: list[str] = labels) -> str:
            return labels[i] if isinstance(i, int) and 0 <= i < len(labels) else "?"

        if answer in (None, [], "blank"):
            words = "blank"
        elif isinstance(answer, list):
            if q["kind"] == "approval":
                words = ", ".join(label(i) for i in answer)
            else:
                words = ", ".join(f"{n}. {label(i)}" for n, i in enumerate(answer, start=1))
        else:
            words = label(answer)
        out.append((q, words))
    return out


@domain_view
def roll(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """After the close, the scrutineer sees who voted (never how) to detect impersonation."""
    ballot = load_ballot(request.user, ballot_id)
    require(
        can_see_whole_roll(request.user, ballot),
        "The whole roll is for the scrutineer, after the close.",
    )
    entries = (
        RollEntry.objects.filter(ballot=ballot)
        .select_related("user", "mark")
        .order_by("user__full_name")
    )
    return render(request, "ballots/roll.html", {"ballot": ballot, "entries": entries})


def _report_context(ballot: Ballot) -> dict[str, Any]:
    return {
        "ballot": ballot,
        "result": services.public_result(ballot),
        "challenges": ballot.challenges.select_related("user"),
        "extensions": ballot.extensions.select_related("by"),
        "failures": ballot.delivery_failures.count(),
    }


@domain_view
def report(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = load_ballot(request.user, ballot_id)
    if ballot.state != Ballot.State.CLOSED:
        raise NotFound("The report is written after the count.")
    return render(
        request,
        "ballots/report.html",
        {**_report_context(ballot), "is_scrutineer": is_scrutineer(request.user, ballot)},
    )


@domain_view
def report_pdf(request: HttpRequest, ballot_id: int) -> HttpResponse:
    from iskra.core.pdf import render_pdf

    ballot = load_ballot(request.user, ballot_id)
    if ballot.state != Ballot.State.CLOSED:
        raise NotFound("The report is written after the count.")
    html = render_to_string("ballots/report_print.html", _report_context(ballot))
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scrutineer-report-{ballot.pk}.pdf"'
    return response


@domain_view
def export_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = load_ballot(request.user, ballot_id)
    if ballot.sealed:
        return views_sealed.record_json(request, ballot_id)
    try:
        data = services.export(ballot)
    except DomainError as exc:
        raise NotFound(exc.message) from None
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.json"'
    return response
