"""Issue 11's "done when" for the member, the officer and the scrutineer: each does their job
from the home page through the pages only, on a laptop (1280 by 800) and on a phone (390 by 844),
and every main page visited meets axe's rules (no serious or critical violation). The demo
organisation is the world; the database is read to assert, never written by the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.ballots.models import Ballot
from iskra.core.models import Notification
from iskra.decisions.models import Commitment, Report
from iskra.meetings.models import Reply
from iskra.motions.models import Motion, Post
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _message(page: Any, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def _needs(page: Any) -> Any:
    return page.locator("section", has=page.get_by_role("heading", name="What needs me"))


def _menu(page: Any, viewport: str, link: str) -> None:
    """Follow a link of the main menu, opening it first on a phone."""
    if viewport == "phone":
        page.locator(".menu-button").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_member_does_their_part(new_page: Any, viewport: str) -> None:
    mo = new_page(VIEWPORTS[viewport])
    problems: list[str] = []
    sign_in(mo, "member@example.org")
    problems += violations(mo)
    needs = _needs(mo)

    # My action: report back on what was asked of me by name.
    needs.get_by_role("link", name=re.compile("^Your action: Return the unused")).click()
    mo.wait_for_load_state()
    problems += violations(mo)
    report = mo.locator("form", has=mo.get_by_role("heading", name=re.compile("^Report for")))
    report.get_by_label("Figure").fill("150")
    report.get_by_label("What happened").fill("Returned 150 to the district office.")
    report.get_by_role("button", name="Report").click()
    mo.wait_for_load_state()
    expect(mo.locator(".messages")).to_be_visible()
    assert Report.objects.filter(reported_by__email="member@example.org", figure=150).exists()

    # My branch's action to join: say what I will do.
    _menu(mo, viewport, "Home")
    _needs(mo).get_by_role("link", name=re.compile("^Join in: ")).first.click()
    mo.wait_for_load_state()
    problems += violations(mo)
    commit = mo.locator("form", has=mo.get_by_role("button", name="Commit"))
    commit.get_by_label("What you'll do").fill("Two hours leafleting on Saturday")
    commit.get_by_label("How many (of the target)").fill("100")
    commit.get_by_role("button", name="Commit").click()
    mo.wait_for_load_state()
    expect(mo.locator(".messages")).to_be_visible()
    assert Commitment.objects.filter(
        user__email="member@example.org", description="Two hours leafleting on Saturday"
    ).exists()

    # The motion under discussion: read it and post; the page lands on the new post.
    _menu(mo, viewport, "Home")
    _needs(mo).get_by_role("link", name=re.compile("^For discussion: Defend Riverside")).click()
    mo.wait_for_load_state()
    problems += violations(mo)
    mo.get_by_label("Your contribution").fill(f"Count me in for the lobby ({viewport}).")
    mo.get_by_role("button", name="Post", exact=True).click()
    mo.wait_for_load_state()
    _message(mo, "Your post is in the discussion.")
    post = Post.objects.get(text=f"Count me in for the lobby ({viewport}).")
    assert mo.url.endswith(f"#post-{post.pk}")
    expect(mo.locator(f"#post-{post.pk}")).to_be_in_viewport()

    # The branch meeting: reply to its notice.
    _menu(mo, viewport, "Home")
    _needs(mo).get_by_role("link", name=re.compile("^Meeting: Riverside Branch Meeting")).click()
    mo.wait_for_load_state()
    problems += violations(mo)
    mo.get_by_text("I will attend").click()
    mo.get_by_role("button", name="Send my reply").click()
    mo.wait_for_load_state()
    _message(mo, "down as attending")
    assert Reply.objects.filter(user__email="member@example.org", answer="attending").exists()

    # The branch committee election: rank, review (nothing ranked asks about a blank), cast.
    _menu(mo, viewport, "Home")
    _needs(mo).get_by_role("link", name="Ballot: Riverside Branch Committee election").click()
    mo.wait_for_load_state()
    problems += violations(mo)
    mo.get_by_role("link", name="Vote now").click()
    mo.wait_for_load_state()
    problems += violations(mo)
    mo.get_by_role("button", name="Review my vote").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Cast a blank ballot?")
    mo.get_by_role("button", name="Change my choices").click()
    ranks = mo.locator(".ranks input[type=number]")
    ranks.nth(0).fill("1")
    ranks.nth(1).fill("2")
    first = mo.locator(".ranks label").nth(0).inner_text()
    mo.get_by_role("button", name="Review my vote").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Check your vote before casting it")
    expect(mo.get_by_role("region", name="Your choices")).to_contain_text(first)
    problems += violations(mo)
    mo.get_by_role("button", name="Cast my vote").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
    expect(mo.get_by_role("region", name="What you cast")).to_contain_text(first)
    problems += violations(mo)
    election = Ballot.objects.get(title="Riverside Branch Committee election")
    assert election.roll.filter(user__email="member@example.org", mark__isnull=False).exists()

    # Notifications: read them all.
    _menu(mo, viewport, "Notifications")
    problems += violations(mo)
    if mo.get_by_role("button", name="Mark all read").count():
        mo.get_by_role("button", name="Mark all read").click()
        mo.wait_for_load_state()
        expect(mo.locator(".messages")).to_be_visible()
    assert not Notification.objects.filter(
        user__email="member@example.org", read_at__isnull=True
    ).exists()

    # Search finds the motion.
    mo.goto("/search/?q=library")
    motions = mo.get_by_role("region", name="Motions")
    expect(motions.get_by_role("link", name=re.compile("Defend Riverside Library"))).to_be_visible()
    problems += violations(mo)
    assert problems == [], "\n".join(problems)
    assert mo.errors == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_officer_does_their_part(new_page: Any, viewport: str) -> None:
    olu = new_page(VIEWPORTS[viewport])
    problems: list[str] = []
    sign_in(olu, "officer@example.org")
    problems += violations(olu)

    # A motion awaiting admission, from the home page.
    _needs(olu).get_by_role("link", name=re.compile("^Admit or rule out: Affiliate")).click()
    olu.wait_for_load_state()
    problems += violations(olu)
    olu.get_by_role("button", name="Admit", exact=True).click()
    olu.wait_for_load_state()
    _message(olu, "The motion is admitted")
    assert Motion.objects.get(title="Affiliate to the city trades council").status == "admitted"

    # The state of the discussion: which branches have not discussed it; remind them.
    _menu(olu, viewport, "Home")
    _needs(olu).get_by_role("link", name=re.compile("^For discussion: Defend Riverside")).click()
    olu.wait_for_load_state("networkidle")  # the page's htmx sections have loaded
    olu.get_by_role("link", name="State of the discussion").first.click()
    olu.wait_for_load_state()
    problems += violations(olu)
    not_yet = olu.locator("section", has=olu.get_by_role("heading", name="Not yet discussed"))
    expect(not_yet).to_contain_text("Riverside Branch")  # its meeting is still to come
    olu.get_by_role("button", name="Remind them").click()
    olu.wait_for_load_state()
    _message(olu, "reminded")

    # A ballot: the draft shows its roll before it opens; opening says how many get credentials.
    _menu(olu, viewport, "Home")
    olu.get_by_role("link", name="Hillside Branch", exact=True).first.click()
    olu.wait_for_load_state()
    olu.get_by_role("link", name="Define a ballot").click()
    olu.wait_for_load_state()
    problems += violations(olu)
    title = f"Hillside: consultative ballot ({viewport})"
    olu.get_by_label("Title").fill(title)
    olu.get_by_label("Kind of ballot").select_option(index=0)
    olu.get_by_label("Question").fill("Should the branch hold a monthly street stall?")
    olu.get_by_label("Sealed ballot (recommended)").uncheck()
    olu.get_by_role("button", name="Save draft").click()
    olu.wait_for_load_state()
    expect(olu.get_by_role("heading", level=1)).to_contain_text(title)
    expect(olu.locator("#roll-preview")).to_contain_text(re.compile(r"\d+ members? would be"))
    problems += violations(olu)
    olu.get_by_label("Scrutineer's email").fill("scrutineer@example.org")
    olu.get_by_role("button", name="Appoint").click()
    olu.wait_for_load_state()
    expect(olu.locator(".messages")).to_be_visible()
    blocks = olu.get_by_role("region", name="Before it can open")
    blocks.get_by_role("button", name="Open the ballot and send credentials").click()
    olu.wait_for_load_state()
    expect(olu.get_by_role("main")).to_contain_text(re.compile(r"\d+ voters will get"))
    problems += violations(olu)
    olu.get_by_role("button", name=re.compile("Yes, open it and send credentials")).click()
    olu.wait_for_load_state()
    _message(olu, "credentials are being emailed")
    assert Ballot.objects.get(title=title).state == Ballot.State.OPEN

    # The audit log reads as sentences, not as field dumps.
    _menu(olu, viewport, "Audit log")
    problems += violations(olu)
    main = olu.get_by_role("main").inner_text()
    assert "Affiliate to the city trades council" in main
    assert not re.search(r"\{'\w+': \d+\}", main), "raw data in the audit log"
    assert problems == [], "\n".join(problems)
    assert olu.errors == []


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_scrutineer_does_their_part(new_page: Any, viewport: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from iskra.ballots import services as ballots

    sky = new_page(VIEWPORTS[viewport])
    problems: list[str] = []
    sign_in(sky, "scrutineer@example.org")
    problems += violations(sky)
    # While the election is open: on the home page, with what the scrutineer does.
    _needs(sky).get_by_role(
        "link", name="You scrutinise: Riverside Branch Committee election"
    ).click()
    sky.wait_for_load_state()
    expect(sky.get_by_role("heading", name="You are the scrutineer")).to_be_visible()
    problems += violations(sky)

    # Time passes: the ballot's closing time comes and the worker closes and counts it (the
    # worker's own verb; the scrutineer's part starts here).
    election = Ballot.objects.get(title="Riverside Branch Committee election")
    Ballot.objects.filter(pk=election.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert ballots.close_ballot(ballot_id=election.pk)

    _menu(sky, viewport, "Home")
    _needs(sky).get_by_role(
        "link", name="Sign the scrutineer's report: Riverside Branch Committee election"
    ).click()
    sky.wait_for_load_state()
    problems += violations(sky)
    expect(sky.get_by_role("heading", level=1)).to_have_text("Scrutineer's report")
    sky.get_by_role("link", name="who voted (never how)").click()
    sky.wait_for_load_state()
    problems += violations(sky)
    sky.go_back()
    sky.wait_for_load_state()
    sky.get_by_role("button", name="Sign the report").click()
    sky.wait_for_load_state()
    expect(sky.locator("#attestation")).to_be_visible()
    problems += violations(sky)
    sky.get_by_role("button", name="I attest this and sign the report").click()
    sky.wait_for_load_state()
    expect(sky.get_by_role("status")).to_contain_text("You have signed")
    assert Ballot.objects.get(pk=election.pk).report_signed_at is not None

    # The result: with only a few ballots the figures are withheld, the outcome published.
    sky.goto(f"/ballots/{election.pk}/")
    sky.get_by_role("link", name="See the result").click()
    sky.wait_for_load_state()
    expect(sky.get_by_role("main")).to_contain_text("Figures withheld")
    expect(sky.get_by_role("main")).to_contain_text("Elected:")
    problems += violations(sky)
    # A result with its figures (the hospital strike ballot): a chart, and the figures as a table.
    _menu(sky, viewport, "Ballots")
    sky.get_by_role("link", name=re.compile("strike ballot on the pay cut")).first.click()
    sky.wait_for_load_state()
    sky.get_by_role("link", name="See the result").click()
    sky.wait_for_load_state()
    expect(sky.locator("svg[role=img]").first).to_be_visible()
    expect(sky.locator("table").first).to_be_visible()
    problems += violations(sky)
    assert problems == [], "\n".join(problems)
    assert sky.errors == []
