"""The newsletter's pages: subscribing (members with a click, the public with a confirmation
email), leaving by one click, and the editors' lists and sends (write, preview, test, send,
progress)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core import ratelimit
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import confirm_action, domain_view, form_view, post_action
from iskra.motions.permissions import is_active_member
from iskra.newsletter import sending, subscriptions
from iskra.newsletter.forms import ListForm, SendForm, SubscribeForm
from iskra.newsletter.models import MailingList, Send, Subscriber
from iskra.newsletter.permissions import load_list, load_send
from iskra.press.models import Article
from iskra.press.permissions import is_editor, load_desk


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_not_required
def index(request: HttpRequest) -> HttpResponseBase:
    """Every newsletter: members subscribe and leave with a button; the public gives an
    address for the open ones."""
    user = request.user
    member = user.is_authenticated and is_active_member(user)
    lists = list(MailingList.objects.select_related("publication").order_by("name"))
    if not member:
        lists = [m for m in lists if m.is_public]
    mine = (
        dict(
            Subscriber.objects.filter(email=getattr(user, "email", "").lower()).values_list(
                "mailing_list_id", "status"
            )
        )
        if member
        else {}
    )
    return render(
        request,
        "newsletter/index.html",
        {
            "rows": [(m, mine.get(m.pk) == Subscriber.Status.ACTIVE) for m in lists],
            "member": member,
            "form": SubscribeForm(),
        },
    )


@require_POST
@domain_view
def member_choice(request: HttpRequest, list_id: int) -> HttpResponseBase:
    user = _user(request)
    chosen = MailingList.objects.filter(pk=list_id).first()
    if chosen is None:
        raise NotFound("No such newsletter.")
    on = request.POST.get("on") == "1"
    return post_action(
        request,
        lambda: subscriptions.set_member_subscription(actor=user, mailing_list=chosen, on=on),
        then=redirect("newsletter:index"),
        success=f"You get {chosen.name} now." if on else f"You no longer get {chosen.name}.",
    )


@require_http_methods(["GET", "POST"])
@login_not_required
@domain_view
def subscribe(request: HttpRequest, slug: str) -> HttpResponseBase:
    chosen = MailingList.objects.filter(slug=slug, is_public=True).first()
    if chosen is None:
        raise NotFound("No such newsletter.")
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and not ratelimit.allow_anonymous(request, "newsletter"):
        form.is_valid()
        form.add_error(None, ratelimit.TOO_MANY)
        return render(
            request, "newsletter/subscribe.html", {"list": chosen, "form": form}, status=429
        )
    return form_view(
        request,
        form,
        save=lambda f: subscriptions.subscribe_public(
            mailing_list=chosen, email=f.cleaned_data["email"]
        ),
        done=lambda _: render(request, "newsletter/check_inbox.html", {"list": chosen}),
        template="newsletter/subscribe.html",
        context={"list": chosen},
    )


@require_http_methods(["GET", "POST"])
@login_not_required
def confirm(request: HttpRequest, token: str) -> HttpResponseBase:
    """The link in the confirmation email: a button (mail scanners follow links, and must not
    subscribe anyone), then the subscription."""
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        sub = subscriptions.confirm(token=token)
    except DomainError as exc:
        return render(request, "newsletter/confirm.html", {"error": exc.message}, status=400)
    return render(request, "newsletter/confirm.html", {"done": sub.mailing_list})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@login_not_required
def unsubscribe(request: HttpRequest, token: str) -> HttpResponseBase:
    """Every message's link, and the one-click unsubscribe of RFC 8058: a POST authenticated by
    the signed token alone (so it is exempt from CSRF), answered at once, without a redirect.
    A GET only shows the button: link scanners must not unsubscribe anyone."""
    if request.method == "GET":
        return render(request, "newsletter/unsubscribe.html", {"token": token})
    try:
        sub = subscriptions.unsubscribe(token=token)
    except DomainError as exc:
        return render(request, "newsletter/unsubscribe.html", {"error": exc.message}, status=400)
    return render(request, "newsletter/unsubscribe.html", {"done": sub.mailing_list})


# ---- the editors' side ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@domain_view
def lists(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    editor = is_editor(user, publication)
    if request.method == "POST" and not editor:
        raise Denied("Only the publication's editors make its newsletters.")
    rows = []
    for item in MailingList.objects.filter(publication=publication):
        counts = {
            s: item.subscribers.filter(status=s).count()
            for s in (Subscriber.Status.ACTIVE, Subscriber.Status.PENDING)
        }
        rows.append((item, counts))
    return form_view(
        request,
        ListForm(request.POST or None),
        save=lambda f: subscriptions.create_list(
            actor=user, publication=publication, **f.cleaned_data
        ),
        done=lambda made: redirect("newsletter:list", made.pk),
        success=lambda made: f"{made.name} is made: members and the public can subscribe.",
        template="newsletter/lists.html",
        context={"publication": publication, "rows": rows, "editor": editor},
    )


@require_GET
@domain_view
def list_page(request: HttpRequest, list_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_list(user, list_id)
    counts = {
        label: item.subscribers.filter(status=value).count()
        for value, label in Subscriber.Status.choices
    }
    return render(
        request,
        "newsletter/list.html",
        {"list": item, "counts": counts, "sends": list(item.sends.all()[:30])},
    )


def _send_form_save(user: User, item: MailingList, send: Send | None) -> Any:
    def save(form: SendForm) -> Send:
        return sending.write_send(
            actor=user,
            mailing_list=item,
            subject=form.cleaned_data["subject"],
            intro=form.cleaned_data["intro"],
            articles=list(form.cleaned_data["articles"]),
            send=send,
        )

    return save


@require_http_methods(["GET", "POST"])
@domain_view
def new_send(request: HttpRequest, list_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_list(user, list_id)
    return form_view(
        request,
        SendForm(request.POST or None, publication=item.publication),
        save=_send_form_save(user, item, None),
        done=lambda s: redirect("newsletter:send", s.pk),
        success="Saved. Look at the preview, send yourself a test, then send it.",
        context={"title": f"Write {item.name}", "submit": "Save and preview"},
    )


@require_http_methods(["GET", "POST"])
@domain_view
def edit_send(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    item = send.mailing_list
    if send.status != Send.Status.DRAFT:
        messages.error(request, "This send has gone out: it cannot be changed.")
        return redirect("newsletter:send", send.pk)
    form = SendForm(
        request.POST or None,
        publication=item.publication,
        initial={
            "subject": send.subject,
            "intro": send.intro,
            "articles": Article.objects.filter(pk__in=send.article_ids),
        },
    )
    return form_view(
        request,
        form,
        save=_send_form_save(user, item, send),
        done=lambda s: redirect("newsletter:send", s.pk),
        success="Saved.",
        context={"title": f"Change “{send.subject}”", "submit": "Save and preview"},
    )


@require_GET
@domain_view
def send_page(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    return render(
        request,
        "newsletter/send.html",
        {
            "send": send,
            "list": send.mailing_list,
            "progress": sending.progress(send),
            "active": send.mailing_list.subscribers.filter(status=Subscriber.Status.ACTIVE).count(),
        },
    )


@require_GET
@xframe_options_sameorigin
@domain_view
def preview(request: HttpRequest, send_id: int) -> HttpResponseBase:
    """The email as subscribers see it, for the send's page to frame: its styles are inline, as
    mail clients need, so this one response allows inline styles and nothing else."""
    user = _user(request)
    send = load_send(user, send_id)
    html = send.html if send.status != Send.Status.DRAFT else sending.render(send)[0]
    response = HttpResponse(html.replace(sending.PLACEHOLDER, "#"))
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'self'; sandbox"
    )
    return response


@require_GET
@domain_view
def progress(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    return render(
        request,
        "newsletter/_progress.html",
        {"send": send, "progress": sending.progress(send)},
    )


@require_POST
@domain_view
def test_send(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    return post_action(
        request,
        lambda: sending.send_test(actor=user, send=send),
        then=redirect("newsletter:send", send.pk),
        success=f"A test is on its way to {user.email}.",
    )


@require_http_methods(["GET", "POST"])
@domain_view
def queue(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    active = send.mailing_list.subscribers.filter(status=Subscriber.Status.ACTIVE).count()
    here = reverse("newsletter:send", args=[send.pk])
    return confirm_action(
        request,
        lambda: sending.queue_send(actor=user, send=send),
        then=redirect(here),
        cancel=here,
        title=f"Send “{send.subject}” to {active:,} subscribers?",
        consequences=[
            "It goes out now, batch by batch; this page shows how far it has got.",
            "It cannot be changed once it has started; you can stop what has not gone yet.",
        ],
        confirm_label=f"Yes, send it to {active:,}",
        success=lambda n: f"Sending to {n:,} subscribers.",
    )


@require_POST
@domain_view
def cancel(request: HttpRequest, send_id: int) -> HttpResponseBase:
    user = _user(request)
    send = load_send(user, send_id)
    return post_action(
        request,
        lambda: sending.cancel_send(actor=user, send=send),
        then=redirect("newsletter:send", send.pk),
        success="Stopped: what had not gone will not go.",
    )
