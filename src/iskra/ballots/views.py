from __future__ import annotations

import functools
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.ballots import services, tally, views_sealed
from iskra.ballots.forms import (
    BallotForm,
    ChallengeDecisionForm,
    ChallengeForm,
    ExtendForm,
    QuestionForm,
    ScrutineerForm,
    answers_from_post,
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
from iskra.ballots.tally import BLANK
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
    }
    return render(request, "ballots/detail.html", context)


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


def _count_refusal(request: HttpRequest, ballot: Ballot) -> None:
    """A second vote submitted is an anomaly for the scrutineer's report (a second look is not)."""
    if request.method == "POST":
        Ballot.objects.filter(pk=ballot.pk).update(
            refused_second_attempts=F("refused_second_attempts") + 1
        )


def _not_open(request: HttpRequest, ballot: Ballot) -> HttpResponse | None:
    """A page saying why nobody can vote now, or None while the ballot is open."""
    if ballot.state == Ballot.State.OPEN and ballot.closes_at > timezone.now():
        return None
    return render(request, "ballots/not_open.html", {"ballot": ballot}, status=409)


def _carried(request: HttpRequest) -> list[tuple[str, str]]:
    """The voting form's fields as posted, for the review page to post again (the choices
    travel between the voter's browser and this process only; nothing is stored)."""
    return [
        (key, value)
        for key in request.POST
        if key.startswith("q")
        for value in request.POST.getlist(key)
    ]


def _private(response: HttpResponse) -> HttpResponse:
    """A page showing a voter's own choices: never kept by a cache or the browser's history."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _vote_page(
    request: HttpRequest, ballot: Ballot, *, credential: str | None, voter: User | None
) -> HttpResponse:
    """The voting paper, then a review of the choices, then the cast.

    A POST from the paper shows the review (the choices in words, posted again as hidden
    fields); "Change my choices" goes back to the paper as it was filled; only the review's
    "Cast my vote" (``cast=yes``) casts. A paper with nothing chosen asks "cast a blank
    ballot?", and its "yes" (``blank_ballot=yes``) casts every question blank. What was cast
    is shown on the voter's own screen, from this request alone."""
    questions = services.questions_data(ballot)
    error = ""
    posted = request.method == "POST"
    if posted and request.POST.get("change") != "yes":
        try:
            answers = answers_from_post(questions, request.POST)
            if not answers and request.POST.get("blank_ballot") == "yes":
                answers = {str(q["id"]): BLANK for q in questions}
            if request.POST.get("cast") != "yes" or not answers:
                if answers:
                    tally.validate_paper(questions, answers)
                return _private(
                    render(
                        request,
                        "ballots/vote_review.html",
                        {
                            "ballot": ballot,
                            "nothing": not answers,
                            "choices": describe_content(questions, answers),
                            "carried": _carried(request),
                        },
                    )
                )
            tracker = services.cast_ballot(
                ballot=ballot,
                answers=answers,
                credential=credential,
                user=None if credential else request.user,
                questions=questions,
            )
        except ValueError as exc:
            error = str(exc)
        except services.AlreadyVoted as exc:
            return render(
                request,
                "ballots/already_voted.html",
                {"ballot": ballot, "message": exc.message},
                status=409,
            )
        except DomainError as exc:
            error = exc.message
        else:
            # The voter keeps their tracker code: shown now, and emailed to them alone (from
            # this process's memory, never queued in the database: see email_tracker).
            services.email_tracker(ballot=ballot, voter=voter, tracker=tracker)
            return _private(
                render(
                    request,
                    "ballots/voted.html",
                    {
                        "ballot": ballot,
                        "tracker": tracker,
                        "cast": describe_content(questions, answers),
                    },
                )
            )
    for q in questions:
        key = f"q{q['id']}"
        q["chosen"] = request.POST.getlist(key) if posted else []
        q["blank_chosen"] = posted and request.POST.get(f"{key}_blank", "") == "blank"
        q["ranks"] = [
            (i, label, request.POST.get(f"{key}_{i}", "") if posted else "")
            for i, label in enumerate(q["options"])
        ]
    return render(
        request,
        "ballots/vote.html",
        {"ballot": ballot, "questions": questions, "credential": credential, "error": error},
        status=400 if error else 200,
    )


@domain_view
def vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """Voting while signed in."""
    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    closed = _not_open(request, ballot)
    if closed is not None:
        return closed
    status = services.voted(ballot, user)
    if status is None:
        return render(request, "ballots/not_on_roll.html", {"ballot": ballot}, status=403)
    if ballot.sealed:
        # Revoting replaces: a sealed ballot has no "already voted" (views_sealed.vote).
        return views_sealed.vote(request, ballot)
    if status:
        _count_refusal(request, ballot)
        return render(
            request,
            "ballots/already_voted.html",
            {"ballot": ballot, "message": "You have already voted in this ballot."},
            status=409 if request.method == "POST" else 200,
        )
    return _vote_page(request, ballot, credential=None, voter=user)


def _credential_page(view: Any) -> Any:
    """Every answer to a voting link's address — the paper, the tracker page, "already voted",
    "not valid", "not open" — carries the credential in its URL: keep it out of the Referer
    the page's own static files and links would send (``strict-origin`` sends the site's
    origin only, and nothing over plain HTTP), and out of every cache. Not "no-referrer": that
    makes the browser send "Origin: null" with the voting form, which Django's CSRF check
    refuses; strict-origin keeps the real Origin, so the form still passes it."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except Http404 as exc:
            response = render(
                request, "404.html", {"exception": str(exc) or "No such ballot."}, status=404
            )
        response.headers["Referrer-Policy"] = "strict-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


@login_not_required
@_credential_page
@domain_view
def vote_by_link(request: HttpRequest, ballot_id: int, token: str) -> HttpResponse:
    """Voting from the emailed one-time link: no sign-in needed, the link is the credential."""
    # The roll entry, its ballot, voter and mark in one query: every voter opens this page.
    # (get(), not first(): the credential is unique, and ordering costs query building.)
    try:
        entry = (
            RollEntry.objects.select_related("ballot__unit", "mark", "user")
            .only("ballot", "mark__id", "user__email", "user__full_name")
            .get(ballot_id=ballot_id, credential_hash=services.hash_credential(token))
        )
    except RollEntry.DoesNotExist:
        ballot = Ballot.objects.filter(pk=ballot_id).first()
        if ballot is None:
            raise NotFound("No such ballot.") from None
        return render(request, "ballots/link_invalid.html", {"ballot": ballot}, status=403)
    ballot = entry.ballot
    if hasattr(entry, "mark"):
        _count_refusal(request, ballot)
        return render(
            request,
            "ballots/already_voted.html",
            {"ballot": ballot, "message": "A vote has already been cast with your credential."},
            status=409 if request.method == "POST" else 200,
        )
    closed = _not_open(request, ballot)
    if closed is not None:
        return closed
    return _vote_page(request, ballot, credential=token, voter=entry.user)


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
