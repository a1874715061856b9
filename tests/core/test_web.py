"""The views' shared skeleton (iskra.core.web): one view per verb at the old addresses, a
refused form that keeps what was typed and shows its own field errors, and a domain refusal
on the form it came from."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from iskra.accounts.models import User
from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot, Preset
from iskra.core.errors import DomainError, NotFound
from iskra.core.web import (
    CHECK_THE_FORM,
    FieldError,
    add_domain_error,
    errors_in_words,
    form_view,
    keep_form,
    kept_form,
    post_action,
)
from tests.conftest import World, fresh


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)
    note = forms.CharField(required=False)


def _request(method: str = "get", data: dict[str, Any] | None = None) -> Any:
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "post" else factory.get("/")
    request.session = SessionStore()
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def plain_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form alone, instead of the site's page (which needs a signed-in person)."""

    def render(request: Any, template: str, context: dict[str, Any]) -> HttpResponse:
        return HttpResponse(context["form"].as_p())

    monkeypatch.setattr("iskra.core.web.render", render)


@pytest.mark.usefixtures("plain_render")
def test_form_view_puts_a_refusal_on_the_form_and_keeps_what_was_typed() -> None:
    request = _request("post", {"name": "Ada", "note": "typed"})

    def save(form: NameForm) -> None:
        raise DomainError("Not today.")

    response = form_view(
        request, NameForm(request.POST), save=save, done=lambda _: pytest.fail("not done")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not today." in page
    assert 'value="typed"' in page


@pytest.mark.usefixtures("plain_render")
def test_form_view_shows_field_errors_without_calling_the_service() -> None:
    request = _request("post", {"name": "x" * 21})
    called = []
    response = form_view(
        request,
        NameForm(request.POST),
        save=lambda form: called.append(form),
        done=lambda _: pytest.fail("not done"),
    )
    assert called == []
    assert "at most 20 characters" in html.unescape(response.content.decode())


def test_form_view_on_success_says_so_and_answers_with_done() -> None:
    request = _request("post", {"name": "Ada"})
    response = form_view(
        request,
        NameForm(request.POST),
        save=lambda form: form.cleaned_data["name"],
        done=lambda name: _redirect(f"/done/{name}"),
        success=lambda name: f"Saved {name}.",
    )
    assert response.status_code == 302
    assert response["Location"] == "/done/Ada"
    assert [str(m) for m in get_messages(request)] == ["Saved Ada."]


def _redirect(to: str) -> Any:
    from django.shortcuts import redirect

    return redirect(to)


def test_a_field_error_lands_beside_its_field() -> None:
    form = NameForm({"name": "Ada"})
    form.is_valid()
    add_domain_error(form, FieldError("name", "Taken."))
    assert form.errors["name"] == ["Taken."]
    add_domain_error(form, FieldError("missing", "Above the fields."))
    assert form.non_field_errors() == ["Above the fields."]


def test_post_action_shows_a_refusal_and_lets_chosen_errors_through() -> None:
    request = _request("post")

    def refuse() -> None:
        raise DomainError("No.")

    def missing() -> None:
        raise NotFound("Gone.")

    assert post_action(request, refuse, then=_redirect("/back/")).status_code == 302
    assert [str(m) for m in get_messages(request)] == ["No."]
    with pytest.raises(NotFound):
        post_action(request, missing, then=_redirect("/back/"), propagate=(NotFound,))


def test_a_kept_form_comes_back_bound_once() -> None:
    request = _request("post", {"name": "x" * 21, "note": "typed"})
    keep_form(request, "page-form", NameForm(request.POST), _redirect("/back/"))
    assert [str(m) for m in get_messages(request)] == [CHECK_THE_FORM]
    assert kept_form(request, "another-form", NameForm).is_bound is False
    form = kept_form(request, "page-form", NameForm)
    assert form.is_bound and form.data["note"] == "typed" and "name" in form.errors
    assert kept_form(request, "page-form", NameForm).is_bound is False
    assert errors_in_words(form).startswith("Name: ")


# --- One view per verb, at the addresses of the old views ----------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("ballots:open", {"ballot_id": 7}, "/ballots/7/open/"),
        ("ballots:question", {"ballot_id": 7}, "/ballots/7/question/"),
        ("motions:rule_out", {"motion_id": 7}, "/motions/7/rule_out/"),
        ("motions:agree_composite", {"motion_id": 7}, "/motions/7/agree_composite/"),
        ("meetings:sign_in", {"meeting_id": 7}, "/meetings/7/sign-in/"),
        ("meetings:hands", {"meeting_id": 7}, "/meetings/7/hands/"),
        ("decisions:unpublish", {"decision_id": 7}, "/decisions/7/unpublish/"),
    ],
)
def test_each_verb_has_its_own_name_at_the_old_address(
    name: str, kwargs: dict[str, int], path: str
) -> None:
    assert reverse(name, kwargs=kwargs) == path


@pytest.mark.parametrize(
    "path", ["/ballots/1/frobnicate/", "/motions/1/frobnicate/", "/meetings/1/frobnicate/"]
)
def test_an_unknown_verb_is_not_found(world: World, path: str) -> None:
    client = Client()
    client.force_login(world.secretary)
    assert client.post(path).status_code == 404


@pytest.fixture
def draft(world: World) -> Ballot:
    now = timezone.now()
    return ballots.create_ballot(
        actor=fresh(world.secretary),
        unit=world.branch_a,
        title="Porters: strike ballot",
        preset=Preset.UK_INDUSTRIAL_ACTION,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Are you prepared to take part in strike action?",
    )


def test_a_refused_question_goes_back_with_its_field_errors_and_what_was_typed(
    world: World, draft: Ballot
) -> None:
    client = Client()
    client.force_login(world.secretary)
    typed = {"kind": "plurality", "text": "", "options": "Ann\nBob", "seats": "0"}
    response = client.post(f"/ballots/{draft.pk}/question/", typed)
    assert response.status_code == 302
    assert response["Location"] == f"/ballots/{draft.pk}/"
    assert draft.questions.count() == 1  # nothing added
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert CHECK_THE_FORM in page
    assert "This field is required." in page  # beside the question's text
    assert "greater than or equal to 1" in page  # beside the seats
    assert "Ann\nBob" in page  # the options as typed
    # Shown once: the next visit has an empty form again.
    again = html.unescape(client.get(response["Location"]).content.decode())
    assert "Ann\nBob" not in again


def test_a_refused_status_change_shows_its_field_errors_on_the_record(world: World) -> None:
    membership = world.member.membership
    client = Client()
    client.force_login(world.secretary)
    response = client.post(
        f"/members/{membership.pk}/status/", {"to_status": "lapsed", "reason": ""}
    )
    assert response.status_code == 302
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "This field is required." in page
    assert 'value="lapsed" selected' in page or 'value="lapsed"\n selected' in page
    assert User.objects.get(pk=world.member.pk).membership.status == "member"
