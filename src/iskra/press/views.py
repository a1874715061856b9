"""The editor's desk: publications' queues, writing and editing articles, the workflow's steps,
comments, revisions, editions and staff. The public site is ``views_public``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Denied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from iskra.accounts.models import User
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import domain_view, form_view, keep_form, kept_form, post_action
from iskra.organisation.models import Unit
from iskra.organisation.permissions import officer_scope_q
from iskra.press import selectors, services
from iskra.press.forms import (
    ArticleForm,
    CommentForm,
    EditionForm,
    ImageForm,
    PlaceForm,
    PublicationForm,
    SectionForm,
    StaffForm,
    StepForm,
)
from iskra.press.models import Article, Revision
from iskra.press.permissions import (
    can_edit_text,
    can_manage_staff,
    is_editor,
    load_desk,
    load_desk_article,
    load_edition,
    role_of,
)
from iskra.press.workflow import BY_NAME, STEPS


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _article_url(article: Article) -> str:
    return reverse("press:article", args=[article.pk])


@domain_view
def desk_home(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    return render(
        request,
        "press/desk_home.html",
        {
            "publications": selectors.desk_publications(user),
            "can_start": Unit.objects.filter(officer_scope_q(user, "path")).exists()
            or user.is_superuser,
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def new_publication(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    units = (
        Unit.objects.all()
        if user.is_superuser
        else Unit.objects.filter(officer_scope_q(user, "path"))
    )
    if not units.exists():
        raise Denied("Only officers start publications.")
    form = PublicationForm(request.POST or None, units=units.order_by("path"))
    return form_view(
        request,
        form,
        save=lambda f: services.create_publication(
            actor=user,
            unit=f.cleaned_data["unit"],
            name=f.cleaned_data["name"],
            tagline=f.cleaned_data["tagline"],
            is_public=f.cleaned_data["is_public"],
            sub_editing=f.cleaned_data["sub_editing"],
            print_format=f.cleaned_data["print_format"],
        ),
        done=lambda p: redirect("press:staff", p.pk),
        success=lambda p: f"{p.name} is started: appoint its editors and writers.",
        context={"title": "Start a publication", "submit": "Start it"},
    )


@domain_view
def desk(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    kind = role_of(user, publication)
    return render(
        request,
        "press/desk.html",
        {
            "publication": publication,
            "kind": kind,
            "queue": [
                (value, label, rows.get(value, []))
                for rows in [selectors.queue(user, publication) if kind else {}]
                for value, label in Article.State.choices
            ],
            "editions": selectors.editions(publication)[:6],
            "is_editor": is_editor(user, publication),
            "can_manage_staff": can_manage_staff(user, publication),
            "steps": STEPS,
            "section_form": SectionForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def write(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    if role_of(user, publication) is None:
        raise Denied(f"Only the staff of {publication.name} write for it.")
    form = ArticleForm(request.POST or None, publication=publication)
    form.fields.pop("note")
    return form_view(
        request,
        form,
        save=lambda f: services.write_article(
            actor=user,
            publication=publication,
            title=f.cleaned_data["title"],
            standfirst=f.cleaned_data["standfirst"],
            body=f.cleaned_data["body"],
            section=f.cleaned_data["section"],
            byline=f.cleaned_data["byline"],
        ),
        done=lambda a: redirect(_article_url(a)),
        success="Saved as a draft. Submit it for editing when it is ready.",
        template="press/write.html",
        context={"publication": publication, "title": f"Write for {publication.name}"},
    )


@domain_view
def article(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    editor = is_editor(user, item.publication)
    return render(
        request,
        "press/article_desk.html",
        {
            "article": item,
            "publication": item.publication,
            "steps": selectors.steps_for(user, item),
            "can_edit": can_edit_text(user, item),
            "editing": services.lock_holder(item),
            "comments": list(item.comments.select_related("author")),
            "revisions": list(item.revisions.select_related("author")[:50]),
            "comment_form": kept_form(request, "comment", CommentForm),
            "image_form": kept_form(request, "image", ImageForm),
            "place_form": PlaceForm(
                publication=item.publication,
                initial={"edition": item.edition_id, "is_lead": item.is_lead},
            )
            if editor
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@domain_view
def edit(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    if not can_edit_text(user, item):
        raise Denied("You may not change this article now.")
    latest = item.revisions.order_by("-number").values_list("number", flat=True).first()
    if request.method == "GET":
        try:
            services.take_lock(actor=user, article=item)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_article_url(item))
    form = ArticleForm(
        request.POST or None,
        publication=item.publication,
        initial={
            "title": item.title,
            "standfirst": item.standfirst,
            "body": item.body,
            "section": item.section_id,
            "byline": item.byline,
            "base_revision": latest,
        },
    )
    return form_view(
        request,
        form,
        save=lambda f: services.save_text(
            actor=user,
            article=item,
            title=f.cleaned_data["title"],
            standfirst=f.cleaned_data["standfirst"],
            body=f.cleaned_data["body"],
            section=f.cleaned_data["section"],
            byline=f.cleaned_data["byline"],
            note=f.cleaned_data["note"],
            base_revision=f.cleaned_data["base_revision"],
        ),
        done=lambda r: redirect(_article_url(item)),
        success=lambda r: f"Saved as revision {r.number}." if r else "Nothing had changed.",
        template="press/write.html",
        context={
            "publication": item.publication,
            "article": item,
            "title": f"Edit “{item.title}”",
        },
    )


@require_POST
@domain_view
def stop_editing(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    services.release_lock(actor=user, article=item)
    messages.success(request, "You have stopped editing it; others may now.")
    return redirect(_article_url(item))


@require_http_methods(["GET", "POST"])
@domain_view
def step(request: HttpRequest, article_id: int, name: str) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    chosen = BY_NAME.get(name)
    if chosen is None:
        raise NotFound("No such step.")
    form = StepForm(request.POST or None)
    if not chosen.needs_reason:
        form.fields.pop("reason")
    else:
        form.fields["reason"].required = True
    if not chosen.needs_time:
        form.fields.pop("at")
    else:
        form.fields["at"].required = True
    if request.method == "POST" and not (chosen.needs_reason or chosen.needs_time):
        return post_action(
            request,
            lambda: services.take_step(actor=user, article=item, step=name),
            then=redirect(_article_url(item)),
            success=lambda a: f"“{a.title}” is now {a.get_state_display().lower()}.",
        )
    return form_view(
        request,
        form,
        save=lambda f: services.take_step(
            actor=user,
            article=item,
            step=name,
            reason=f.cleaned_data.get("reason") or "",
            at=f.cleaned_data.get("at"),
        ),
        done=lambda a: redirect(_article_url(a)),
        success=lambda a: f"“{a.title}” is now {a.get_state_display().lower()}.",
        template="press/step.html",
        context={"article": item, "step": chosen, "title": f"{chosen.label}: “{item.title}”"},
    )


@require_POST
@domain_view
def add_comment(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    back = redirect(_article_url(item) + "#comments")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return keep_form(request, "comment", form, back)
    return post_action(
        request,
        lambda: services.comment(actor=user, article=item, body=form.cleaned_data["body"]),
        then=back,
        success="Comment added.",
    )


@require_POST
@domain_view
def place(request: HttpRequest, article_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    form = PlaceForm(request.POST, publication=item.publication)
    back = redirect(_article_url(item))
    if not form.is_valid():
        messages.error(request, "Choose one of the publication's editions.")
        return back
    return post_action(
        request,
        lambda: services.place_in_edition(
            actor=user,
            article=item,
            edition=form.cleaned_data["edition"],
            is_lead=form.cleaned_data["is_lead"],
        ),
        then=back,
        success=lambda a: (
            f"In number {a.edition.number}{' as the lead story' if a.is_lead else ''}."
            if a.edition
            else "Not in any edition."
        ),
    )


@domain_view
def revision(request: HttpRequest, article_id: int, number: int) -> HttpResponseBase:
    user = _user(request)
    item = load_desk_article(user, article_id)
    rev = Revision.objects.select_related("author").filter(article=item, number=number).first()
    if rev is None:
        raise NotFound("No such revision.")
    return render(
        request,
        "press/revision.html",
        {"article": item, "revision": rev, "diff": selectors.diff(rev)},
    )


@require_http_methods(["GET", "POST"])
@domain_view
def new_edition(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    if not is_editor(user, publication):
        raise Denied("Only the publication's editors make editions.")
    last = publication.editions.order_by("-number").first()
    form = EditionForm(request.POST or None, initial={"number": (last.number + 1) if last else 1})
    return form_view(
        request,
        form,
        save=lambda f: services.create_edition(
            actor=user,
            publication=publication,
            number=f.cleaned_data["number"],
            on=f.cleaned_data["date"],
            pages=f.cleaned_data["pages"],
        ),
        done=lambda e: redirect("press:edition", e.pk),
        success=lambda e: f"Number {e.number} is started: place articles in it from their pages.",
        context={"title": f"A new edition of {publication.name}", "submit": "Start it"},
    )


@domain_view
def edition(request: HttpRequest, edition_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_edition(user, edition_id)
    return render(
        request,
        "press/edition_desk.html",
        {
            "edition": item,
            "publication": item.publication,
            "articles": selectors.edition_articles(item, published_only=False),
            "is_editor": is_editor(user, item.publication),
        },
    )


@require_POST
@domain_view
def publish_edition(request: HttpRequest, edition_id: int) -> HttpResponseBase:
    user = _user(request)
    item = load_edition(user, edition_id)
    return post_action(
        request,
        lambda: services.publish_edition(actor=user, edition=item),
        then=redirect("press:edition", item.pk),
        success=lambda e: f"Number {e.number} is published, with its articles.",
    )


@require_http_methods(["GET", "POST"])
@domain_view
def staff(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    allowed = can_manage_staff(user, publication)
    if request.method == "POST" and not allowed:
        raise Denied(f"Only officers of {publication.unit.name} appoint its staff.")

    def save(form: StaffForm) -> Any:
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            raise services.FieldError("email", "No member has that email address.")
        return services.set_role(
            actor=user, publication=publication, user=person, kind=form.cleaned_data["kind"]
        )

    return form_view(
        request,
        StaffForm(request.POST or None),
        save=save,
        done=lambda r: redirect("press:staff", publication.pk),
        success=lambda r: f"{r.user.full_name} is now {r.get_kind_display().lower()}.",
        template="press/staff.html",
        context={
            "publication": publication,
            "staff": selectors.staff(publication),
            "can_manage": allowed,
        },
    )


@require_POST
@domain_view
def remove_staff(request: HttpRequest, publication_id: int, user_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound("No such person on the staff.")
    return post_action(
        request,
        lambda: services.set_role(actor=user, publication=publication, user=person, kind=None),
        then=redirect("press:staff", publication.pk),
        success=f"{person.full_name} is no longer on the staff.",
    )


@require_POST
@domain_view
def add_section(request: HttpRequest, publication_id: int) -> HttpResponseBase:
    user = _user(request)
    publication = load_desk(user, publication_id)
    if not is_editor(user, publication):
        raise Denied("Only the publication's editors add sections.")
    form = SectionForm(request.POST)
    back = redirect("press:desk", publication.pk)
    if not form.is_valid():
        messages.error(request, "Give the section a name (up to 60 characters).")
        return back
    return post_action(
        request,
        lambda: services.add_section(
            actor=user, publication=publication, name=form.cleaned_data["name"]
        ),
        then=back,
        success=lambda s: f"Section “{s.name}” added.",
    )
