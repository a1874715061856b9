from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound, PermissionDenied
from iskra.core.web import (
    confirm_action,
    domain_view,
    errors_in_words,
    form_view,
    keep_form,
    kept_form,
    post_action,
)
from iskra.meetings import services
from iskra.meetings.forms import (
    AgendaItemForm,
    CastForm,
    HandsForm,
    MarkAttendanceForm,
    MeetingForm,
    MinutesForm,
    OpenMeetingForm,
    OpenVoteForm,
    ReplyForm,
    SignInForm,
    SplitCardForm,
    parse_subject,
)
from iskra.meetings.models import CalendarFeed, Meeting, Vote
from iskra.meetings.permissions import (
    can_list_meetings,
    can_run_meeting,
    load_meeting,
    load_vote,
    visible_meetings_q,
)
from iskra.meetings.selectors import agenda_motions
from iskra.meetings.views_positions import position_context
from iskra.motions.models import Amendment
from iskra.motions.permissions import is_member_or_superuser
from iskra.organisation.models import Body
from iskra.organisation.permissions import bodies_run_by_q, load_body, require


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@domain_view
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    meetings = Meeting.objects.select_related("body__unit").order_by("-starts_at")
    body_id = request.GET.get("body", "")
    # Longer digit strings overflow the database's integers (a 500, not an empty list).
    if body_id.isdigit() and len(body_id) < 19:
        meetings = meetings.filter(body_id=int(body_id))
    meetings = meetings.filter(visible_meetings_q(user))
    if not can_list_meetings(user):
        meetings = meetings.none()
    feed = services.calendar_feed_for(user)
    # The bodies whose meetings this person calls or records: "Call a meeting" is offered here.
    bodies = (
        Body.objects.select_related("unit")
        .filter(bodies_run_by_q(user))
        .order_by("unit__path", "name")[:50]
    )
    return render(
        request,
        "meetings/list.html",
        {"meetings": meetings[:100], "feed": feed, "bodies": bodies},
    )


@domain_view
def meeting_new(request: HttpRequest, body_id: int) -> HttpResponseBase:
    user = _user(request)
    body = load_body(user, body_id)
    require(
        can_run_meeting(user, body),
        "Only the body's secretary, chair or officers call its meetings.",
    )
    motions = agenda_motions(body)
    form = MeetingForm(request.POST or None, motions=motions)
    days = body.min_notice_days
    form.fields["starts_at"].help_text = (
        f"The standing orders of {body.name} require {days} day{'s' if days != 1 else ''}' "
        "notice. For a meeting already held, use “Record a meeting held earlier” on the "
        "body's page."
    )
    return form_view(
        request,
        form,
        save=lambda form: services.schedule_meeting(
            actor=user,
            body=body,
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
            notice=form.cleaned_data["notice"],
            motions=list(form.cleaned_data["motions"]),
        ),
        done=lambda meeting: redirect("meetings:detail", meeting_id=meeting.pk),
        success="Meeting called; notice sent.",
        context={"title": f"Call a meeting of {body.name}", "submit": "Call the meeting"},
    )


