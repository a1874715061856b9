"""Tokens die with the password; making one asks for the password again; password-setup links
are never stored (issue 9, point 12)."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from iskra.accounts import services
from iskra.accounts.models import PersonalAccessToken, User
from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError
from tests.conftest import World

PASSWORD = "correct horse battery"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def api_status(raw: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_password_reset_revokes_tokens(client: Client, world: World) -> None:
    _, raw = services.create_token(user=world.member, name="sheet", confirmation=PASSWORD)
    _, other = services.create_token(user=world.secretary, name="sheet", confirmation=PASSWORD)
    assert api_status(raw) == 200
    client.post("/accounts/password-reset/", {"email": "member@example.org"})
    link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    assert link is not None
    form_url = client.get(link.group(0), follow=True).redirect_chain[-1][0]
    new = "a brand new secret 9"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert api_status(raw) == 401
    assert api_status(other) == 200  # someone else's tokens live on
    entry = AuditEntry.objects.get(action="account.password_change")
    assert entry.data == {"tokens_revoked": 1}


def test_any_password_change_revokes_tokens(world: World) -> None:
    _, raw = services.create_token(user=world.member, name="sheet", confirmation=PASSWORD)
    user = User.objects.get(pk=world.member.pk)
    user.full_name = "Renamed"
    user.save()  # other edits leave tokens alone
    assert api_status(raw) == 200
    user.set_password("another long password 7")
    user.save()
    assert api_status(raw) == 401
    assert not PersonalAccessToken.objects.filter(revoked_at__isnull=True).exists()


def test_token_asks_for_the_password_again(client: Client, world: World) -> None:
    client.force_login(world.member)
    for confirmation in ("", "wrong password"):
        response = client.post(
            "/accounts/tokens/", {"name": "my sheet", "confirmation": confirmation}
        )
        assert response.status_code == 200
        assert 'value="my sheet"' in response.content.decode()
    assert "password is not right" in response.content.decode()
    assert not PersonalAccessToken.objects.exists()
    with pytest.raises(DomainError):
        services.create_token(user=world.member, name="x", confirmation="nope")
    response = client.post("/accounts/tokens/", {"name": "my sheet", "confirmation": PASSWORD})
    assert response["Location"] == "/accounts/tokens/new/"


@override_settings(TASKS=DB_TASKS)
def test_invitation_task_holds_no_link(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invitation = services.invite(actor=world.secretary, user=world.member)
    rows = list(DBTaskResult.objects.all())
    assert len(rows) == 1
    stored = json.dumps(rows[0].args_kwargs)
    assert "reset" not in stored and "http" not in stored
    assert rows[0].args_kwargs["kwargs"] == {"invitation_id": invitation.pk}
    assert not mail.outbox  # sent by the worker, which builds the link then
    from iskra.accounts.tasks import send_invitation

    send_invitation.call(invitation_id=invitation.pk)
    assert re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
