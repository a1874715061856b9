"""Sign-in, rate limiting, two-factor, personal access tokens and password reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts import services
from iskra.accounts.models import PersonalAccessToken
from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError
from iskra.organisation.models import Organisation
from tests.conftest import World

PASSWORD = "correct horse battery"


def login(client: Client, email: str, password: str = PASSWORD) -> object:
    return client.post("/accounts/login/", {"email": email, "password": password})


# --- password sign-in -------------------------------------------------------------------------


def test_login_success_and_wrong_password(client: Client, world: World) -> None:
    response = login(client, "member@example.org", "wrong password")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "do not match" in response.content.decode()  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302
    response = login(client, "MEMBER@example.org")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == "/"  # type: ignore[index]
    assert client.get("/").status_code == 200
    # A success clears the failures of that address from this client (django-axes).
    assert not AccessAttempt.objects.filter(username="member@example.org").exists()


def test_login_honours_safe_next_only(client: Client, world: World) -> None:
    response = client.post(
        "/accounts/login/?next=/membership/", {"email": "member@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/membership/"
    client.logout()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"email": "member@example.org", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_unknown_email_gives_same_message(client: Client, world: World) -> None:
    response = login(client, "nobody@example.org")
    assert "do not match" in response.content.decode()  # type: ignore[attr-defined]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_rate_limit_after_failures(client: Client, world: World) -> None:
    for _ in range(2):
        assert "do not match" in login(client, "member@example.org", "bad").content.decode()  # type: ignore[attr-defined]
    # The third failure locks this address out for this email address (django-axes)...
    assert login(client, "member@example.org", "bad").status_code == 429  # type: ignore[attr-defined]
    # ...and then even the right password is refused from here.
    response = login(client, "member@example.org")
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed attempts" in response.content.decode()  # type: ignore[attr-defined]
    assert 'value="member@example.org"' in response.content.decode()  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302
    # The same person from another address is not locked out: a stranger's failures never
    # lock a correct password out for everyone.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert login(other, "member@example.org").status_code == 302  # type: ignore[attr-defined]
    # After the window the member can sign in again from the first address too.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert login(client, "member@example.org").status_code == 302  # type: ignore[attr-defined]


def test_logout_requires_post(client: Client, world: World) -> None:
    client.force_login(world.member)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


# --- two-factor -------------------------------------------------------------------------------


def _enable_totp(client: Client, world: World) -> pyotp.TOTP:
    client.force_login(world.member)
    response = client.get("/accounts/two-factor/")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=world.member)
    assert services.totp_secret(device) in response.content.decode()
    totp = pyotp.TOTP(services.totp_secret(device))
    response = client.post(
        "/accounts/two-factor/", {"code": "000000" if totp.now() != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        response = client.post("/accounts/two-factor/", {"code": totp.now()})
    # The recovery codes are shown once, on the answer itself.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert (
        len(
            re.findall(
                r"<code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</code>", response.content.decode()
            )
        )
        == 10
    )
    assert TOTPDevice.objects.get(user=world.member).confirmed
    assert AuditEntry.objects.filter(action="account.2fa_on", actor=world.member).exists()
    client.logout()
    return totp


def test_totp_setup_then_sign_in_requires_code(client: Client, world: World) -> None:
    totp = _enable_totp(client, world)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = login(client, "member@example.org")
        assert response["Location"] == "/accounts/login/code/"  # type: ignore[index]
        # Not signed in yet.
        assert client.get("/").status_code == 302
        response = client.post("/accounts/login/code/", {"code": "12345x"})
        assert response.status_code == 200
        assert "not right" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=64)):
        response = client.post("/accounts/login/code/", {"code": totp.now()})
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_totp_code_cannot_be_replayed(world: World) -> None:
    device = services.start_totp_setup(user=world.member)
    code = pyotp.TOTP(services.totp_secret(device)).now()
    services.confirm_totp(user=world.member, code=code)
    assert services.check_totp(user=world.member, code=code) is False


def test_code_page_without_password_step_redirects(client: Client, world: World) -> None:
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_disable_totp_needs_current_code(client: Client, world: World) -> None:
    device = services.start_totp_setup(user=world.member)
    totp = pyotp.TOTP(services.totp_secret(device))
    services.confirm_totp(user=world.member, code=totp.now())
    with pytest.raises(DomainError):
        services.disable_totp(user=world.member, code="000000")
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        services.disable_totp(user=world.member, code=totp.now())
    assert not TOTPDevice.objects.filter(user=world.member).exists()


def test_confirmed_device_cannot_be_set_up_again(world: World) -> None:
    device = services.start_totp_setup(user=world.member)
    services.confirm_totp(user=world.member, code=pyotp.TOTP(services.totp_secret(device)).now())
    with pytest.raises(DomainError, match="already on"):
        services.start_totp_setup(user=world.member)


def test_required_2fa_redirects_officer_not_member(client: Client, world: World) -> None:
    Organisation.objects.update(require_2fa_for_officers=True)
    client.force_login(world.secretary)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    # The set-up page itself is reachable.
    assert client.get("/accounts/two-factor/").status_code == 200
    member = Client()
    member.force_login(world.member)
    assert member.get("/").status_code == 200


def test_2fa_not_required_when_policy_off(client: Client, world: World) -> None:
    client.force_login(world.secretary)
    assert client.get("/").status_code == 200


def test_officer_password_login_with_policy_on_then_setup(client: Client, world: World) -> None:
    Organisation.objects.update(require_2fa_for_officers=True)
    assert login(client, "secretary@example.org")["Location"] == "/"  # type: ignore[index]
    assert client.get("/members/")["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200
    device = TOTPDevice.objects.get(user=world.secretary)
    client.post("/accounts/two-factor/", {"code": pyotp.TOTP(services.totp_secret(device)).now()})
    assert client.get("/members/").status_code == 200


# --- tokens -----------------------------------------------------------------------------------


def test_token_create_and_revoke_on_profile(client: Client, world: World) -> None:
    client.force_login(world.member)
    response = client.post(
        "/accounts/tokens/", {"name": "spreadsheet", "confirmation": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/tokens/new/"
    # The token is shown once: reloading the page shows it no more and creates nothing.
    first_page = response.content.decode()
    raw_once = re.search(r"isk_[A-Za-z0-9_\-]{20,}", first_page)
    assert raw_once is not None
    again = client.get("/accounts/tokens/new/", follow=True)
    assert raw_once.group(0) not in again.content.decode()
    assert PersonalAccessToken.objects.filter(user=world.member).count() == 1
    raw = re.search(r"isk_[A-Za-z0-9_\-]+", response.content.decode())
    assert raw is not None
    token = PersonalAccessToken.objects.get(user=world.member)
    # Only a hash is stored.
    assert raw.group(0) not in (token.token_hash, token.prefix)
    assert token.token_hash == services.hash_token(raw.group(0))
    api = Client()
    ok = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw.group(0)}")
    assert ok.status_code == 200
    assert ok.json()["email"] == "member@example.org"
    assert "spreadsheet" in client.get("/accounts/profile/").content.decode()
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert PersonalAccessToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke", actor=world.member).exists()
    revoked = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw.group(0)}")
    assert revoked.status_code == 401
    assert set(revoked.json()) == {"detail"}


def test_token_revoke_of_someone_elses_token_refused(client: Client, world: World) -> None:
    token, _ = services.create_token(user=world.secretary, name="mine", confirmation=PASSWORD)
    client.force_login(world.member)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert PersonalAccessToken.objects.get(pk=token.pk).revoked_at is None


def test_token_needs_name(client: Client, world: World) -> None:
    client.force_login(world.member)
    assert (
        client.post("/accounts/tokens/", {"name": "", "confirmation": PASSWORD}).status_code == 200
    )
    with pytest.raises(DomainError):
        services.create_token(user=world.member, name="  ", confirmation=PASSWORD)
    assert not PersonalAccessToken.objects.exists()


def test_unknown_and_malformed_tokens_401(client: Client, world: World) -> None:
    for header in ("Bearer isk_nope", "Bearer nonsense", "Basic abc"):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert "detail" in response.json()


def test_token_of_inactive_user_refused(client: Client, world: World) -> None:
    _, raw = services.create_token(user=world.member, name="t", confirmation=PASSWORD)
    type(world.member).objects.filter(pk=world.member.pk).update(is_active=False)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


# --- profile and password reset -------------------------------------------------------------


def test_profile_update(client: Client, world: World) -> None:
    client.force_login(world.member)
    response = client.post(
        "/accounts/profile/",
        {"full_name": "Mo New", "pronouns": "they/them", "consent_email": "on"},
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.full_name == "Mo New"
    assert AuditEntry.objects.filter(action="profile.update", actor=world.member).exists()
    response = client.post("/accounts/profile/", {"full_name": ""})
    assert response.status_code == 200


def test_password_reset_email(
    client: Client, world: World, django_capture_on_commit_callbacks: object
) -> None:
    response = client.post("/accounts/password-reset/", {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.org"]
    assert "/accounts/reset/" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    # Unknown addresses get the same answer and no email.
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_link_sets_password(client: Client, world: World) -> None:
    client.post("/accounts/password-reset/", {"email": "member@example.org"})
    link = re.search(r"/accounts/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    assert link is not None
    response = client.get(link.group(0), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a brand new secret 9", "new_password2": "a brand new secret 9"}
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.check_password("a brand new secret 9")


def test_invite_sends_setup_link(world: World, django_capture_on_commit_callbacks: object) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.invite(actor=world.secretary, user=world.member)
    assert mail.outbox[0].to == ["member@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="account.invite", actor=world.secretary).exists()
    with pytest.raises(DomainError):
        services.invite(actor=world.other_secretary, user=world.member)
