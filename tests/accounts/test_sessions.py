"""ASVS level 2 basics (issue 9, point 13): password rules, idle timeout, no-store caching, and
production refusing settings that leak."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from iskra.accounts import services
from iskra.members.models import Membership
from tests.conftest import World

PASSWORD = "correct horse battery"


# --- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["short pass1", "password1234", "qwertyuiop123", "123456789012345"]
)
def test_short_and_common_passwords_refused(world: World, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, world.member)


def test_long_uncommon_password_accepted(world: World) -> None:
    validate_password("twelve chars plus", world.member)


def test_reset_form_refuses_an_eleven_character_password(client: Client, world: World) -> None:
    from django.contrib.auth.forms import SetPasswordForm

    form = SetPasswordForm(
        world.member, {"new_password1": "abcdefgh1x!", "new_password2": "abcdefgh1x!"}
    )
    assert not form.is_valid()
    assert "at least 12 characters" in str(form.errors)


# --- idle timeout -------------------------------------------------------------------------


@override_settings(ISKRA_SESSION_IDLE_MINUTES=30)
def test_idle_session_is_signed_out_and_activity_slides(client: Client, world: World) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post("/accounts/login/", {"email": "member@example.org", "password": PASSWORD})
        assert client.get("/").status_code == 200
    # Activity every 20 minutes keeps the session open past 30 minutes in all.
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200, minutes
    # 31 minutes of silence end it.
    with time_machine.travel(start + timedelta(minutes=91), tick=False):
        response = client.get("/membership/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        page = client.get(response["Location"]).content.decode()
        assert "signed out after 30 minutes without activity" in page
        assert client.get("/").status_code == 302
        assert client.get("/api/v1/me").status_code == 401


# --- Cache-Control: no-store ------------------------------------------------------------------


def test_no_store_on_records_exports_api_and_new_token(client: Client, world: World) -> None:
    client.force_login(world.secretary)
    record = Membership.objects.get(user=world.member)
    for url in (
        f"/members/{record.pk}/",
        "/members/?format=csv",
        "/membership/",
        "/api/v1/me",
        f"/api/v1/members/{record.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
    assert "no-store" in Client().get("/api/v1/openapi.json")["Cache-Control"]
    _, raw = services.create_token(user=world.member, name="t", confirmation=PASSWORD)
    assert (
        "no-store"
        in Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")["Cache-Control"]
    )
    client.post("/accounts/tokens/", {"name": "sheet", "confirmation": PASSWORD})
    response = client.get("/accounts/tokens/new/")
    assert "isk_" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# --- production refuses DEBUG and log/file email ---------------------------------------------


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ISKRA", "DJANGO", "EMAIL"))}
    base.pop("DEBUG", None)
    full = {
        **base,
        "ISKRA_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "iskra.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "iskra.cli", "check"],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"EMAIL_URL": "console://"}, "EMAIL_URL=console:// is refused in production"),
        ({"EMAIL_URL": "file:///tmp/mail"}, "EMAIL_URL=file:// is refused in production"),
        ({"EMAIL_URL": "smtp://localhost", "DEBUG": "1"}, "DEBUG=1 is refused in production"),
    ],
)
def test_production_refuses_leaky_settings(tmp_path: Path, env: dict[str, str], says: str) -> None:
    result = _start(tmp_path, ISKRA_ENV="production", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]


def test_demo_and_development_keep_console_email(tmp_path: Path) -> None:
    for mode in ("demo", "development"):
        result = _start(tmp_path, ISKRA_ENV=mode, EMAIL_URL="console://", DEBUG="1")
        assert result.returncode == 0, result.stderr
