"""The discussion bulletin: officers gather a body's motions, amendments and positions into a
bulletin, publish it to the members and print it (PDF)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iskra.accounts.models import User
from iskra.core.errors import NotFound
from iskra.core.web import (
    domain_view,
    form_view,
    post_action,
)
from iskra.motions import services
from iskra.motions.forms import (
    BulletinForm,
    ContributionForm,
)
from iskra.motions.models import Bulletin
from iskra.motions.permissions import (
    can_contribute,
    can_publish_bulletin,
    is_member_or_superuser,
    load_body_for_bulletin,
    load_bulletin,
    sees_every_contribution,
)
from iskra.organisation.models import Body
from iskra.organisation.permissions import officer_paths, require


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@domain_view
def bulletin_list(request: HttpRequest) -> HttpResponse:
    require(is_member_or_superuser(request.user), "Bulletins are for members.")
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
def bulletin_new(request: HttpRequest, body_id: int) -> HttpResponseBase:
    user = _user(request)
    body = load_body_for_bulletin(user, body_id)
    return form_view(
        request,
        BulletinForm(request.POST or None, initial={"opens_on": timezone.localdate()}),
        save=lambda form: services.create_bulletin(actor=user, body=body, **form.cleaned_data),
        done=lambda bulletin: redirect("motions:bulletin", bulletin_id=bulletin.pk),
        context={"title": f"Open a discussion bulletin for {body.name}", "submit": "Open"},
    )


@domain_view
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponseBase:
    user = _user(request)
    bulletin = load_bulletin(user, bulletin_id)
    return form_view(
        request,
        ContributionForm(request.POST or None),
        save=lambda form: services.contribute(actor=user, bulletin=bulletin, **form.cleaned_data),
        done=lambda _: redirect("motions:bulletin", bulletin_id=bulletin.pk),
        success="Your contribution is in.",
        template="motions/bulletin.html",
        context={
            "bulletin": bulletin,
            "contributions": bulletin.contributions.all()
            if sees_every_contribution(user, bulletin)
            else bulletin.contributions.filter(author=user),
            "can_publish": can_publish_bulletin(user, bulletin),
            "can_contribute": can_contribute(user, bulletin),
        },
    )


@require_POST
@domain_view
def bulletin_publish(request: HttpRequest, bulletin_id: int) -> HttpResponseBase:
    user = _user(request)
    bulletin = load_bulletin(user, bulletin_id)
    return post_action(
        request,
        lambda: services.publish_bulletin(actor=user, bulletin=bulletin),
        then=redirect("motions:bulletin", bulletin_id=bulletin.pk),
    )


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
