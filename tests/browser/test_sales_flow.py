"""Issue 14, part 4: a branch's sales on a phone. Mo (a Riverside member) opens the league
table from The Spark, goes to Riverside's page, records a sale at the hospital gate (a first
try with a negative amount is refused, keeping what was typed) and a contact met there who
agreed to hear from us; Sam, Riverside's secretary, sees both, sends the contact the join page
and orders the bundle for the next number."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_member_records_a_sale_and_the_secretary_follows_up(new_page: Any) -> None:
    from iskra.press.models import Contact, Sale

    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto("/press/the-spark/")
    mo.get_by_role("link", name="Sales and the league table").click()
    expect(mo.get_by_role("region", name="League table").first).to_contain_text("Riverside")
    assert violations(mo) == []
    mo.get_by_role("link", name="Record your sales for Riverside Branch").click()
    record = mo.get_by_role("region", name="Record a sale")
    record.get_by_label("Where (the pitch)").fill("Hospital canteen")
    record.get_by_label("Copies sold").fill("6")
    record.get_by_label("Money taken for the papers").fill("-6")
    record.get_by_role("button", name="Record the sale").click()
    expect(mo.get_by_role("main")).to_contain_text("An amount cannot be negative")
    expect(mo.get_by_label("Where (the pitch)")).to_have_value("Hospital canteen")
    mo.get_by_label("Money taken for the papers").fill("6.00")
    mo.get_by_label("Given to the fighting fund").fill("2.50")
    mo.get_by_role("button", name="Record the sale").click()
    expect(mo.get_by_role("main")).to_contain_text("Recorded: 6 sold at Hospital canteen")
    assert violations(mo) == []
    contacts = mo.get_by_role("region", name="People who want to hear from us")
    contacts.get_by_label("Their name").fill("Kim Nurse")
    contacts.get_by_label("Email").fill("kim@example.net")
    contacts.get_by_role("button", name="Add them").click()
    expect(mo.get_by_role("main")).to_contain_text("Only with their consent")
    mo.get_by_label("They agreed to be contacted by us").check()
    mo.get_by_role("button", name="Add them").click()
    expect(mo.get_by_role("main")).to_contain_text("Added to the branch's follow-up list")
    assert Sale.objects.filter(pitch="Hospital canteen", copies=6).exists()

    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(mo.url.split("#")[0])
    expect(sam.get_by_role("region", name="The branch's latest sales")).to_contain_text(
        "Hospital canteen"
    )
    sam.get_by_role("button", name="Send the join page to Kim Nurse").click()
    expect(sam.get_by_role("main")).to_contain_text("The join page is on its way to Kim Nurse")
    bundles = sam.get_by_role("region", name="Bundles")
    bundles.get_by_label("Copies wanted").last.fill("50")
    bundles.get_by_role("button", name="Save the bundle for number 42").click()
    expect(sam.get_by_role("main")).to_contain_text("Bundle for number 42 saved")
    assert violations(sam) == []
    assert Contact.objects.get(name="Kim Nurse").invited_at is not None
    assert mo.errors == [] and sam.errors == []
