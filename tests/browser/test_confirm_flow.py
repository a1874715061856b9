"""Nothing irreversible by accident, in a real Chromium on a phone (issue 11, points 5 and 8):
a member withdraws their motion through its confirmation page, keeping the reason they typed;
on a decision taken by roll call, a member who did not vote against sees who may record a
dissent, until when, and why they may not — not a form that fails. The ballot's own
confirmations (opening it, the vote's review and the blank ballot, signing the report) are in
test_ballot_flow.py."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.decisions.models import Decision
from iskra.motions import services as motions
from iskra.motions.models import Motion, MotionStatus
from iskra.motions.permissions import can_propose_to
from iskra.organisation.models import Body
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PHONE = {"width": 390, "height": 844}


def test_withdraw_through_its_confirmation_and_dissent_explained(new_page: Any) -> None:
    member = User.objects.get(email="member@example.org")
    body = next(b for b in Body.objects.order_by("pk") if can_propose_to(member, b))
    motion = motions.create_motion(
        actor=member, body=body, title="Bus passes for night workers", text="We call for it."
    )

    page = new_page(PHONE)
    sign_in(page, "member@example.org")
    page.goto(f"/motions/{motion.pk}/")
    page.get_by_label("Withdraw — reason (optional)").fill("Overtaken by the council's offer")
    page.get_by_role("button", name="Withdraw the motion").click()
    # The confirmation page says what will happen; nothing has happened yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the motion")
    expect(page.get_by_role("main")).to_contain_text("it will not be debated or voted on")
    assert Motion.objects.get(pk=motion.pk).status == MotionStatus.DRAFT
    assert violations(page) == []
    page.get_by_role("button", name="Yes, withdraw the motion").click()
    expect(page.locator(".messages")).to_contain_text("The motion is withdrawn.")
    motion.refresh_from_db()
    assert motion.status == MotionStatus.WITHDRAWN
    assert motion.status_reason == "Overtaken by the council's offer"

    # The demo's decision was taken by roll call; this member was not on the committee.
    decision = Decision.objects.order_by("pk").first()
    assert decision is not None
    page.goto(f"/decisions/{decision.pk}/")
    dissent = page.get_by_role("region", name="Dissent on the record", exact=True)
    expect(dissent).to_contain_text("Who may record a dissent:")
    expect(dissent).to_contain_text(f"until {decision.dissent_until:%-d %B %Y}")
    expect(dissent).to_contain_text("You cannot record a dissent here.")
    expect(dissent.get_by_role("button", name="Record dissent")).to_have_count(0)
    assert page.errors == []
