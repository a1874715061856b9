"""Every list honours the page_size its schema documents, not ninja's silent cap of 100."""

from __future__ import annotations

from typing import Any

import pytest

from iskra.apikit.pagination import MAX_PAGE_SIZE, Pages
from iskra.organisation import services as org
from tests.conftest import World


def test_the_documented_maximum_is_the_applied_maximum() -> None:
    pages = Pages(page_size=50)
    assert pages._get_page_size(None) == 50
    assert pages._get_page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
    assert (
        Pages.Input.model_json_schema()["properties"]["page_size"]["anyOf"][0]["maximum"]
        == MAX_PAGE_SIZE
    )


@pytest.mark.django_db
def test_a_list_endpoint_returns_more_than_a_hundred_when_asked(world: World, client: Any) -> None:
    for i in range(120):
        org.create_unit(
            actor=world.admin,
            name=f"Extra {i}",
            kind=world.branch_a.kind,
            parent=world.branch_a.parent,
        )
    client.force_login(world.admin)
    page = client.get("/api/v1/units", {"page_size": 500}).json()
    assert page["count"] > 100
    assert len(page["items"]) == page["count"]
