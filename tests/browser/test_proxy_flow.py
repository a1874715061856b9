"""Issue 13, part 5: proxies, as members meet them on a phone. Riverside's branch meetings allow
proxies (the demo). Sam cannot come to the coming branch meeting: from the meeting's page she
follows "Name a proxy", reads the rules, names Mo and sees Mo as her proxy. Mo, signing in,
finds Sam among the proxies Mo holds (beside the night worker who named Mo before), and
declines Sam's; Sam is told and is free to name someone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_member_names_a_proxy_who_declines_it(new_page: Any) -> None:
    from iskra.meetings.models import Meeting

    meeting = Meeting.objects.get(body__name="Riverside Branch Meeting", status="scheduled")
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/meetings/{meeting.pk}/")
    sam.get_by_role("link", name="Name a proxy").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Can't come? Name a proxy")
    expect(sam.get_by_role("region", name="The rules")).to_contain_text(
        "a proxy who is absent casts nothing"
    )
    assert violations(sam) == []
    # Submitting without choosing keeps her on the form with the field's error.
    sam.get_by_role("button", name="Make them my proxy").click()
    expect(sam.get_by_role("main")).to_contain_text("This field is required")
    sam.get_by_label("Your proxy").select_option(label="Mo Member")
    sam.get_by_role("button", name="Make them my proxy").click()
    expect(sam.get_by_role("main")).to_contain_text("Mo Member is your proxy")
    expect(sam.get_by_role("main")).to_contain_text(re.compile(r"Your proxy: Mo Member"))
    assert violations(sam) == []

    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto(f"/meetings/{meeting.pk}/")
    held = mo.get_by_role("region", name="Proxies you hold")
    expect(held).to_contain_text("Sam Secretary")
    expect(held.get_by_role("listitem")).to_have_count(2)  # the night worker's and Sam's
    assert violations(mo) == []
    held.get_by_role("button", name="Decline the proxy of Sam Secretary").click()
    expect(mo.get_by_role("main")).to_contain_text("You have declined the proxy of Sam Secretary")
    expect(mo.get_by_role("region", name="Proxies you hold").get_by_role("listitem")).to_have_count(
        1
    )

    sam.goto(f"/meetings/{meeting.pk}/")
    expect(sam.get_by_role("link", name="Name a proxy")).to_be_visible()
    assert sam.errors == [] and mo.errors == []
