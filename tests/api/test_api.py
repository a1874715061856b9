"""The JSON API at /api/v1/: allowed and forbidden per endpoint, errors as {"detail": …}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iskra.accounts.models import User
from iskra.accounts.services import issue_token
from iskra.members import services as members
from iskra.members.models import Application, Membership, Status
from iskra.organisation.models import Seat, SeatHolding, Unit, UnitKind
from tests.conftest import World, make_member


class Api:
    """A client that sends one person's personal access token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, raw = issue_token(user=user, name="test")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{url}", params, **self.headers)

    def post(self, url: str, data: Any) -> Any:
        return self.client.post(
            f"/api/v1{url}", data, content_type="application/json", **self.headers
        )

    def patch(self, url: str, data: Any) -> Any:
        return self.client.patch(
            f"/api/v1{url}", data, content_type="application/json", **self.headers
        )

    def delete(self, url: str) -> Any:
        return self.client.delete(f"/api/v1{url}", **self.headers)


def is_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail"}
    assert isinstance(body["detail"], str) and body["detail"]


def test_openapi_lists_endpoints(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/units/{unit_id}/move",
        "/api/v1/bodies",
        "/api/v1/bodies/{body_id}",
        "/api/v1/seats",
        "/api/v1/seats/{seat_id}/holders",
        "/api/v1/terms/{holding_id}/end",
        "/api/v1/me",
        "/api/v1/members",
        "/api/v1/members/{membership_id}",
        "/api/v1/members/{membership_id}/history",
        "/api/v1/members/{membership_id}/status",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}/decision",
    ):
        assert path in paths, path


@pytest.mark.parametrize("url", ["/me", "/units", "/bodies", "/seats", "/members", "/applications"])
def test_no_token_is_401(world: World, url: str) -> None:
    is_error(Api(None).get(url), 401)


def test_session_auth_works(client: Client, world: World) -> None:
    client.force_login(world.member)
    assert client.get("/api/v1/me").json()["membership"]["status"] == "member"


def test_me_and_update_me(world: World) -> None:
    api = Api(world.member)
    me = api.get("/me").json()
    assert me["email"] == "member@example.org"
    assert me["membership"]["unit_name"] == "Branch A"
    updated = api.patch("/me", {"phone": "0700"})
    assert updated.status_code == 200
    assert User.objects.get(pk=world.member.pk).phone == "0700"
    is_error(api.patch("/me", {"full_name": " "}), 400)
    is_error(api.patch("/me", {"consent_email": "perhaps"}), 422)


def test_units(world: World) -> None:
    body = Api(world.member).get("/units").json()
    assert body["count"] == 4
    assert [u["name"] for u in body["items"]][:2] == ["National", "North District"]
    children = Api(world.member).get("/units", parent_id=world.district.pk).json()
    assert {u["name"] for u in children["items"]} == {"Branch A", "Branch B"}
    assert (
        Api(world.member).get(f"/units/{world.branch_a.pk}").json()["path"] == world.branch_a.path
    )
    is_error(Api(world.outsider).get("/units"), 403)
    is_error(Api(world.outsider).get(f"/units/{world.branch_a.pk}"), 404)
    is_error(Api(world.member).get("/units/999999"), 404)
    is_error(Api(world.member).get("/units/abc"), 422)


def test_create_unit(world: World) -> None:
    kind = UnitKind.objects.get(name="Branch")
    payload = {"name": "Workplace", "kind_id": kind.pk, "parent_id": world.branch_a.pk}
    is_error(Api(world.other_secretary).post("/units", payload), 403)
    created = Api(world.secretary).post("/units", payload)
    assert created.status_code == 201
    assert created.json()["parent_id"] == world.branch_a.pk
    is_error(Api(world.secretary).post("/units", {**payload, "kind_id": 9999}), 404)
    is_error(Api(world.secretary).post("/units", {**payload, "name": " "}), 400)
    is_error(Api(world.secretary).post("/units", {"name": "x"}), 422)
    # A body that is not JSON at all is a bad request.
    is_error(Api(world.secretary).post("/units", "not json at all"), 400)


