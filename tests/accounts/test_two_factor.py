"""The two-factor bypass paths (issue 9, point 9): each one as an attacker or a late officer
would try it, and recovery codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iskra.accounts import services
from iskra.accounts.models import PersonalAccessToken, User
from iskra.audit.models import AuditEntry
from iskra.core.errors import DomainError, PermissionDenied
from iskra.organisation import services as org
from iskra.organisation.models import Organisation, Seat
from tests.conftest import World

PASSWORD = "correct horse battery"
CODE_RE = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>")


def policy_on() -> None:
    Organisation.objects.update(require_2fa_for_officers=True)


def login(client: Client, email: str) -> str:
    response = client.post("/accounts/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def enrol(user: User) -> tuple[pyotp.TOTP, list[str]]:
    device = services.start_totp_setup(user=user)
    totp = pyotp.TOTP(services.totp_secret(device))
    _, codes = services.confirm_totp(user=user, code=totp.now())
    return totp, codes


def later(seconds: int = 65) -> time_machine.travel:
    """A new time step, so a fresh code is not a replay of the last one."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds))


def assert_refused_api(response: object, word: str) -> None:
    assert response.status_code == 403  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"detail"}
    assert word in body["detail"]


# --- an officer who has not enrolled reaches only the enrolment page --------------------------


