"""Issue 13: a requisition whose officers do nothing, through the pages. A member starts a
requisition of a special meeting from the body's page on a phone (a refused form keeps what
was typed); members sign the demo's requisition from their home page until it is valid; the
branch secretary is asked to call it and does not; when the days to call it pass, the worker
convenes it in the requisitioners' name, with the agenda they stated."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.organisation.models import Body
from iskra.representation.models import Requisition, RequisitionEligible
from iskra.representation.requisitions import run_clocks
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

BODY = "Riverside Branch Meeting"


def test_a_requisition_the_officers_ignore_is_convened(new_page: Any) -> None:
    body = Body.objects.get(name=BODY)

    # Mo starts one of the branch committee from its page; without a reason it is refused.
    committee = Body.objects.get(name="Riverside Branch Committee")
    phone = new_page(PHONE)
    sign_in(phone, "member@example.org")
    phone.goto(f"/bodies/{committee.pk}/")
    phone.get_by_role("link", name=re.compile("Requisition a special meeting")).click()
    expect(phone.get_by_role("region", name=re.compile("The rules of"))).to_contain_text(
        "Iskra convenes it"
    )
    assert violations(phone) == []
    phone.get_by_label("The business of the meeting").fill("The branch's library campaign")
    phone.get_by_role("button", name="Start the requisition").click()
    expect(phone.get_by_role("alert").first).to_be_visible()
    expect(phone.get_by_label("The business of the meeting")).to_have_value(
        "The branch's library campaign"
    )
    assert not Requisition.objects.filter(body=committee).exists()
    phone.get_by_label("Why is the meeting needed?").fill("The committee has not met in months.")
    phone.get_by_role("button", name="Start the requisition").click()
    expect(phone.locator(".messages")).to_contain_text("The requisition is started")
    expect(phone.get_by_role("region", name="The business stated")).to_contain_text(
        "library campaign"
    )
    assert violations(phone) == []

    # The demo's requisition of a special branch meeting: Mo and others sign from home.
    requisition = Requisition.objects.get(body=body)
    missing = requisition.required - requisition.signatures
    assert missing >= 2
    signers = [
        "member@example.org",
        *RequisitionEligible.objects.filter(petition=requisition)
        .exclude(user_id__in=requisition.signature_rows.values("signer_id"))
        .exclude(user__email__in=["member@example.org", "secretary@example.org"])
        .order_by("user__email")
        .values_list("user__email", flat=True)[: missing - 1],
    ]
    for i, email in enumerate(signers):
        page = phone if email == "member@example.org" else new_page()
        if page is not phone:
            sign_in(page, email)
        page.goto("/")
        page.get_by_role("link", name=f"Requisition of a special meeting of {BODY}").click()
        page.get_by_role("button", name="Sign the requisition").click()
        last = i == len(signers) - 1
        expect(page.locator(".messages")).to_contain_text(
            "The requisition is valid" if last else "You signed"
        )
        assert page.errors == []
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.VALID

    # The secretary is asked to call it, with the deadline, and does nothing.
    secretary = new_page()
    sign_in(secretary, "secretary@example.org")
    secretary.get_by_role(
        "link", name=f"Call the special meeting of {BODY} that members requisitioned"
    ).click()
    expect(secretary.get_by_role("region", name="Call the meeting")).to_be_visible()
    expect(secretary.get_by_role("region", name="The clock")).to_contain_text("must call it by")

    # The days to call it pass; the worker's sweep convenes it.
    Requisition.objects.filter(pk=requisition.pk).update(
        call_by=timezone.localdate() - timedelta(days=1),
        hold_by=timezone.localdate() + timedelta(days=7),
    )
    assert run_clocks() == (1, 0)

    phone.goto(f"/requisitions/{requisition.pk}/")
    expect(phone.locator("#requisition-state")).to_have_text(
        "Meeting convened in the requisitioners' name"
    )
    phone.locator("#requisition-meeting").get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        "Special meeting requisitioned by members"
    )
    main = phone.get_by_role("main")
    expect(main).to_contain_text("convened by Iskra in their name")
    expect(main).to_contain_text("The hospital closure")
    expect(main).to_contain_text("Riverside Community Centre")
    assert violations(phone) == []
    assert phone.errors == []
