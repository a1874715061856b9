"""The pages of a sealed ballot (docs/sealed.md, "Running a sealed ballot"): the officers'
set-up (trustees, threshold, credential authority), the trustee's page (key generation, then
decryption), the credential authority's page, the voting page, the board and the files.

Every page works without JavaScript: the trustees and the credential authority can upload
the files of ``iskra trustee …``; a voter without JavaScript has the server encrypt their vote.
With JavaScript, ``static/sealed/pages.js`` does the same work in the browser with sealed.js."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.forms import answers_from_post
from iskra.ballots.models import Ballot
from iskra.ballots.permissions import can_manage, load_ballot
from iskra.ballots.services import sealed_audit as sa
from iskra.ballots.services import sealed_setup as ss
from iskra.ballots.services import sealed_voting as sv
from iskra.ballots.tally import BLANK, validate_paper
from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.core.web import domain_view
from iskra.sealed.election import normalise_credential
from iskra.sealed.errors import SealedError


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _sealed(user: User, ballot_id: int) -> Ballot:
    ballot = load_ballot(user, ballot_id)
    if not ballot.sealed:
        raise NotFound("This ballot is not sealed.")
    return ballot


def _json_field(request: HttpRequest, text_field: str, file_field: str, what: str) -> Any:
    """JSON pasted into ``text_field`` or uploaded as ``file_field``; a clear error if neither."""
    upload = request.FILES.get(file_field)
    raw: str | bytes = upload.read(20_000_000) if upload else request.POST.get(text_field, "")
    if not raw or not str(raw).strip():
        raise DomainError(f"Choose the {what} file to upload (or paste it).")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(f"That {what} is not a JSON file.") from None


def panel(user: User, ballot: Ballot) -> dict[str, Any]:
    """What the ballot's page shows about its sealing."""
    if not ballot.sealed:
        return {}
    trustees = list(ballot.trustees.select_related("user"))
    return {
        "trustees": trustees,
        "step": ss.keygen_step(ballot) if ballot.state == Ballot.State.DRAFT else None,
        "is_trustee": any(t.user_id == user.pk for t in trustees),
        "is_ca": ss.is_credential_authority(user, ballot),
        "authority": ss.credential_authority(ballot),
        "credentials": ss.credential_count(ballot),
        "shares": sum(1 for t in trustees if t.decryption is not None),
    }


# --- Officers: trustees, threshold, credential authority ------------------------------------------


def _people(text: str) -> list[User]:
    out = []
    for line in text.replace(",", "\n").splitlines():
        email = line.strip()
        if not email:
            continue
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise DomainError(f"Nobody has the email address {email}.")
        out.append(person)
    return out


