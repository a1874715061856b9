"""Issue 13, part 4: a unit requisitions a special meeting by its own decision. The National
Committee's standing orders count two branches' decisions. Mo starts a requisition; Sam,
Riverside's secretary, records on her phone that the branch meeting decided to support it
(first forgetting to say which decision: the form says so and keeps her choice)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.organisation.models import Body
from iskra.organisation.services import update_standing_orders
from iskra.representation import requisitions
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_branch_supports_a_requisition_by_its_own_decision(new_page: Any) -> None:
    admin = User.objects.get(email="admin@example.org")
    body = update_standing_orders(
        actor=admin,
        body=Body.objects.get(name="National Committee"),
        changes={"requisition_units": 2},
    )
    requisition = requisitions.start_requisition(
        actor=User.objects.get(email="member@example.org"),
        body=body,
        agenda="The national response to the hospital closures",
        reason="Branches want a national plan now.",
    )
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/requisitions/{requisition.pk}/")
    section = sam.get_by_role("region", name="Units' support")
    expect(section).to_contain_text("0 so far")
    assert violations(sam) == []
    section.get_by_role("button", name="Record my unit's support").click()
    expect(sam.get_by_role("main")).to_contain_text("This field is required")
    sam.get_by_label("Which decision of the unit").fill("Riverside branch meeting, 3 March")
    sam.get_by_role("button", name="Record my unit's support").click()
    expect(sam.get_by_role("main")).to_contain_text("Riverside Branch supports the requisition.")
    expect(sam.get_by_role("region", name="Units' support")).to_contain_text(
        "Riverside Branch — Riverside branch meeting, 3 March"
    )
    assert sam.errors == []
