"""An article's picture on the desk (sent, replaced, taken off) and served to readers; members'
letters and reports sent in through the publication's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iskra.core.errors import DomainError, NotFound
from iskra.core.uploads import too_large
from iskra.core.web import domain_view, form_view, keep_form, post_action
from iskra.press import images, letters, pictures
from iskra.press.forms import ImageForm, SendInForm
from iskra.press.models import Article, Image
from iskra.press.permissions import (
    can_edit_text,
    can_read,
    load_desk_article,
    load_publication,
    role_of,
)
from iskra.press.views import _article_url, _user


@require_POST
@domain_view
def picture(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    if not can_edit_text(user, item):
        raise Denied("You may not change this article now.")
    back = redirect(_article_url(item) + "#picture")
    form = ImageForm(request.POST, request.FILES)
    size = too_large(request)
    if size:
        return keep_form(request, "image", form, back, images.too_large(size))
    if not form.is_valid():
        return keep_form(request, "image", form, back)
    upload = form.cleaned_data["image"]
    if upload is None:
        return keep_form(request, "image", form, back, "Choose a picture to send.")
    try:
        pictures.attach_image(
            actor=user,
            article=item,
            source=upload,
            size=upload.size,
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
        )
    except DomainError as exc:
        if isinstance(exc, Denied):
            raise
        return keep_form(request, "image", form, back, exc.message)
    messages.success(request, "The picture is on the article (resized, its EXIF removed).")
    return back


@require_POST
@domain_view
def remove_picture(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    return post_action(
        request,
        lambda: pictures.remove_image(actor=user, article=item),
        then=redirect(_article_url(item) + "#picture"),
        success="The picture is off the article.",
    )


@require_GET
@login_not_required
@domain_view
def image(request: HttpRequest, image_id: int, digest: str) -> HttpResponseBase:
    """A picture: for whoever may read its publication once an article showing it is
    published; before that (or after it is taken down), for the publication's staff only. Its
    address names its digest, so it cannot be guessed either way."""
    picture = Image.objects.select_related("publication").filter(pk=image_id).first()
    if picture is None or picture.digest != digest:
        raise NotFound("No such picture.")
    shown = picture.articles.filter(state=Article.State.PUBLISHED).exists()
    if not (
        (shown and can_read(request.user, picture.publication))
        or role_of(request.user, picture.publication) is not None
    ):
        raise NotFound("No such picture.")
    response = HttpResponse(bytes(picture.data), content_type=picture.content_type)
    if shown and picture.publication.is_public and not request.user.is_authenticated:
        # A day, not a year: a picture taken down with its article leaves shared caches soon.
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, no-store"  # signed in
    return response


@require_http_methods(["GET", "POST"])
@domain_view
def send_in(request: HttpRequest, slug: str) -> HttpResponseBase:
    user = _user(request)
    publication = load_publication(user, slug)
    here = reverse("press:send_in", args=[publication.slug])
    return form_view(
        request,
        SendInForm(request.POST or None),
        save=lambda f: letters.send_in(
            actor=user,
            publication=publication,
            kind=f.cleaned_data["kind"],
            title=f.cleaned_data["title"],
            body=f.cleaned_data["body"],
            byline=f.cleaned_data["byline"],
        ),
        done=lambda a: redirect(here),
        success=lambda a: (
            f"Sent: the editors of {publication.name} will read your "
            f"{a.get_kind_display().lower()}. You will be told what they decide."
        ),
        template="press/send_in.html",
        context={
            "publication": publication,
            "sent": list(letters.sent_by(user, publication)[:20]),
        },
    )
