"""Issue 13, part 3: a by-election's nominations, on a phone. Riverside's secretary seat fell
vacant (recalled, with no substitute elected); the members are told that nominations are open.
Mo follows the notice, first presses Nominate with nothing filled in (the form says what is
missing), then stands; Mo's name is among the candidates. When nominations close, the worker's
sweep puts the candidates on the by-election's ballot."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from iskra.ballots.models import Question
from iskra.organisation.models import SeatHolding
from iskra.organisation.services import end_holding_by_rule
from iskra.representation import byelections
from iskra.representation.models import ByElection
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SEAT = "Riverside Branch Secretary"


def test_a_member_stands_in_a_by_election(new_page: Any) -> None:
    holding = SeatHolding.objects.current().select_related("seat").get(seat__title=SEAT)
    with transaction.atomic():  # as in a recall's settlement: the rules act in one transaction
        end_holding_by_rule(holding=holding, reason="Recalled by ballot", data={})
        ballot = byelections.fill_vacancy(
            holding.seat, why="Sam Secretary was recalled", created_by=holding.holder
        )
    assert ballot is not None
    be = ByElection.objects.get(ballot=ballot)

    mo = new_page(PHONE)
    sign_in(mo, "member@example.org")
    mo.goto("/notifications/")
    mo.get_by_role("link", name=re.compile(f"Nominations are open for {SEAT}")).first.click()
    expect(mo.get_by_role("heading", level=1)).to_have_text(f"By-election: {SEAT}")
    assert violations(mo) == []
    mo.get_by_role("button", name="Nominate").click()
    expect(mo.get_by_role("main")).to_contain_text("or stand yourself")
    mo.get_by_label("I stand myself").check()
    mo.get_by_role("button", name="Nominate").click()
    expect(mo.get_by_role("main")).to_contain_text("You stand as a candidate.")
    expect(mo.get_by_role("region", name="Candidates")).to_contain_text("Mo Member")
    assert violations(mo) == []

    ByElection.objects.filter(pk=be.pk).update(
        nominations_close_on=timezone.localdate() - timedelta(days=1)
    )
    assert byelections.close_due_nominations() == 1
    mo.reload()
    expect(mo.get_by_role("main")).to_contain_text("Nominations have closed")
    assert Question.objects.get(ballot=ballot).text == f"Should Mo Member hold {SEAT}?"
    assert mo.errors == []
