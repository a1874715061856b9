"""Issue 13, part 5: a proxy in a secret ballot. Riverside's branch meeting allows proxies (the
demo). In an open branch referendum, Sam, away that week, names Mo her proxy from the ballot's
page; Mo finds "Vote for Sam Secretary" on the ballot's page, reviews and casts the vote, and
gets its tracker; Sam is shown as having voted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.ballots import services
from iskra.ballots.models import Ballot, Preset
from iskra.organisation.models import Unit
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def _referendum() -> Ballot:
    secretary = User.objects.get(email="secretary@example.org")
    now = timezone.now()
    ballot = services.create_ballot(
        actor=secretary,
        unit=Unit.objects.get(name="Riverside Branch"),
        title="Branch referendum: affiliate to the trades council",
        preset=Preset.SIMPLE_MAJORITY,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        question="Should the branch affiliate to the trades council?",
        sealed=False,
    )
    services.appoint_scrutineer(
        actor=secretary, ballot=ballot, scrutineer=User.objects.get(email="scrutineer@example.org")
    )
    services.open_ballot(actor=secretary, ballot=ballot)
    return ballot


def test_a_proxy_votes_in_a_secret_ballot(new_page: Any) -> None:
    ballot = _referendum()
    sam = new_page(PHONE)
    sign_in(sam, "secretary@example.org")
    sam.goto(f"/ballots/{ballot.pk}/")
    sam.get_by_role("link", name="Name a proxy").click()
    expect(sam.get_by_role("region", name="The rules")).to_contain_text("nobody else does")
    assert violations(sam) == []
    sam.get_by_label("Your proxy").select_option(label="Mo Member")
    sam.get_by_role("button", name="Make them my proxy").click()
    expect(sam.get_by_role("main")).to_contain_text("Mo Member is your proxy")

    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto(f"/ballots/{ballot.pk}/")
    held = mo.get_by_role("region", name="Proxies you hold")
    held.get_by_role("link", name="Vote for Sam Secretary").click()
    expect(mo.get_by_role("main")).to_contain_text(
        "This is the vote of Sam Secretary, cast by you as their proxy"
    )
    assert violations(mo) == []
    mo.get_by_label("Yes", exact=True).check()
    mo.get_by_role("button", name="Review my vote").click()
    expect(mo.get_by_role("main")).to_contain_text("cast by you as their proxy")
    mo.get_by_role("button", name="Cast my vote").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
    expect(mo.locator(".tracker")).to_be_visible()

    sam.goto(f"/ballots/{ballot.pk}/")
    expect(sam.get_by_role("status").first).to_contain_text("You have voted in this ballot.")
    assert sam.errors == [] and mo.errors == []
