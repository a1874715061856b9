"""No 500s from what a client sends (issue 9, point 20), on SQLite and on PostgreSQL.

PostgreSQL refuses the NUL character in text and strings longer than their column; SQLite
refuses integers beyond 64 bits. Each was a 500. Now every input schema bounds its strings and
ids and refuses NUL, and every error under /api/ is JSON ``{"detail": …}``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from pydantic import BaseModel

from iskra.api.api import api
from iskra.apikit.inputs import MAX_ID
from iskra.motions import services as motions
from iskra.motions.models import Motion, MotionStatus, MotionVersion
from iskra.organisation.models import UnitKind
from tests.api.test_api import Api, is_error
from tests.conftest import World

NUL = "a\x00b"


def input_models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                for params in operation.models:
                    for field in params.model_fields.values():
                        annotation = field.annotation
                        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                            found.add(annotation)
    return found


def test_every_string_and_id_in_a_body_is_bounded() -> None:
    """A new field without a bound fails here before it fails on PostgreSQL."""
    unbounded = []
    models = input_models()
    assert len(models) > 40
    for model in models:
        schema = model.model_json_schema()
        nested = [(key, value) for key, value in schema.get("$defs", {}).items()]
        for title, definition in [(model.__name__, schema), *nested]:
            unbounded += unbounded_fields(title, definition)
    assert unbounded == []


def unbounded_fields(title: str, schema: dict[str, Any]) -> list[str]:
    unbounded = []
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if (
                option.get("type") == "string"
                and "format" not in option
                and "maxLength" not in option
                and "enum" not in option
            ):
                unbounded.append(f"{title}.{name}")
            if option.get("type") == "integer" and "maximum" not in option:
                unbounded.append(f"{title}.{name}")
            items = option.get("items", {})
            if option.get("type") == "array" and (
                "maxItems" not in option
                or (items.get("type") == "string" and "maxLength" not in items)
                or (items.get("type") == "integer" and "maximum" not in items)
            ):
                unbounded.append(f"{title}.{name}[]")
    return unbounded


@pytest.mark.parametrize(
    "field", ["full_name", "pronouns", "phone", "address", "postcode", "workplace", "union"]
)
def test_profile_refuses_nul_and_over_long(world: World, field: str) -> None:
    member = Api(world.member)
    response = member.patch("/me", {field: NUL})
    is_error(response, 422)
    assert "NUL" in response.json()["detail"] and field in response.json()["detail"]
    is_error(member.patch("/me", {field: "x" * 5000}), 422)
    assert member.get("/me").status_code == 200


def test_application_refuses_nul_and_over_long(world: World) -> None:
    payload = {
        "email": "new@example.org",
        "full_name": "New Person",
        "password": "a long enough password",
        "unit_id": world.branch_a.pk,
        "agreed_to_aims": True,
    }
    anonymous = Api(None)
    for field in ("email", "full_name", "password", "message"):
        is_error(anonymous.post("/applications", {**payload, field: NUL}), 422)
    is_error(anonymous.post("/applications", {**payload, "full_name": "x" * 201}), 422)
    is_error(anonymous.post("/applications", {**payload, "email": "x" * 250 + "@example.org"}), 422)
    is_error(anonymous.post("/applications", {**payload, "unit_id": MAX_ID + 1}), 422)


def test_units_and_seats_refuse_nul_and_over_long(world: World) -> None:
    kind = UnitKind.objects.get(name="Branch")
    officer = Api(world.officer)
    unit = {"name": "Workplace", "kind_id": kind.pk, "parent_id": world.branch_a.pk}
    is_error(officer.post("/units", {**unit, "name": NUL}), 422)
    is_error(officer.post("/units", {**unit, "name": "x" * 201}), 422)
    is_error(officer.post("/units", {**unit, "description": NUL}), 422)
    is_error(officer.post("/units", {**unit, "parent_id": MAX_ID + 1}), 422)
    assert officer.post("/units", {**unit, "parent_id": MAX_ID}).status_code == 404
    seat = {"body_id": world.branch_committee.pk, "role": "chair", "title": "Chair"}
    is_error(officer.post("/seats", {**seat, "title": NUL}), 422)
    is_error(officer.post("/seats", {**seat, "title": "x" * 201}), 422)
    is_error(officer.post("/seats", {**seat, "role": "x" * 21}), 422)
    is_error(officer.post("/seats", {**seat, "term_months": 10**12}), 422)


def test_nul_nested_in_a_body_is_refused(world: World) -> None:
    response = Api(world.member).post("/ballots/1/vote", {"answers": {"1\x00": [0]}})
    is_error(response, 422)


@pytest.mark.parametrize(
    "url", ["/members?q=%00", "/members?status=%00", "/motions?status=%00", "/decisions?q=%00"]
)
def test_nul_in_the_query_string_is_refused(world: World, url: str) -> None:
    is_error(Api(world.officer).get(url), 422)


def test_over_long_search_is_refused(world: World) -> None:
    is_error(Api(world.officer).get("/members", q="x" * 201), 422)


@pytest.mark.parametrize("url", ["/units/{}", "/motions/{}", "/ballots/{}", "/meetings/{}"])
def test_ids_beyond_64_bits_are_refused(world: World, url: str) -> None:
    member = Api(world.member)
    is_error(member.get(url.format(MAX_ID + 1)), 422)
    is_error(member.get(url.format(MAX_ID)), 404)


def test_resubmitting_a_motion_is_refused_not_a_500(world: World) -> None:
    motion = motions.create_motion(
        actor=world.officer,
        body=world.national_committee,
        title="Rent strike support",
        text="We support the rent strike.",
        by_body=True,
        authority="National committee, 1 December",
    )
    officer = Api(world.officer)
    assert officer.post(f"/motions/{motion.pk}/submit", {}).status_code == 200
    again = officer.post(f"/motions/{motion.pk}/submit", {})
    is_error(again, 400)
    assert "Only a draft can be submitted" in again.json()["detail"]
    assert MotionVersion.objects.filter(motion=motion).count() == 1
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.SUBMITTED


def test_over_long_motion_text_is_refused(world: World) -> None:
    officer = Api(world.officer)
    payload = {
        "body_id": world.national_committee.pk,
        "title": "Long",
        "by_body": True,
        "authority": "National committee, 1 December",
    }
    is_error(officer.post("/motions", {**payload, "text": "x" * 50_001}), 422)
    with pytest.raises(Exception, match="the limit is 50,000"):
        motions.create_motion(
            actor=world.officer,
            body=world.national_committee,
            title="Long",
            text="x" * 50_001,
            by_body=True,
            authority="National committee, 1 December",
        )


# --- Every error is JSON -------------------------------------------------------------------


def test_unknown_api_path_is_json_404(world: World) -> None:
    is_error(Api(world.member).get("/no-such-thing"), 404)
    is_error(Client().get("/api/v1/no/such/thing"), 404)


def test_method_not_allowed_is_json_405(world: World) -> None:
    response = Api(world.member).client.delete("/api/v1/me", **Api(world.member).headers)
    is_error(response, 405)
    assert "GET" in response["Allow"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_too_large_body_is_json_413(world: World) -> None:
    response = Api(world.member).patch("/me", {"address": "x" * 900, "union": "y" * 200})
    is_error(response, 413)


def test_server_error_is_json_500(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("iskra.members.api.request_user", broken)
    client = Client(raise_request_exception=False)
    api_client = Api(world.member)
    response = client.get("/api/v1/me", **api_client.headers)
    is_error(response, 500)
    assert "a bug" not in response.json()["detail"]


def test_djangos_permission_denied_is_json_403(world: World, monkeypatch: Any) -> None:
    from django.core.exceptions import PermissionDenied

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied("Not for you.")

    monkeypatch.setattr("iskra.members.api.request_user", refuse)
    response = Api(world.member).get("/me")
    is_error(response, 403)
    assert response.json()["detail"] == "Not for you."


def test_server_error_still_reaches_the_test_client(world: World, monkeypatch: Any) -> None:
    """The JSON 500 is signalled like Django's own, so a bug still fails the test that hit it."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("iskra.members.api.request_user", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        Api(world.member).get("/me")


# --- The web shows its own error pages -------------------------------------------------------


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_the_site_has_its_own_error_templates(status: int) -> None:
    from django.template.loader import get_template

    assert get_template(f"{status}.html").origin.name.endswith(f"core/templates/{status}.html")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_too_large_form_shows_the_sites_page(client: Client, world: World) -> None:
    client.force_login(world.member)
    response = client.post("/accounts/profile/", {"address": "x" * 5000})
    assert response.status_code == 413
    assert b"Too large" in response.content
    assert b"<html" in response.content.lower()


def test_unknown_page_shows_the_sites_404(client: Client, world: World) -> None:
    client.force_login(world.member)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content
