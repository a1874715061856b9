"""Sign-in limits behind a proxy (django-axes), the anonymous endpoints' limiter, and password
reset answering the same for known and unknown addresses (issue 9, point 11)."""

from __future__ import annotations

import json

from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from iskra.core.ratelimit import client_address
from tests.conftest import World

PASSWORD = "correct horse battery"
PROXY = "127.0.0.1"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def via_proxy(client_ip: str, sent: str = "") -> Client:
    """A browser at ``client_ip`` reaching the app through the proxy, which appends the
    address it saw to whatever X-Forwarded-For the browser sent."""
    header = f"{sent}, {client_ip}" if sent else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)


def login(client: Client, email: str, password: str = PASSWORD) -> int:
    return client.post("/accounts/login/", {"email": email, "password": password}).status_code


@override_settings(BEHIND_PROXY=True, AXES_FAILURE_LIMIT=3)
def test_behind_a_proxy_failures_lock_only_their_own_client(world: World) -> None:
    attacker = via_proxy("203.0.113.7")
    for _ in range(5):
        login(attacker, "member@example.org", "guess")
    assert login(attacker, "member@example.org") == 429
    # Everyone comes from the proxy's address, yet the member, elsewhere, signs in.
    assert login(via_proxy("198.51.100.20"), "member@example.org") == 302
    # The attacker cannot escape the lock by writing another address into the header: only
    # the one the proxy appended counts.
    assert login(via_proxy("203.0.113.7", sent="192.0.2.55"), "member@example.org") == 429


@override_settings(BEHIND_PROXY=False, AXES_FAILURE_LIMIT=3)
def test_without_a_proxy_the_header_is_ignored(world: World) -> None:
    for n in range(3):
        login(
            Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"),
            "cm@example.org",
            "x",
        )
    assert (
        login(Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.1.1.1"), "cm@example.org")
        == 429
    )


def test_client_address_rules() -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2")
    with override_settings(BEHIND_PROXY=False):
        assert client_address(request) == "10.0.0.1"
    with override_settings(BEHIND_PROXY=True):
        assert client_address(request) == "2.2.2.2"
    with override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_COUNT=2):
        assert client_address(request) == "1.1.1.1"
    for bad in ("", "not-an-address", "1.1.1.1, <script>"):
        request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=bad)
        with override_settings(BEHIND_PROXY=True):
            assert client_address(request) == "10.0.0.1"
    # No address to trust (a Unix socket, a test request): None, which the database stores
    # (PostgreSQL's inet type refuses a made-up word).
    request = factory.get("/", REMOTE_ADDR="")
    assert client_address(request) is None


# --- password reset: same answer, same work, limited ---------------------------------------


@override_settings(TASKS=DB_TASKS)
def test_password_reset_same_for_known_and_unknown_addresses(world: World) -> None:
    answers = []
    for email in ("member@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = Client().post("/accounts/password-reset/", {"email": email})
        answers.append(
            (response.status_code, response["Location"], [q["sql"].split()[0] for q in queries])
        )
    # Same status, same page, and the same database work (one queued task, nothing else).
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, "/accounts/password-reset/sent/")
    # The queued rows hold the address typed, never a link.
    rows = [json.dumps(r.args_kwargs) for r in DBTaskResult.objects.all()]
    assert len(rows) == 2
    assert not any("/reset/" in row for row in rows)


@override_settings(PASSWORD_RESET_PER_EMAIL=2)
def test_password_reset_limited_per_address(world: World) -> None:
    for n in range(2):
        client = Client(REMOTE_ADDR=f"192.0.2.{n}")
        assert (
            client.post("/accounts/password-reset/", {"email": "member@example.org"}).status_code
            == 302
        )
    response = Client(REMOTE_ADDR="192.0.2.99").post(
        "/accounts/password-reset/", {"email": "member@example.org"}
    )
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


@override_settings(ANON_RATE_LIMIT=2)
def test_password_reset_limited_per_client(world: World) -> None:
    client = Client(REMOTE_ADDR="192.0.2.5")
    for n in range(2):
        assert (
            client.post("/accounts/password-reset/", {"email": f"a{n}@example.org"}).status_code
            == 302
        )
    assert client.post("/accounts/password-reset/", {"email": "a9@example.org"}).status_code == 429


# --- join and applications ----------------------------------------------------------------


@override_settings(ANON_RATE_LIMIT=2)
def test_join_page_and_applications_api_are_limited(world: World) -> None:
    browser = Client(REMOTE_ADDR="192.0.2.8")
    for _ in range(2):
        assert browser.post("/join/", {"full_name": "Typed Name"}).status_code == 200
    response = browser.post("/join/", {"full_name": "Typed Name"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert 'value="Typed Name"' in response.content.decode()
    api = Client(REMOTE_ADDR="192.0.2.9")
    payload = {
        "email": "new@example.org",
        "full_name": "New Person",
        "password": "a long enough password 42",
        "unit_id": 999999,
        "agreed_to_aims": True,
    }
    for _ in range(2):
        assert (
            api.post("/api/v1/applications", payload, content_type="application/json").status_code
            == 404
        )
    refused = api.post("/api/v1/applications", payload, content_type="application/json")
    assert refused.status_code == 429
    assert set(refused.json()) == {"detail"}
    # Another client is not affected.
    other = Client(REMOTE_ADDR="192.0.2.10")
    assert (
        other.post("/api/v1/applications", payload, content_type="application/json").status_code
        == 404
    )