def test_unenrolled_officer_reaches_only_enrolment_and_logout(client: Client, world: World) -> None:
    policy_on()
    assert login(client, "secretary@example.org") == "/"
    for path in ("/", "/members/", "/accounts/profile/", f"/units/{world.branch_a.pk}/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200
    # The API with the session cookie says why, as JSON.
    assert_refused_api(client.get("/api/v1/me"), "two-factor")
    assert_refused_api(client.get("/api/v1/members"), "two-factor")
    # No token can be minted, not even by posting the form directly.
    response = client.post("/accounts/tokens/", {"name": "x", "confirmation": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    assert not PersonalAccessToken.objects.exists()
    with pytest.raises(PermissionDenied):
        services.create_token(user=world.secretary, name="x", confirmation=PASSWORD)
    # Signing out still works.
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_policy_applies_to_sessions_opened_before_it(client: Client, world: World) -> None:
    login(client, "secretary@example.org")
    assert client.get("/members/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    policy_on()
    assert client.get("/members/")["Location"] == "/accounts/two-factor/"
    assert_refused_api(client.get("/api/v1/me"), "two-factor")


def test_policy_applies_to_someone_appointed_after_signing_in(client: Client, world: World) -> None:
    policy_on()
    login(client, "member@example.org")
    assert client.get("/").status_code == 200
    org.appoint_to_seat(
        actor=world.admin,
        seat=Seat.objects.get(title="Branch A Secretary"),
        holder=world.member,
        started_on=timezone.localdate(),
    )
    assert client.get("/")["Location"] == "/accounts/two-factor/"
    assert_refused_api(client.get("/api/v1/me"), "two-factor")


def test_token_made_before_the_policy_stops_until_enrolment(client: Client, world: World) -> None:
    _, raw = services.create_token(user=world.secretary, name="old", confirmation=PASSWORD)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    policy_on()
    assert_refused_api(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}"), "two-factor")
    enrol(world.secretary)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_enrolling_opens_the_session(client: Client, world: World) -> None:
    policy_on()
    login(client, "secretary@example.org")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=world.secretary)
    response = client.post(
        "/accounts/two-factor/", {"code": pyotp.TOTP(services.totp_secret(device)).now()}
    )
    assert response.status_code == 200
    assert client.get("/members/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


# --- a session that has not passed the second factor -----------------------------------------


def test_session_without_second_factor_must_enter_a_code(client: Client, world: World) -> None:
    totp, _ = enrol(world.member)
    # A session opened with the password alone (e.g. before two-factor was turned on in
    # another browser): nothing but the code page.
    client.force_login(world.member)
    assert client.get("/")["Location"] == "/accounts/login/code/"
    assert client.get("/accounts/two-factor/")["Location"] == "/accounts/login/code/"
    assert_refused_api(client.get("/api/v1/me"), "two-factor")
    with later():
        response = client.post("/accounts/login/code/", {"code": totp.now()})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/me").status_code == 200


# --- tokens need a fresh second factor ------------------------------------------------------


def test_token_needs_a_current_code_when_two_factor_is_on(client: Client, world: World) -> None:
    totp, _ = enrol(world.member)
    login(client, "member@example.org")
    with later():
        client.post("/accounts/login/code/", {"code": totp.now()})
        # The session has passed the second factor, but the token still needs a fresh code:
        # the password is not enough, nor is a wrong code.
        response = client.post("/accounts/tokens/", {"name": "t", "confirmation": PASSWORD})
        assert response.status_code == 200
        assert "authenticator" in response.content.decode()
        assert 'value="t"' in response.content.decode()  # what was typed is kept
        assert not PersonalAccessToken.objects.exists()
    with later(200):
        response = client.post("/accounts/tokens/", {"name": "t", "confirmation": totp.now()})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/tokens/new/"
    assert PersonalAccessToken.objects.filter(user=world.member).count() == 1
    # The code just used cannot be used again for a second token.
    with pytest.raises(DomainError), later(200):
        services.create_token(user=world.member, name="again", confirmation=totp.now())


# --- throttling of the second factor is not reset by the password ---------------------------


def test_password_success_does_not_reset_code_failures(client: Client, world: World) -> None:
    totp, _ = enrol(world.member)
    login(client, "member@example.org")
    wrong = "000000" if totp.now() != "000000" else "111111"
    for seconds in (0, 2, 5):
        with later(seconds):
            client.post("/accounts/login/code/", {"code": wrong})
    device = TOTPDevice.objects.get(user=world.member)
    assert device.throttling_failure_count == 3
    # Signing in with the password again does not give fresh guesses.
    fresh = Client()
    login(fresh, "member@example.org")
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    with later(6):
        response = fresh.post("/accounts/login/code/", {"code": totp.now()})
        assert response.status_code == 200
        assert "Too many wrong codes" in response.content.decode()
    with later(70):
        assert fresh.post("/accounts/login/code/", {"code": totp.now()}).status_code == 302


# --- recovery codes -------------------------------------------------------------------------


def test_recovery_codes_are_hashed_work_once_and_say_so(client: Client, world: World) -> None:
    _, codes = enrol(world.member)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    login(client, "member@example.org")
    response = client.post("/accounts/login/code/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="account.recovery_code_used").exists()
    assert services.recovery_codes_left(world.member) == 9
    other = Client()
    login(other, "member@example.org")
    with later(2):
        response = other.post("/accounts/login/code/", {"code": codes[0]})
    assert response.status_code == 200
    assert "This recovery code has already been used" in response.content.decode()
    with later(5):
        assert other.post("/accounts/login/code/", {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old(client: Client, world: World) -> None:
    totp, old = enrol(world.member)
    login(client, "member@example.org")
    with later():
        client.post("/accounts/login/code/", {"code": totp.now()})
    with later(200):
        response = client.post("/accounts/two-factor/recovery-codes/", {"code": totp.now()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = CODE_RE.findall(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(DomainError, match="not right"), later(300):
        services.verify_second_factor(user=world.member, code=old[0])
    with later(400):
        services.verify_second_factor(user=world.member, code=new[0])


# --- the data migration carries existing authenticators over --------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_carries_confirmed_secrets_over() -> None:
    executor = MigrationExecutor(connection)
    before = [("accounts", "0004_postcode_search_trigram_idx")]
    after = [("accounts", "0005_two_factor_django_otp")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_user = old_apps.get_model("accounts", "User")
    old_device = old_apps.get_model("accounts", "TOTPDevice")
    confirmed = old_user.objects.create(email="c@example.org", full_name="C", password="x")
    pending = old_user.objects.create(email="p@example.org", full_name="P", password="x")
    secret = pyotp.random_base32()
    old_device.objects.create(user=confirmed, secret=secret, confirmed_at=timezone.now())
    old_device.objects.create(user=pending, secret=pyotp.random_base32())
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    device = TOTPDevice.objects.get(user_id=confirmed.pk)
    assert device.confirmed
    assert not TOTPDevice.objects.filter(user_id=pending.pk).exists()
    # The same authenticator app goes on working.
    assert device.verify_token(pyotp.TOTP(secret).now())
    # Back to today's schema, so that every table the users reach exists again.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    User.objects.all().delete()
