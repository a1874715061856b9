"""Voting on an ordinary secret ballot: the paper, the review of the choices, the cast and
the tracker, signed in or from the emailed link (a sealed ballot's paper is views_sealed)."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services, tally, views_sealed
from iskra.ballots.forms import answers_from_post
from iskra.ballots.models import Ballot, RollEntry
from iskra.ballots.permissions import load_ballot
from iskra.ballots.tally import BLANK
from iskra.ballots.views import describe_content
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


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
    request: HttpRequest,
    ballot: Ballot,
    *,
    credential: str | None,
    voter: User | None,
    proxy_for: User | None = None,
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
                            "proxy_for": proxy_for,
                            "nothing": not answers,
                            "choices": describe_content(questions, answers),
                            "carried": _carried(request),
                        },
                    )
                )
            if proxy_for is not None:
                tracker = services.cast_by_proxy(
                    actor=request.user,
                    ballot=ballot,
                    member=proxy_for,
                    answers=answers,
                    questions=questions,
                )
            else:
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
                        "proxy_for": proxy_for,
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
        {
            "ballot": ballot,
            "questions": questions,
            "credential": credential,
            "error": error,
            "proxy_for": proxy_for,
        },
        status=400 if error else 200,
    )


@domain_view
def vote_as_proxy(request: HttpRequest, ballot_id: int, member_id: int) -> HttpResponse:
    """The proxy votes for the member whose proxy they hold (a plain ballot that allows
    proxies): the same paper, review and cast, with the member's place on the roll; the
    tracker is emailed to the member."""
    from iskra.ballots.services.proxies import held_proxy

    user = _user(request)
    ballot = load_ballot(user, ballot_id)
    closed = _not_open(request, ballot)
    if closed is not None:
        return closed
    member = held_proxy(ballot, holder=user, member_id=member_id)
    if services.voted(ballot, member):
        return render(
            request,
            "ballots/already_voted.html",
            {"ballot": ballot, "message": f"{member} has already voted in this ballot."},
            status=409 if request.method == "POST" else 200,
        )
    return _vote_page(request, ballot, credential=None, voter=member, proxy_for=member)


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
