"""Changing one's own password and email address from the profile (issue 11, point 13)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from iskra.accounts import account_changes
from iskra.accounts.models import EmailChange, User
from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError
from iskra.core.web import FieldError
from tests.conftest import World, fresh

PASSWORD = "correct horse battery"
NEW = "a brand new secret 9"


def _link(body: str) -> str:
    found = re.search(r"/accounts/email/confirm/[^/\s]+/", body)
    assert found is not None, body
    return found.group(0)


def test_password_change_needs_the_current_password(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    member = fresh(world.member)
    with pytest.raises(FieldError) as refused:
        account_changes.change_password(user=member, current="wrong", new=NEW)
    assert refused.value.field == "old_password"
    with pytest.raises(FieldError):
        account_changes.change_password(user=member, current=PASSWORD, new="123")  # too weak
    with django_capture_on_commit_callbacks(execute=True):
        account_changes.change_password(user=member, current=PASSWORD, new=NEW)
    assert fresh(world.member).check_password(NEW)
    assert AuditEntry.objects.filter(action="account.password_change").count() == 1
    assert any("password was changed" in m.body for m in mail.outbox)


def test_password_page_keeps_this_session_and_signs_out_others(world: World) -> None:
    here, elsewhere = Client(), Client()
    here.force_login(world.member)
    elsewhere.force_login(world.member)
    # A refusal keeps the page with its error (and nothing changes).
    wrong = here.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong.status_code == 200
    assert b"current password" in wrong.content.lower()
    assert fresh(world.member).check_password(PASSWORD)
    done = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert b"Your password has changed" in done.content
    assert here.get("/").status_code == 200  # still signed in here
    assert elsewhere.get("/").status_code == 302  # signed out elsewhere


def test_email_change_waits_for_the_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(world.member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/email/",
            {"new_email": "Mo.New@example.org", "password": PASSWORD},
            follow=True,
        )
    assert b"We have sent a link to mo.new@example.org" in response.content
    assert fresh(world.member).email == "member@example.org"  # not yet
    to_new = next(m for m in mail.outbox if m.to == ["mo.new@example.org"])
    to_old = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert "mo.new@example.org" in to_old.body
    link = _link(to_new.body)
    # Opening the link changes nothing (a mail scanner may open it); the button does.
    assert client.get(link).status_code == 200
    assert fresh(world.member).email == "member@example.org"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link, follow=True)
    assert b"Your email address is now mo.new@example.org" in confirmed.content
    assert fresh(world.member).email == "mo.new@example.org"
    assert [m.to for m in mail.outbox] == [["member@example.org"]]  # the old address is told
    assert AuditEntry.objects.filter(action="account.email_change").exists()
    # The link works once.
    again = client.post(link)
    assert again.status_code == 400
    assert b"already been used" in again.content


def test_email_change_refusals_keep_what_was_typed(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    taken = client.post(
        "/accounts/email/", {"new_email": "secretary@example.org", "password": PASSWORD}
    )
    assert taken.status_code == 200
    assert b"Another account uses that address" in taken.content
    assert b'value="secretary@example.org"' in taken.content
    wrong = client.post("/accounts/email/", {"new_email": "x@example.org", "password": "no"})
    assert b"That is not your current password" in wrong.content
    assert b'value="x@example.org"' in wrong.content
    assert not mail.outbox


def _request(user: User, new_email: str) -> str:
    """Ask for a change as the profile page does; return the link's token as the task makes it."""
    from iskra.accounts.email_links import email_change_token

    account_changes.request_email_change(user=user, new_email=new_email, password=PASSWORD)
    change = EmailChange.objects.filter(user=user).latest("pk")
    return email_change_token(User.objects.get(pk=user.pk), new_email, change.pk)


def test_forged_or_stale_links_are_refused(world: World) -> None:
    with pytest.raises(DomainError, match="not valid"):
        account_changes.confirm_email_change(token="forged:token")
    member = fresh(world.member)
    first = _request(member, "one@example.org")
    second = _request(member, "two@example.org")
    account_changes.confirm_email_change(token=second)
    with pytest.raises(DomainError, match="already been used"):
        account_changes.confirm_email_change(token=first)
    assert User.objects.get(pk=member.pk).email == "two@example.org"
    # Signed out, the link still works and then asks to sign in.
    third = _request(User.objects.get(pk=member.pk), "three@example.org")
    response = Client().post(f"/accounts/email/confirm/{third}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_newer_request_retires_the_earlier_link(world: World) -> None:
    """Found from outside: a link to a mistyped address stayed usable after a corrected request."""
    member = fresh(world.member)
    typo = _request(member, "typo@example.org")
    right = _request(member, "right@example.org")
    with pytest.raises(DomainError, match="replaced by a newer one"):
        account_changes.confirm_email_change(token=typo)
    assert User.objects.get(pk=member.pk).email == "member@example.org"
    account_changes.confirm_email_change(token=right)
    assert User.objects.get(pk=member.pk).email == "right@example.org"


def test_a_used_link_stays_dead_after_the_address_changes_back(world: World) -> None:
    """Found from outside: A→B, then B→A, and the first link worked again for three days."""
    member = fresh(world.member)
    to_b = _request(member, "b@example.org")
    account_changes.confirm_email_change(token=to_b)
    back = _request(User.objects.get(pk=member.pk), "member@example.org")
    account_changes.confirm_email_change(token=back)
    assert User.objects.get(pk=member.pk).email == "member@example.org"
    with pytest.raises(DomainError, match="already been used"):
        account_changes.confirm_email_change(token=to_b)
    assert User.objects.get(pk=member.pk).email == "member@example.org"


def test_one_pending_request_per_person_is_a_database_rule(world: World) -> None:
    """The rule reads its own rows (not the audit log), and the database holds it: a second
    pending request for the same person cannot be written, whatever the code does."""
    from django.db import IntegrityError, transaction

    member = fresh(world.member)
    _request(member, "one@example.org")
    _request(member, "two@example.org")
    states = list(EmailChange.objects.filter(user=member).order_by("pk").values_list("state"))
    assert states == [("replaced",), ("pending",)]
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailChange.objects.create(user=member, new_email="three@example.org")