def test_move_unit(world: World) -> None:
    url = f"/units/{world.branch_a.pk}/move"
    is_error(Api(world.secretary).post(url, {"new_parent_id": world.national.pk}), 403)
    is_error(
        Api(world.officer).post(
            f"/units/{world.district.pk}/move", {"new_parent_id": world.branch_a.pk}
        ),
        400,
    )
    moved = Api(world.officer).post(url, {"new_parent_id": world.national.pk})
    assert moved.status_code == 200
    assert moved.json()["depth"] == 1


def test_bodies(world: World) -> None:
    body = Api(world.member).get("/bodies", unit_id=world.branch_a.pk).json()
    assert [b["name"] for b in body["items"]] == ["Branch A Committee"]
    assert (
        Api(world.member).get(f"/bodies/{world.branch_committee.pk}").json()["kind"] == "committee"
    )
    is_error(Api(world.outsider).get(f"/bodies/{world.branch_committee.pk}"), 404)
    payload = {"unit_id": world.branch_a.pk, "kind": "general_meeting", "name": "GM"}
    is_error(Api(world.other_secretary).post("/bodies", payload), 403)
    assert Api(world.secretary).post("/bodies", payload).status_code == 201
    is_error(Api(world.secretary).post("/bodies", {**payload, "kind": "junta"}), 400)


def test_seats_appoint_and_end(world: World) -> None:
    seats = Api(world.member).get("/seats", body_id=world.branch_committee.pk).json()
    assert seats["items"][0]["holders"][0]["holder_name"] == "Sam Secretary"
    is_error(Api(world.outsider).get("/seats"), 403)
    payload = {"body_id": world.branch_committee.pk, "role": "treasurer", "title": "Treasurer"}
    is_error(Api(world.other_secretary).post("/seats", payload), 403)
    created = Api(world.secretary).post("/seats", payload)
    assert created.status_code == 201
    seat_id = created.json()["id"]
    is_error(
        Api(world.other_secretary).post(
            f"/seats/{seat_id}/holders", {"holder_id": world.member.pk}
        ),
        403,
    )
    is_error(Api(world.secretary).post(f"/seats/{seat_id}/holders", {"holder_id": 99999}), 404)
    is_error(
        Api(world.outsider).post(f"/seats/{seat_id}/holders", {"holder_id": world.member.pk}), 404
    )
    appointed = Api(world.secretary).post(
        f"/seats/{seat_id}/holders", {"holder_id": world.member.pk}
    )
    assert appointed.status_code == 201
    holding_id = appointed.json()["id"]
    is_error(
        Api(world.secretary).post(f"/seats/{seat_id}/holders", {"holder_id": world.member.pk}), 400
    )
    is_error(Api(world.other_secretary).post(f"/terms/{holding_id}/end", {"reason": "x"}), 403)
    is_error(
        Api(world.secretary).post(
            f"/terms/{holding_id}/end", {"reason": "x", "ended_on": "not a date"}
        ),
        422,
    )
    is_error(
        Api(world.secretary).post(
            f"/terms/{holding_id}/end", {"reason": "x", "ended_on": "1999-01-01"}
        ),
        400,
    )
    ended = Api(world.secretary).post(f"/terms/{holding_id}/end", {"reason": "resigned"})
    assert ended.status_code == 200
    assert ended.json()["end_reason"] == "resigned"
    assert SeatHolding.objects.get(pk=holding_id).ended_on is not None
    assert Seat.objects.filter(pk=seat_id).exists()


def test_members_directory(world: World) -> None:
    body = Api(world.secretary).get("/members").json()
    emails = {m["email"] for m in body["items"]}
    assert "member@example.org" in emails
    assert "other@example.org" not in emails
    assert body["count"] == Membership.objects.filter(unit=world.branch_a).count()
    assert Api(world.officer).get("/members", q="oscar").json()["count"] == 1
    assert Api(world.officer).get("/members", unit_id=world.branch_b.pk).json()["count"] == 3
    is_error(Api(world.officer).get("/members", unit_id=99999), 404)
    is_error(Api(world.member).get("/members"), 403)


