"""Nothing a person can type produces a 500: garbage gives a form error or a 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from iskra.members import services as members
from iskra.members.models import Membership
from iskra.organisation.models import SeatHolding
from tests.conftest import World


@pytest.fixture
def officer_client(world: World) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.officer)
    return client


NON_NUMERIC = [
    "/units/abc/",
    "/units/1x/members/",
    "/bodies/abc/",
    "/members/abc/",
    "/applications/abc/",
    "/transfers/abc/",
    "/cases/abc/",
    "/seats/abc/appoint/",
    "/terms/abc/end/",
    "/accounts/tokens/abc/revoke/",
    "/units/99999999/",
    "/bodies/99999999/",
    "/members/99999999/",
    "/applications/99999999/",
    "/transfers/99999999/",
    "/cases/99999999/",
    "/seats/99999999/appoint/",
    "/terms/99999999/end/",
    "/units/99999999999999999999999/",
]


@pytest.mark.parametrize("url", NON_NUMERIC)
def test_bad_ids_are_404(officer_client: Client, url: str) -> None:
    assert officer_client.get(url).status_code in (404, 405)


GARBAGE = [
    {},
    {"x": "y"},
    {
        "name": "",
        "kind": "nonsense",
        "new_parent": "abc",
        "title": "",
        "role": "king",
        "term_months": "-4",
        "holder_email": "not-an-email",
        "started_on": "2024-13-45",
        "reason": "",
        "to_status": "emperor",
        "extend_to": "yesterday",
        "held": "maybe",
        "complaint": "",
        "deciding_body": "99999",
        "outcome": "flogging",
        "suspended_until": "31/31/2031",
        "grounds": "",
        "upheld": "perhaps",
        "decision": "shrug",
        "accept": "dunno",
        "to_unit": "abc",
        "probation_days": "-1",
        "default_quorum_percent": "many",
        "unit": "zzz",
        "email": "@@",
        "password": "",
        "agree": "",
        "code": "",
    },
]


def _form_urls(world: World) -> list[str]:
    membership = Membership.objects.get(user=world.member)
    application = members.apply_to_join(
        email="garbage@example.org",
        full_name="G",
        password="a long enough password 42",
        unit=world.branch_a,
        agreed_to_aims=True,
    )
    case = members.open_case(
        actor=world.secretary,
        membership=membership,
        complaint="c",
        deciding_body=world.branch_committee,
    )
    holding = SeatHolding.objects.filter(seat=world.branch_secretary_seat).first()
    assert holding is not None
    return [
        f"/units/{world.branch_a.pk}/add/",
        f"/units/{world.branch_a.pk}/move/",
        f"/units/{world.branch_a.pk}/bodies/add/",
        f"/bodies/{world.branch_committee.pk}/seats/add/",
        f"/seats/{world.branch_secretary_seat.pk}/appoint/",
        f"/terms/{holding.pk}/end/",
        "/settings/",
        "/settings/unit-kinds/",
        f"/members/{membership.pk}/status/",
        f"/members/{membership.pk}/probation/",
        f"/members/{membership.pk}/complaint/",
        f"/applications/{application.pk}/",
        f"/cases/{case.pk}/",
        "/membership/transfer/",
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/two-factor/",
        "/accounts/two-factor/off/",
        "/join/",
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/password-reset/",
    ]


@pytest.mark.parametrize("data", GARBAGE, ids=["empty", "unknown", "everything-wrong"])
def test_garbage_posts_never_500(
    world: World, officer_client: Client, data: dict[str, str]
) -> None:
    for url in _form_urls(world):
        response = officer_client.post(url, data)
        assert response.status_code in (200, 302, 400, 403, 404, 405), (url, response.status_code)
        if response.status_code == 200 and url not in ("/accounts/login/",):
            body = response.content.decode()
            # A form page shows what is wrong.
            assert "error" in body.lower() or "required" in body.lower(), url


def test_garbage_query_strings_never_500(officer_client: Client, world: World) -> None:
    for url in (
        "/members/?status=emperor&unit=abc&seat=king&page=-1",
        "/members/?page=abc&format=csv&unit=999999",
        "/audit/?page=999&action=%00",
        "/units/?x=y",
        "/members/?q=%00&status=%00",
    ):
        response = officer_client.get(url)
        assert response.status_code in (200, 400, 404), url


def test_invalid_dates_in_case_decision_show_error(world: World) -> None:
    membership = Membership.objects.get(user=world.member)
    case = members.open_case(
        actor=world.secretary,
        membership=membership,
        complaint="c",
        deciding_body=world.branch_committee,
    )
    client = Client()
    client.force_login(world.secretary)
    response = client.post(
        f"/cases/{case.pk}/",
        {"outcome": "suspension", "suspended_until": "2024-02-31", "reason": "r"},
        follow=True,
    )
    assert response.status_code == 200
    assert Membership.objects.get(pk=membership.pk).status == "member"
    response = client.post(
        f"/cases/{case.pk}/", {"outcome": "suspension", "reason": "r"}, follow=True
    )
    assert "end date" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).status == "member"


def test_member_status_change_to_suspended_through_form_refused(world: World) -> None:
    membership = Membership.objects.get(user=world.member)
    client = Client()
    client.force_login(world.secretary)
    client.post(f"/members/{membership.pk}/status/", {"to_status": "suspended", "reason": "r"})
    assert Membership.objects.get(pk=membership.pk).status == "member"