@domain_view
def setup(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    if not can_manage(user, ballot):
        raise PermissionDenied("Only officers of the unit set up this ballot.")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("restart"):
                ss.restart_keygen(actor=user, ballot=ballot)
            else:
                threshold = request.POST.get("threshold", "2").strip()
                if not threshold.isdigit():
                    raise DomainError("The threshold is a number of trustees.")
                ca_email = request.POST.get("authority", "").strip()
                ss.configure_sealed(
                    actor=user,
                    ballot=ballot,
                    sealed_on=request.POST.get("sealed") == "on",
                    trustees=_people(request.POST.get("trustees", "")),
                    threshold=int(threshold),
                    authority=_people(ca_email)[0] if ca_email else None,
                )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("ballots:detail", ballot_id=ballot.pk)
    trustees = list(ballot.trustees.select_related("user"))
    return render(
        request,
        "ballots/sealed_setup.html",
        {
            "ballot": ballot,
            "error": error,
            "trustees_text": request.POST.get("trustees")
            if error
            else "\n".join(t.user.email for t in trustees)
            or (ballot.scrutineer.email if ballot.scrutineer else ""),
            "threshold": request.POST.get("threshold") if error else ballot.threshold,
            "authority": request.POST.get("authority")
            if error
            else (ballot.credential_authority.email if ballot.credential_authority else ""),
            "started": ss.keygen_started(ballot),
        },
        status=400 if error else 200,
    )


# --- Trustees ------------------------------------------------------------------------------------


@domain_view
def trustee(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    me = ss.trustee_for(user, ballot)
    error = ""
    if request.method == "POST":
        try:
            message = _json_field(request, "message", "answer", "answer")
            if ballot.state == Ballot.State.DRAFT:
                ss.submit_keygen(actor=user, ballot=ballot, message=message)
            elif isinstance(message, dict) and message.get("type") == "mix":
                sv.submit_mix(actor=user, ballot=ballot, mix=message)
            else:
                sv.submit_decryption(actor=user, ballot=ballot, share=message)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("ballots:sealed_trustee", ballot_id=ballot.pk)
        ballot.refresh_from_db()
        me.refresh_from_db()
    step = ss.keygen_step(ballot) if ballot.state == Ballot.State.DRAFT else None
    trustees = list(ballot.trustees.select_related("user"))
    context: dict[str, Any] = {
        "ballot": ballot,
        "me": me,
        "error": error,
        "step": step,
        "done": step is not None and getattr(me, step) is not None,
        "waiting": [t for t in trustees if step and getattr(t, step) is None],
        "trustees": trustees,
        "round": ss.round_file(ballot, me) if step else None,
        "shares": sum(1 for t in trustees if t.decryption is not None),
        "to_mix": _to_mix(ballot, me.number),
        "mixes_needed": sv.mixes_needed(ballot),
    }
    return render(request, "ballots/sealed_trustee.html", context, status=400 if error else 200)


def _to_mix(ballot: Ballot, number: int) -> list[dict[str, Any]]:
    """The ranked questions this trustee may still shuffle (until decryption begins)."""
    record = ballot.sealed_record
    if ballot.state != Ballot.State.TALLYING or record is None:
        return []
    if ballot.trustees.exclude(decryption=None).exists():
        return []
    questions = record["election"]["questions"]
    return [
        {"index": qi, "number": qi + 1, "text": questions[qi]["text"], "done": len(chain)}
        for qi, chain in enumerate(record["mixes"])
        if chain is not None and all(m["trustee"] != number for m in chain)
    ]


@domain_view
def round_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    me = ss.trustee_for(user, ballot)
    if ballot.state != Ballot.State.DRAFT or ss.keygen_step(ballot) is None:
        raise NotFound("There is no key generation round under way.")
    response = JsonResponse(ss.round_file(ballot, me), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="round-{ballot.pk}-{me.number}.json"'
    return response


@domain_view
def record_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The record: before the count, what the trustees decrypt from; after, the whole export."""
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    try:
        data = sv.sealed_export(ballot, viewer=user)
    except DomainError as exc:
        raise NotFound(exc.message) from None
    response = JsonResponse(data)
    response["Content-Disposition"] = f'attachment; filename="sealed-ballot-{ballot.pk}.json"'
    return response


@domain_view
def election_json(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = _sealed(_user(request), ballot_id)
    if ballot.sealed_election is None:
        raise NotFound("The election parameters are frozen when the ballot opens.")
    return JsonResponse(ballot.sealed_election)


# --- The credential authority ---------------------------------------------------------------------


@domain_view
def credentials(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    if not ss.is_credential_authority(user, ballot):
        raise PermissionDenied("Only the ballot's credential authority sees this page.")
    error = ""
    if request.method == "POST":
        try:
            batch = _json_field(request, "batch", "batch_file", "batch")
            if ballot.state == ballot.State.DRAFT:
                authority = _json_field(request, "authority", "authority_file", "authority")
                ss.upload_credentials(actor=user, ballot=ballot, batch=batch, authority=authority)
            else:
                ss.upload_further_credentials(actor=user, ballot=ballot, batch=batch)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("ballots:sealed_credentials", ballot_id=ballot.pk)
    roll = list(services.constituency(ballot).order_by("email").values_list("email", flat=True))
    added = (
        list(
            ballot.roll.filter(added_on_challenge=True)
            .order_by("pk")
            .values_list("user__email", flat=True)
        )
        if ballot.state != ballot.State.DRAFT
        else []
    )
    awaiting = ss.awaiting_credentials(ballot)
    next_batch = ballot.credential_batches.count() + 1
    election = ballot.sealed_election or {}
    return render(
        request,
        "ballots/sealed_credentials.html",
        {
            "ballot": ballot,
            "error": error,
            "roll": roll,
            "issued": ss.credential_count(ballot),
            "awaiting": awaiting,
            "next_batch": next_batch,
            "added": added,
            "setup": {"uuid": ballot.sealed_uuid, "roll": roll, "name": user.full_name},
            # The further batch made in the browser: for the voters added last (the earlier
            # batches covered those added before them), signed with the key the election froze.
            "further": {
                "uuid": ballot.sealed_uuid,
                "batch": next_batch,
                "voters": added[len(added) - awaiting :] if awaiting else [],
                "sign_key": election.get("credential_authority", {}).get("sign_key", ""),
            },
        },
        status=400 if error else 200,
    )


@domain_view
def roll_txt(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    if not ss.is_credential_authority(user, ballot):
        raise PermissionDenied("Only the ballot's credential authority sees this page.")
    emails = services.constituency(ballot).order_by("email").values_list("email", flat=True)
    response = HttpResponse("".join(f"{e}\n" for e in emails), content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="roll-{ballot.pk}.txt"'
    return response


# --- Voting and the board ---------------------------------------------------------------------------


class _BackToThePaper(Exception):
    """ "Change my choices" on the review: the paper again, as it was filled."""


def vote(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    """The sealed voting page (``views_voting.vote`` sends sealed ballots here): encrypted in the
    browser, or — without JavaScript — by the server, which keeps only the ciphertext."""
    from iskra.ballots.views import describe_content  # views imports this module

    questions = services.questions_data(ballot)
    error = ""
    # What the server encrypted, shown on the voter's receipt (their own response, not stored).
    cast: list[Any] | None = None
    if request.method == "POST":
        try:
            raw = request.POST.get("sealed_ballot", "").strip()
            if raw:
                try:
                    data = json.loads(raw)
                except ValueError:
                    raise DomainError("The encrypted ballot is not readable; vote again.") from None
                entry = sv.cast_sealed(ballot=ballot, data=data, origin="browser")
            elif request.POST.get("change") == "yes":
                raise _BackToThePaper
            else:
                # Without JavaScript the server encrypts, after the same review as in the
                # browser: the choices in words (and "cast a blank ballot?" for none), posted
                # again with the credential from the review's own form; nothing is stored.
                answers = answers_from_post(questions, request.POST)
                if not answers and request.POST.get("blank_ballot") == "yes":
                    answers = {str(q["id"]): BLANK for q in questions}
                try:
                    credential = normalise_credential(request.POST.get("credential", ""))
                except SealedError as exc:
                    raise DomainError(str(exc)) from None
                if request.POST.get("cast") != "yes" or not answers:
                    if answers:
                        validate_paper(questions, answers)
                    carried = [
                        (key, value)
                        for key in request.POST
                        if key.startswith("q")
                        for value in request.POST.getlist(key)
                    ]
                    response = render(
                        request,
                        "ballots/vote_review.html",
                        {
                            "ballot": ballot,
                            "nothing": not answers,
                            "choices": describe_content(questions, answers),
                            "carried": [*carried, ("credential", credential)],
                            "sealed": True,
                        },
                    )
                    response["Cache-Control"] = "no-store"
                    return response
                paper = validate_paper(questions, answers)
                data = sv.encrypt_on_server(ballot, paper, credential)
                entry = sv.cast_sealed(ballot=ballot, data=data, origin="server")
                cast = describe_content(questions, answers)
        except _BackToThePaper:
            pass
        except (ValueError, DomainError) as exc:
            error = exc.message if isinstance(exc, DomainError) else str(exc)
        else:
            response = render(
                request,
                "ballots/sealed_voted.html",
                {"ballot": ballot, "entry": entry, "cast": cast},
            )
            response["Cache-Control"] = "no-store"
            return response
    for q in questions:
        key = f"q{q['id']}"
        posted = request.method == "POST"
        q["chosen"] = request.POST.getlist(key) if posted else []
        q["blank_chosen"] = posted and request.POST.get(f"{key}_blank", "") == "blank"
        q["ranks"] = [
            (i, label, request.POST.get(f"{key}_{i}", "") if posted else "")
            for i, label in enumerate(q["options"])
        ]
    response = render(
        request,
        "ballots/sealed_vote.html",
        {
            "ballot": ballot,
            "questions": questions,
            "error": error,
            "election": ballot.sealed_election,
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@domain_view
def audit(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The voter's browser reports the tracker of a ballot it audited (Benaloh): never to be
    cast, listed in the record. Answered in JSON for pages.js's fetch."""
    user = _user(request)
    ballot = _sealed(user, ballot_id)
    try:
        made = sa.report_audit(actor=user, ballot=ballot, tracker=request.POST.get("tracker", ""))
    except PermissionDenied as exc:
        return JsonResponse({"detail": exc.message}, status=403)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    return JsonResponse({"tracker": made.tracker, "audited": True}, status=201)


def board(request: HttpRequest, ballot: Ballot) -> HttpResponse:
    """The public board of encrypted ballots (``views.board`` sends sealed ballots here): open
    to the ballot's members from the opening, with a tracker look-up."""
    if ballot.state == Ballot.State.DRAFT:
        raise NotFound("The board opens with the ballot.")
    typed = request.GET.get("tracker", "")[:200].strip()
    found = ballot.sealed_board.filter(tracker=typed).first() if typed else None
    page = Paginator(ballot.sealed_board.order_by("seq"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "ballots/sealed_board.html",
        {
            "ballot": ballot,
            "typed": typed,
            "found": found,
            "page": page,
            "head": sv.board_head(ballot),
            "total": page.paginator.count,
            "audited": ballot.sealed_audits.count(),
        },
    )