@domain_view
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    run = can_run_meeting(user, meeting.body)
    q = services.quorum(meeting)
    items = list(meeting.items.select_related("motion"))
    motion_ids = [i.motion_id for i in items if i.motion_id]
    amendments = Amendment.objects.filter(motion_id__in=motion_ids).order_by("motion_id", "number")
    votes = list(
        meeting.votes.select_related("motion", "amendment").prefetch_related(
            "ballots__user", "ballots__cast_by"
        )
    )
    open_votes = [v for v in votes if v.state == Vote.State.OPEN]
    my_ballots = {b.vote_id for v in open_votes for b in v.ballots.all() if b.user_id == user.pk}
    proxies = list(services.active_proxies(meeting).select_related("member", "holder"))
    held = [p for p in proxies if p.holder_id == user.pk]
    for v in open_votes:
        # The members whose proxy this person holds and who have not voted in it yet.
        cast = {b.user_id for b in v.ballots.all()}
        v.proxy_members = [p.member for p in held if p.member_id not in cast]  # type: ignore[attr-defined]
        # A card vote's form to split the card (a delegation's 70 for / 30 against).
        v.split_form = (  # type: ignore[attr-defined]
            kept_form(request, _form_name(meeting, f"split-{v.pk}"), SplitCardForm)
            if v.method == Vote.Method.CARD
            else None
        )
        card, card_unit = (
            services.card_weight(meeting, user) if v.method == Vote.Method.CARD else (None, None)
        )
        v.my_card = card if card_unit is not None else None  # type: ignore[attr-defined]
    signed_in = meeting.attendance.filter(user=user).exists()
    replies = list(meeting.replies.select_related("user").order_by("user__full_name"))
    context = {
        "replies": replies,
        "my_reply": next((r for r in replies if r.user_id == user.pk), None),
        "reply_form": ReplyForm(),
        "sign_in_form": SignInForm(),
        "open_form": OpenMeetingForm(),
        "early": timezone.now() < meeting.starts_at,
        "meeting": meeting,
        "can_run": run,
        "quorum": q,
        "items": items,
        "amendments": {mid: [a for a in amendments if a.motion_id == mid] for mid in motion_ids},
        "votes": votes,
        "open_votes": open_votes,
        # A council's or conference's cards (public to members): each delegation's weight.
        "cards": services.card_weights(
            meeting.body,
            meeting.card_vote_snapshot_on or timezone.localdate(),
            held_on=min(timezone.localdate(), timezone.localtime(meeting.starts_at).date()),
        )
        if meeting.body.kind in (Body.Kind.COUNCIL, Body.Kind.CONFERENCE)
        else [],
        "my_ballots": my_ballots,
        # While someone has a ballot form in front of them the section must not refresh under
        # them (it would clear their choice); it refreshes again once they have voted.
        "awaiting_my_vote": signed_in
        and any(v.pk not in my_ballots or v.proxy_members for v in open_votes),  # type: ignore[attr-defined]
        "proxies": proxies,
        "my_proxy": next((p for p in proxies if p.member_id == user.pk), None),
        "held_proxies": held,
        "attendance": meeting.attendance.select_related("user").order_by("user__full_name"),
        "signed_in": signed_in,
        "is_member": services.is_body_member(user, meeting.body),
        "cast_form": kept_form(request, _form_name(meeting, "cast"), CastForm),
        "agenda_form": kept_form(request, _form_name(meeting, "agenda"), AgendaItemForm),
        "mark_form": kept_form(request, _form_name(meeting, "mark"), MarkAttendanceForm),
        # A refused show of hands comes back beside its agenda item (its ``subject``), with the
        # figures typed and each field's error.
        "hands_form": kept_form(request, _form_name(meeting, "hands"), HandsForm),
        "earlier": Meeting.objects.filter(
            body=meeting.body,
            starts_at__lt=meeting.starts_at,
            status=Meeting.Status.CLOSED,
            minutes_approved_at__isnull=True,
        ).order_by("-starts_at")[:3],
    }
    # The branch's positions on motions circulated to it (meetings/views_positions.py).
    context.update(position_context(request, meeting, items))
    template = (
        "meetings/_live.html" if request.headers.get("HX-Request") else "meetings/detail.html"
    )
    return render(request, template, context)


def _form_name(meeting: Meeting, verb: str) -> str:
    return f"meeting-{meeting.pk}-{verb}"


def _back(meeting_id: int) -> HttpResponseBase:
    return redirect("meetings:detail", meeting_id=meeting_id)


def _subject(meeting: Meeting, request: HttpRequest) -> tuple[Any, Any] | None:
    """The motion (and amendment) on the meeting's agenda a vote is about, from the form."""
    motion_ids = set(meeting.items.exclude(motion__isnull=True).values_list("motion_id", flat=True))
    return parse_subject(request.POST.get("subject", ""), motion_ids)


def _vote_subject(
    meeting: Meeting, request: HttpRequest, form: forms.Form
) -> tuple[Any, Any] | HttpResponseBase:
    """What a vote's form posted from the meeting's page is about (motion, amendment); or the
    way back to the meeting with the reason when it names no agenda item or its figures are
    missing or wrong (they sit beside each agenda item, so the message names them)."""
    subject = _subject(meeting, request)
    if subject is None:
        messages.error(request, "Choose what to vote on.")
        return _back(meeting.pk)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return _back(meeting.pk)
    return subject


# One view per verb of the meeting's page: each loads the meeting as the person may see it,
# checks its own form, calls one service and goes back to the meeting.


