"""Issue 13: the demo's council of district delegates, as a member reads it on a phone. From
"Who speaks for you" Mo opens the record of North District's delegate to the National Council:
the delegate abstained on the budget although the district had instructed them to oppose it;
the Council's card vote shows each delegation's card, South District's split."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_member_reads_the_councils_card_vote_and_the_delegates_departure(
    new_page: Any,
) -> None:
    phone = new_page(PHONE)
    sign_in(phone, "member@example.org")
    phone.goto("/representatives/")
    assert violations(phone) == []
    seats = phone.get_by_role("region", name="The seats you elect")
    seats.get_by_role("link", name=re.compile(r": record as Delegate of North District")).click()
    mandates = phone.get_by_role("region", name="Departures from the mandate")
    expect(mandates).to_contain_text("abstained on")
    expect(mandates).to_contain_text("the mandate was to vote against")
    expect(mandates).to_contain_text("The report-back goes on the next meeting called")
    assert violations(phone) == []
    mandates.get_by_role("link", name=re.compile("Council$")).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Council")
    phone.get_by_text("The count").first.click()
    expect(phone.get_by_role("main")).to_contain_text(
        re.compile(r"split card \(\d+ for, \d+ against\)")
    )
    assert violations(phone) == []
    assert phone.errors == []
