"""Issue 13: a recall end to end through the pages, as the members would do it. A member starts
a petition against their branch secretary from the secretary's record, on a phone; the
secretary replies; members sign from their home page until the threshold opens the secret
recall ballot by itself; they vote from their emailed links; when the clock passes the worker
counts it, the secretary is recalled and the by-election waits for nominations."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot, RollEntry
from iskra.organisation.models import SeatHolding
from iskra.representation.models import RecallEligible, RecallPetition
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations
from tests.browser.test_ballot_flow import voting_links

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

SEAT = "Riverside Branch Secretary"


def test_a_recall_from_petition_to_by_election(new_page: Any) -> None:
    holding = SeatHolding.objects.current().select_related("seat").get(seat__title=SEAT)

    # Mo, a Riverside member, finds the secretary's record from the branch committee's page.
    phone = new_page(PHONE)
    sign_in(phone, "member@example.org")
    phone.goto(f"/bodies/{holding.seat.body_id}/")
    phone.get_by_role("link", name=re.compile(r"Sam Secretary\s*: record as Riverside")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Sam Secretary as {SEAT}")
    assert violations(phone) == []
    phone.get_by_role("link", name="Start a recall").click()
    expect(phone.get_by_role("region", name=re.compile("The rules of"))).to_contain_text(
        "opens by itself"
    )
    # Without a reason the form says so, and nothing is started.
    phone.get_by_role("button", name="Start the petition").click()
    expect(phone.get_by_role("alert").first).to_be_visible()
    assert not RecallPetition.objects.filter(holding=holding).exists()
    phone.get_by_label("Why should they be recalled?").fill(
        "The branch has had no meeting called for three months."
    )
    phone.get_by_role("button", name="Start the petition").click()
    expect(phone.locator(".messages")).to_contain_text("The petition is started")
    petition = RecallPetition.objects.get(holding=holding)
    expect(phone.locator("#progress-text")).to_contain_text(f"1 of the {petition.required} needed")
    assert violations(phone) == []
    assert phone.errors == []

    # The secretary is told, and replies beside the reason.
    secretary = new_page()
    sign_in(secretary, "secretary@example.org")
    secretary.get_by_role("link", name=re.compile("Reply to the petition to recall you")).click()
    secretary.get_by_label("Your reply").fill("Two meetings were called; both were inquorate.")
    secretary.get_by_role("button", name="Reply").click()
    expect(secretary.locator(".messages")).to_contain_text("Your reply is shown")
    expect(secretary.get_by_role("region", name=re.compile("reply"))).to_contain_text(
        "both were inquorate"
    )

    # Members of the branch sign from their home page until the threshold.
    signers = list(
        RecallEligible.objects.filter(petition=petition)
        .exclude(user_id__in=[petition.started_by_id, holding.holder_id])
        .exclude(user__email="scrutineer@example.org")
        .order_by("user__email")
        .values_list("user__email", flat=True)[: petition.required - 1]
    )
    for i, email in enumerate(signers):
        page = new_page()
        sign_in(page, email)
        page.get_by_role("link", name=f"Recall petition: Sam Secretary as {SEAT}").click()
        page.get_by_role("button", name="Sign the petition").click()
        last = i == len(signers) - 1
        expect(page.locator(".messages")).to_contain_text(
            "the recall ballot is open" if last else "You signed"
        )
        assert page.errors == []
    petition.refresh_from_db()
    assert petition.state == RecallPetition.State.BALLOT
    ballot = petition.ballot
    assert ballot is not None and ballot.state == Ballot.State.OPEN

    # Mo votes Yes from the emailed link; most of the branch votes Yes too.
    links = voting_links(ballot.title)
    assert len(links) == ballot.roll_size
    phone.goto(links["member@example.org"])
    question = phone.get_by_role("group", name=re.compile("Should Sam Secretary be recalled"))
    question.get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Review my vote").click()
    phone.get_by_role("button", name="Cast my vote").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
    q = ballot.questions.get()
    others = RollEntry.objects.filter(ballot=ballot, mark__isnull=True).exclude(
        user__email="secretary@example.org"
    )
    for entry in others.order_by("pk"):
        ballots.cast_ballot(ballot=ballot, answers={str(q.pk): 0}, user=entry.user)

    # The clock passes; the worker's sweep counts the ballot.
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert ballots.close_due_ballots() == 1

    phone.goto(f"/recall/{petition.pk}/")
    expect(phone.get_by_text("Recalled", exact=True)).to_be_visible()
    expect(phone.get_by_role("main")).to_contain_text("A by-election is drafted")
    # The national officer, over the branch, takes the by-election from there.
    officer = new_page()
    sign_in(officer, "officer@example.org")
    officer.goto(f"/recall/{petition.pk}/")
    officer.get_by_role("link", name=f"By-election: {SEAT}").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(f"By-election: {SEAT}")
    holding.refresh_from_db()
    assert holding.ended_on == timezone.localdate()
    phone.goto(f"/holdings/{holding.pk}/")
    expect(phone.get_by_role("main")).to_contain_text("Recalled by ballot")
    assert phone.errors == []