@require_http_methods(["GET", "POST"])
@domain_view
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """Closing asks first, saying what the record will hold."""
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the chair or secretary closes the meeting.")
    present = meeting.attendance.count()
    votes = meeting.votes.count()
    return confirm_action(
        request,
        lambda: services.close_meeting(actor=user, meeting=meeting),
        then=_back(meeting.pk),
        cancel=reverse("meetings:detail", args=[meeting.pk]),
        title=f"Close the meeting “{meeting.title}”?",
        consequences=[
            f"The record is closed with {present} present and {votes} "
            f"vote{'s' if votes != 1 else ''} taken; nobody can sign in or vote any more.",
            "Draft minutes are written from the record; the secretary can then edit them.",
            "A closed meeting cannot be reopened.",
        ],
        problems=services.closing_problems(meeting),
        confirm_label="Yes, close the meeting",
        propagate=(NotFound,),
        success="The meeting is closed; its draft minutes are ready.",
    )


@require_POST
@domain_view
def meeting_mark(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    # Before the form: nobody else learns from the answer whether an address is a member's.
    require(can_run_meeting(user, meeting.body), "Only the secretary records attendance.")
    form = MarkAttendanceForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(meeting, "mark"), form, _back(meeting.pk))
    person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if person is None:
        messages.error(request, "No member with that email address.")
        return _back(meeting.pk)
    return post_action(
        request,
        lambda: services.mark_attendance(actor=user, meeting=meeting, user=person),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success=f"{person.full_name or person.email} is marked present.",
    )


