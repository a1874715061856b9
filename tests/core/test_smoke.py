from __future__ import annotations

from django.test import Client

from tests.conftest import World


def test_home_requires_sign_in(client: Client, world: World) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_member_sees_home(client: Client, world: World) -> None:
    client.force_login(world.member)
    response = client.get("/")
    assert response.status_code == 200
    assert "Branch A" in response.content.decode()