def test_pagination_shape(world: World) -> None:
    for i in range(55):
        make_member(f"p{i}@example.org", f"Person {i:02d}", world.branch_a)
    api = Api(world.officer)
    first = api.get("/members").json()
    assert set(first) == {"items", "count"}
    assert first["count"] == 60
    assert len(first["items"]) == 50
    second = api.get("/members", page=2).json()
    assert len(second["items"]) == 10
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}
    is_error(api.get("/members", page=0), 422)


def test_member_record_and_history(world: World) -> None:
    membership = Membership.objects.get(user=world.member)
    url = f"/members/{membership.pk}"
    assert Api(world.secretary).get(url).json()["email"] == "member@example.org"
    assert Api(world.member).get(url).status_code == 200
    is_error(Api(world.other_secretary).get(url), 404)
    history = Api(world.member).get(f"{url}/history").json()
    assert history[0]["to_status"] == "member"
    is_error(Api(world.other_secretary).get(f"{url}/history"), 404)


def test_member_status(world: World) -> None:
    membership = Membership.objects.get(user=world.member)
    url = f"/members/{membership.pk}/status"
    is_error(Api(world.other_secretary).post(url, {"to_status": "lapsed", "reason": "r"}), 404)
    is_error(Api(world.member).post(url, {"to_status": "lapsed", "reason": "r"}), 403)
    is_error(Api(world.secretary).post(url, {"to_status": "expelled", "reason": "r"}), 400)
    is_error(Api(world.secretary).post(url, {"to_status": "nonsense", "reason": "r"}), 400)
    is_error(Api(world.secretary).post(url, {"to_status": "lapsed"}), 422)
    changed = Api(world.secretary).post(url, {"to_status": "lapsed", "reason": "r"})
    assert changed.status_code == 200
    assert changed.json()["status"] == "lapsed"


def test_applications(world: World) -> None:
    payload = {
        "email": "api@example.org",
        "full_name": "Api Applicant",
        "password": "a long enough password 42",
        "unit_id": world.branch_a.pk,
        "agreed_to_aims": True,
    }
    public = Api(None)
    created = public.post("/applications", payload)
    assert created.status_code == 201
    application_id = created.json()["id"]
    is_error(public.post("/applications", payload), 400)
    is_error(public.post("/applications", {**payload, "unit_id": 99999}), 404)
    is_error(public.post("/applications", {**payload, "email": "x"}), 400)
    is_error(public.post("/applications", {"email": "x"}), 422)
    listed = Api(world.secretary).get("/applications").json()
    assert [a["id"] for a in listed["items"]] == [application_id]
    assert Api(world.other_secretary).get("/applications").json()["count"] == 0
    url = f"/applications/{application_id}/decision"
    is_error(Api(world.other_secretary).post(url, {"admit": True}), 404)
    is_error(Api(world.secretary).post(url, {"admit": False}), 400)
    decided = Api(world.secretary).post(url, {"admit": True})
    assert decided.status_code == 200
    assert decided.json()["decision"] == "admitted"
    assert Application.objects.get(pk=application_id).membership.status == Status.CANDIDATE
    is_error(Api(world.secretary).post(url, {"admit": True}), 400)


def test_unknown_api_path_is_json_404(world: World) -> None:
    response = Api(world.member).get("/nothing-here")
    assert response.status_code == 404


def test_api_decide_application_runs_same_service_as_page(world: World) -> None:
    application = members.apply_to_join(
        email="x@example.org",
        full_name="X",
        password="a long enough password 42",
        unit=world.branch_b,
        agreed_to_aims=True,
    )
    Api(world.other_secretary).post(
        f"/applications/{application.pk}/decision", {"admit": False, "reason": "no"}
    )
    assert Application.objects.get(pk=application.pk).decision == "declined"
    assert Unit.objects.count() == 4