@require_POST
@domain_view
def meeting_agenda(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the body's officers set its agenda.")
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return keep_form(request, _form_name(meeting, "agenda"), form, _back(meeting.pk))
    return post_action(
        request,
        lambda: services.add_agenda_item(actor=user, meeting=meeting, **form.cleaned_data),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success=f"“{form.cleaned_data.get('title', '')}” is on the agenda.",
    )


@require_POST
@domain_view
def meeting_hands(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the chair enters a show of hands.")
    form = HandsForm(request.POST)
    subject = _subject(meeting, request)
    if subject is None:
        messages.error(request, "Choose what to vote on.")
        return _back(meeting.pk)
    name = _form_name(meeting, "hands")
    if not form.is_valid():
        # Each figure's error beside it, the figures typed kept (found by a volunteer's walk:
        # one sentence at the top for every figure of every item).
        return keep_form(request, name, form, _back(meeting.pk))
    motion, amendment = subject
    try:
        vote = services.take_show_of_hands(
            actor=user,
            meeting=meeting,
            motion=motion,
            amendment=amendment,
            votes_for=form.cleaned_data["votes_for"],
            votes_against=form.cleaned_data["votes_against"],
            abstentions=form.cleaned_data["abstentions"],
        )
    except NotFound:
        raise
    except DomainError as exc:
        return keep_form(request, name, form, _back(meeting.pk), exc.message)
    messages.success(request, "Carried." if vote.carried else "Lost.")
    return _back(meeting.pk)


@require_POST
@domain_view
def meeting_vote(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    form = OpenVoteForm(request.POST)
    subject = _vote_subject(meeting, request, form)
    if isinstance(subject, HttpResponseBase):
        return subject
    motion, amendment = subject
    return post_action(
        request,
        lambda: services.open_vote(
            actor=user,
            meeting=meeting,
            motion=motion,
            amendment=amendment,
            method=form.cleaned_data["method"],
        ),
        then=_back(meeting.pk),
        propagate=(NotFound,),
        success="The vote is open.",
    )


@require_POST
@domain_view
def vote_cast(request: HttpRequest, vote_id: int) -> HttpResponseBase:
    user = _user(request)
    vote = load_vote(user, vote_id)
    form = CastForm(request.POST)
    if not form.is_valid():
        if "on_behalf_of" in form.errors:  # a forged hidden field: nothing on the page to mark
            messages.error(request, "You do not hold that member's proxy at this meeting.")
            return _back(vote.meeting_id)
        return keep_form(request, _form_name(vote.meeting, "cast"), form, _back(vote.meeting_id))
    member = None
    if form.cleaned_data["on_behalf_of"]:
        member = User.objects.filter(pk=form.cleaned_data["on_behalf_of"]).first()
        if member is None:
            messages.error(request, "You do not hold that proxy.")
            return _back(vote.meeting_id)
    return post_action(
        request,
        lambda: services.cast_named_vote(
            actor=user, vote=vote, choice=form.cleaned_data["choice"], on_behalf_of=member
        ),
        then=_back(vote.meeting_id),
        success=f"The vote of {member} is recorded, cast by you as their proxy."
        if member
        else "Your vote is recorded.",
    )


@require_POST
@domain_view
def vote_split(request: HttpRequest, vote_id: int) -> HttpResponseBase:
    """A delegation splits its card in one action (card votes)."""
    user = _user(request)
    vote = load_vote(user, vote_id)
    form = SplitCardForm(request.POST)
    name = _form_name(vote.meeting, f"split-{vote.pk}")
    if not form.is_valid():
        return keep_form(request, name, form, _back(vote.meeting_id))
    parts = (
        form.cleaned_data["votes_for"],
        form.cleaned_data["votes_against"],
        form.cleaned_data["abstentions"] or 0,
    )
    try:
        services.cast_named_vote(actor=user, vote=vote, choice="split", split=parts)
    except DomainError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return keep_form(request, name, form, _back(vote.meeting_id), exc.message)
    messages.success(request, "Your card is recorded, split as you said.")
    return _back(vote.meeting_id)


@require_POST
@domain_view
def vote_close(request: HttpRequest, vote_id: int) -> HttpResponseBase:
    user = _user(request)
    vote = load_vote(user, vote_id)
    return post_action(
        request,
        lambda: services.close_vote(actor=user, vote=vote),
        then=_back(vote.meeting_id),
        success=lambda closed: f"{'Carried' if closed.carried else 'Lost'}.",
    )


@domain_view
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    require(can_run_meeting(user, meeting.body), "Only the secretary edits the minutes.")
    return form_view(
        request,
        MinutesForm(request.POST or None, initial={"minutes": meeting.minutes}),
        save=lambda form: services.save_minutes(
            actor=user, meeting=meeting, text=form.cleaned_data["minutes"]
        ),
        done=lambda _: _back(meeting.pk),
        success="Minutes saved.",
        context={"title": f"Minutes: {meeting.title}", "submit": "Save minutes"},
    )


@require_POST
@domain_view
def approve_minutes(request: HttpRequest, meeting_id: int, earlier_id: int) -> HttpResponseBase:
    user = _user(request)
    meeting = load_meeting(user, meeting_id)
    earlier = load_meeting(user, earlier_id)
    return post_action(
        request,
        lambda: services.approve_minutes(actor=user, meeting=earlier, at_meeting=meeting),
        then=_back(meeting.pk),
        success=f"Minutes of {earlier.title} approved.",
    )


@domain_view
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = load_meeting(request.user, meeting_id)
    response = HttpResponse(services._ics(meeting), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's feed, for calendar apps that cannot sign in: the secret token is the key."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    return HttpResponse(services.calendar_for(feed.user), content_type="text/calendar")


@domain_view
def voting_record(request: HttpRequest, user_id: int) -> HttpResponse:
    """How a leader or delegate voted in the bodies they sit on, next to the mandate of the
    branch they answer to: visible to members, as every recorded vote of a body is."""
    from iskra.meetings.selectors import holds_or_held_a_seat
    from iskra.meetings.selectors import voting_record as record_of

    viewer = request.user
    person = User.objects.select_related("membership__unit").filter(pk=user_id).first()
    allowed = is_member_or_superuser(viewer)
    if person is None or not allowed or not holds_or_held_a_seat(person):
        raise NotFound("No voting record to show.")
    rows = record_of(person)
    # Only votes taken in meetings the viewer may see: another branch's committee is not
    # shown to this branch's members (docs/organisation.md).
    visible = set(
        Meeting.objects.filter(pk__in={row.vote.meeting_id for row in rows})
        .filter(visible_meetings_q(viewer))
        .values_list("pk", flat=True)
    )
    rows = [row for row in rows if row.vote.meeting_id in visible]
    seats = person.seat_holdings.select_related(
        "seat__body__unit", "seat__represents_unit"
    ).order_by("-started_on")
    return render(
        request,
        "meetings/voting_record.html",
        {"person": person, "rows": rows, "seats": seats},
    )
