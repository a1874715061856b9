"""The meeting's register and replies: calling or recording a meeting, ticking attendance in
bulk, apologies and replies to the notice, the room's sign-in code, opening (before its time
only with a reason) and undoing a sign-in. One view per verb, each calling one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view, form_view, post_action
from iskra.meetings import services
from iskra.meetings.forms import OpenMeetingForm, RecordMeetingForm, ReplyForm, SignInForm
from iskra.meetings.models import Meeting, Reply
from iskra.meetings.permissions import can_run_meeting, load_meeting
from iskra.motions.models import MotionStatus
from iskra.organisation.permissions import load_body, require


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _back(meeting_id: int) -> HttpResponseBase:
    return redirect("meetings:detail", meeting_id=meeting_id)


@domain_view
def meeting_record(request: HttpRequest, body_id: int) -> HttpResponseBase:
    """Record a meeting held earlier (offline); then its register, votes and minutes."""
    user = _user(request)
    body = load_body(user, body_id)
    require(
        can_run_meeting(user, body),
        "Only the body's secretary, chair or officers record its meetings.",
    )
    motions = body.motions.filter(status__in=[MotionStatus.ADMITTED, MotionStatus.IN_DISCUSSION])
    return form_view(
        request,
        RecordMeetingForm(request.POST or None, motions=motions),
        save=lambda form: services.record_meeting(
            actor=user,
            body=body,
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
            notes=form.cleaned_data["notes"],
            motions=list(form.cleaned_data["motions"]),
        ),
        done=lambda meeting: redirect("meetings:register", meeting_id=meeting.pk),
        success="Meeting recorded. Now tick who was there, then enter its votes.",
        context={
            "title": f"Record a meeting of {body.name} held earlier",
            "submit": "Record the meeting",
        },
    )


@domain_view
def meeting_open(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """Open the meeting: at its time with one button, before it only with a reason."""
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the chair or secretary opens the meeting.")
    return form_view(
        request,
        OpenMeetingForm(request.POST or None),
        save=lambda form: services.open_meeting(
            actor=user, meeting=meeting, reason=form.cleaned_data["reason"]
        ),
        done=lambda opened: _back(opened.pk),
        success="The meeting is open: members can sign in.",
        context={"title": f"Open the meeting: {meeting.title}", "submit": "Open the meeting"},
    )


@require_POST
@domain_view
def meeting_sign_in(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    form = SignInForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.sign_in(actor=user, meeting=meeting, code=code),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success="You are signed in.",
    )


@require_POST
@domain_view
def meeting_reply(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose “I will attend” or “I send my apologies”.")
        return _back(meeting.pk)
    answer = form.cleaned_data["answer"]
    return post_action(
        request,
        lambda: services.reply(
            actor=user, meeting=meeting, answer=answer, note=form.cleaned_data["note"]
        ),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success="Thank you: you are down as attending."
        if answer == Reply.Answer.ATTENDING
        else "Your apologies are recorded.",
    )


@require_POST
@domain_view
def meeting_code(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    show = request.POST.get("show", "1") != "0"
    return post_action(
        request,
        lambda: services.set_sign_in_code(actor=user, meeting=meeting, show=show),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success=lambda m: (
            f"Members now sign in with the code {m.sign_in_code}."
            if m.sign_in_code
            else "Members sign in without a code."
        ),
    )


@require_POST
@domain_view
def meeting_undo(request: HttpRequest, meeting_id: int, user_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound("No such person.")
    then = redirect("meetings:register", meeting_id=meeting.pk)
    return post_action(
        request,
        lambda: services.undo_attendance(actor=user, meeting=meeting, user=person),
        then=then,
        propagate=(NotFound,),
        success=f"{person.full_name} is no longer marked present.",
    )


@domain_view
def meeting_register(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The body's list, to tick who is present or sent apologies (searchable, in bulk; a plain
    form that works without JavaScript)."""
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the secretary keeps the register.")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    error = ""
    ticked: set[int] = set()
    if request.method == "POST":
        query = request.POST.get("q", "").replace("\x00", "").strip()[:100]
        ticked = {int(v) for v in request.POST.getlist("people") if v.isdigit() and len(v) < 19}
        action = request.POST.get("action", "")
        people = list(User.objects.filter(pk__in=ticked))
        try:
            if action == "present":
                marked = services.mark_present(actor=user, meeting=meeting, users=people)
                messages.success(
                    request, f"{marked} member{'s' if marked != 1 else ''} marked present."
                )
            elif action == "apologies":
                count = services.record_apologies(actor=user, meeting=meeting, users=people)
                messages.success(
                    request, f"Apologies recorded for {count} member{'s' if count != 1 else ''}."
                )
            else:
                raise DomainError("Choose “Mark present” or “Record apologies”.")
        except DomainError as exc:
            error = exc.message  # shown on the page below, with the ticks kept
        else:
            url = redirect("meetings:register", meeting_id=meeting.pk)
            if query:
                url["Location"] += f"?q={query}"
            return url
    members = services.body_members(meeting.body).order_by("full_name")
    if query:
        members = members.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(members, 200).get_page(request.GET.get("page"))
    present = set(meeting.attendance.values_list("user_id", flat=True))
    replies = {r.user_id: r for r in meeting.replies.all()}
    rows = [
        {
            "person": p,
            "present": p.pk in present,
            "reply": replies.get(p.pk),
            "ticked": p.pk in ticked,
        }
        for p in page
    ]
    return render(
        request,
        "meetings/register.html",
        {
            "meeting": meeting,
            "rows": rows,
            "page": page,
            "q": query,
            "error": error,
            "quorum": services.quorum(meeting),
            "closed": meeting.status == Meeting.Status.CLOSED,
            "now": timezone.now(),
        },
    )
