"""A strike ballot in a real Chromium: an officer defines and opens it, members vote from their
email links on a phone (the link never leaves the page in a Referer, and the form still passes
the CSRF check) after reviewing their choices, one submits nothing and is asked "cast a blank
ballot?" and goes back to choose, one tries twice,
it closes, the result shows the thresholds, a voter finds their tracker on the board (typed
as people type it) and the scrutineer signs the report."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from iskra.ballots import services
from iskra.ballots.models import Ballot, CastBallot, VoteMark
from iskra.organisation.models import Unit
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

TITLE = "Riverside Hospital porters: strike ballot"
PHONE = {"width": 390, "height": 844}


def voting_links(title: str) -> dict[str, str]:
    """Each voter's link (a path) from the credential emails for this ballot."""
    links = {}
    for message in mail.outbox:
        if title not in message.subject:
            continue
        for line in message.body.splitlines():
            match = re.search(r"(/ballots/\d+/v/[^/\s]+/)", line)
            if match:
                links[message.to[0]] = match.group(1)
    return links


def test_strike_ballot_from_definition_to_signed_report(new_page: Any) -> None:
    riverside = Unit.objects.get(name="Riverside Branch")

    # The branch secretary defines the ballot for the hospital workers.
    officer = new_page()
    sign_in(officer, "secretary@example.org")
    officer.goto(f"/units/{riverside.pk}/")
    officer.get_by_role("link", name="Define a ballot").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        "Define a ballot for Riverside Branch"
    )
    officer.get_by_label("Title").fill(TITLE)
    officer.get_by_label("Kind of ballot").select_option(label="UK industrial action ballot")
    officer.get_by_label("Question").fill("Are you prepared to take part in strike action?")
    # The workplace is picked from those members recorded, not typed.
    officer.get_by_label("Only members at this workplace").select_option(value="Riverside Hospital")
    # Three ballots will be cast: with the default minimum of 10 the board would be withheld.
    publication = officer.get_by_label("Publication minimum (ballots cast)")
    expect(publication).to_have_value("10")
    publication.fill("3")
    # Sealed is the default; this test follows an ordinary secret ballot.
    sealed = officer.get_by_label("Sealed ballot (recommended)")
    expect(sealed).to_be_checked()
    sealed.uncheck()
    officer.get_by_role("button", name="Save draft").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(TITLE)
    problems = officer.get_by_role("region", name="Before it can open")
    expect(problems).to_contain_text("No scrutineer has been appointed.")
    expect(
        problems.get_by_role("button", name="Open the ballot and send credentials")
    ).to_be_disabled()

    officer.get_by_label("Scrutineer's email").fill("scrutineer@example.org")
    officer.get_by_role("button", name="Appoint").click()
    expect(officer.locator("dl.facts")).to_contain_text("Sky Scrutineer")
    expect(problems).to_contain_text("Nothing blocks it")
    expect(officer.locator("#roll-preview")).to_contain_text("would be entitled to vote")
    mail.outbox.clear()
    # Opening asks first, saying how many voters will get credentials.
    problems.get_by_role("button", name="Open the ballot and send credentials").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Open the ballot")
    expect(officer.get_by_role("main")).to_contain_text(re.compile(r"\d+ voters will get"))
    assert Ballot.objects.get(title=TITLE).state == Ballot.State.DRAFT
    officer.get_by_role("button", name=re.compile("Yes, open it and send credentials")).click()
    expect(officer.get_by_role("status")).to_contain_text("credentials are being emailed")
    ballot = Ballot.objects.get(title=TITLE)
    assert ballot.state == Ballot.State.OPEN and ballot.roll_size >= 20
    links = voting_links(TITLE)
    assert len(links) == ballot.roll_size
    voters = ["member@example.org", *sorted(e for e in links if e != "member@example.org")[:2]]

    # Three members vote from their links on a phone: open the link, choose, cast. The last
    # opened the link in a second tab too, before voting.
    trackers = {}
    second_tab = None
    referers: list[str] = []
    for email, choice in zip(voters, ["Yes", "Yes", "No"], strict=True):
        phone = new_page(PHONE)
        phone.on("request", lambda request: referers.append(request.headers.get("referer", "")))
        phone.goto(links[email])
        expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
        if email == voters[1]:
            # Nothing chosen is not silently a blank vote: the page asks, and nothing is cast
            # until the voter says yes; this one goes back to choose.
            phone.get_by_role("button", name="Review my vote").click()
            expect(phone.get_by_role("heading", level=1)).to_have_text("Cast a blank ballot?")
            expect(phone.get_by_role("button", name="Yes, cast a blank ballot")).to_be_visible()
            assert CastBallot.objects.filter(ballot=ballot).count() == 1
            phone.get_by_role("button", name="Change my choices").click()
            expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
        if email == voters[2]:
            second_tab = phone.context.new_page()
            second_tab.goto(links[email])
        question = phone.get_by_role("group", name=re.compile("strike action"))
        question.get_by_label(choice, exact=True).check()
        # The review shows the choice before it is cast.
        phone.get_by_role("button", name="Review my vote").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text(
            "Check your vote before casting it"
        )
        expect(phone.get_by_role("region", name="Your choices")).to_contain_text(choice)
        phone.get_by_role("button", name="Cast my vote").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
        # What was cast, on the voter's own screen.
        expect(phone.get_by_role("region", name="What you cast")).to_contain_text(choice)
        trackers[email] = phone.locator(".tracker code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", trackers[email])
        assert phone.errors == []
    # The pages at the voting link fetched their styles and scripts, and posted the form (the
    # CSRF check passed): no request carried the link in its Referer.
    assert len(referers) > 6
    assert not [r for r in referers if "/v/" in r], referers

    # From the second tab they try to vote again: a clear refusal, and nothing changes.
    assert second_tab is not None
    second_tab.get_by_label("Yes", exact=True).check()
    second_tab.get_by_role("button", name="Review my vote").click()
    expect(second_tab.get_by_role("heading", level=1)).to_have_text("You have already voted")
    ballot.refresh_from_db()
    assert ballot.refused_second_attempts == 1
    expect(second_tab.get_by_role("alert")).to_contain_text("already been cast")
    assert CastBallot.objects.filter(ballot=ballot).count() == 3
    assert VoteMark.objects.filter(roll_entry__ballot=ballot).count() == 3
    assert sorted(
        e.content[str(ballot.questions.get().pk)] for e in CastBallot.objects.filter(ballot=ballot)
    ) == [0, 0, 1]

    # The worker closes it when its time comes.
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.close_due_ballots() >= 1

    # The result shows every threshold with its arithmetic.
    member = new_page(PHONE)
    sign_in(member, "member@example.org")
    member.goto(f"/ballots/{ballot.pk}/")
    expect(member.get_by_role("status")).to_contain_text("You have voted in this ballot.")
    member.get_by_role("link", name="See the result").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Result")
    main = member.get_by_role("main")
    expect(main).to_contain_text("Not passed")
    expect(main).to_contain_text("majority of those voting")
    expect(main).to_contain_text(f"3 / {ballot.roll_size}")
    expect(main).to_contain_text("turnout — required at least 50.00%")

    # The voter finds their tracker on the bulletin board.
    member.get_by_role("link", name="Find your ballot").click()
    # Typed as on a phone: lower case, spaces for the hyphens.
    typed = trackers["member@example.org"].lower().replace("-", " ")
    member.get_by_label("Your tracker code").fill(typed)
    member.get_by_role("button", name="Find my ballot").click()
    found = member.get_by_role("status")
    expect(found).to_contain_text("Found your ballot")
    expect(found).to_contain_text(trackers["member@example.org"])
    expect(found.locator("dd")).to_have_text("Yes")
    assert member.errors == []

    # The scrutineer checks who voted and signs the report.
    scrutineer = new_page()
    sign_in(scrutineer, "scrutineer@example.org")
    scrutineer.goto(f"/ballots/{ballot.pk}/")
    scrutineer.get_by_role("link", name="Who voted (never how)").click()
    expect(scrutineer.get_by_role("row", name=re.compile("Mo Member"))).to_contain_text("yes")
    scrutineer.go_back()
    scrutineer.get_by_role("button", name="Sign the report").click()
    # Signing asks first, with the attestation being signed.
    expect(scrutineer.locator("#attestation")).to_contain_text("attest that I have examined")
    scrutineer.get_by_role("button", name="I attest this and sign the report").click()
    expect(scrutineer.get_by_role("status")).to_contain_text("You have signed")
    scrutineer.get_by_role("link", name="Your report").click()
    expect(scrutineer.get_by_role("main")).to_contain_text("Signed by Sky Scrutineer")
    expect(scrutineer.get_by_role("main")).to_contain_text("Refused second attempts")
    ballot.refresh_from_db()
    assert ballot.report_signed_by is not None
    assert officer.errors == [] and scrutineer.errors == []
