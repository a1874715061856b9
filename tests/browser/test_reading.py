"""Reading on a phone (issue 11, points 14 to 17): the menu behind its button, a result's chart
beside its table, a word on a motion's page explained in the glossary, a Markdown preview."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.ballots import services as ballots
from iskra.ballots.models import Ballot
from iskra.motions.models import Motion, MotionStatus
from tests.browser.conftest import DEMO_PASSWORD, sign_in
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

PHONE = {"width": 390, "height": 844}


def _close_the_election() -> Ballot:
    election = Ballot.objects.get(state=Ballot.State.OPEN, sealed=False)
    # Publish the figures whatever the demo's turnout (see test_accessibility).
    cast = election.cast_ballots.count()
    Ballot.objects.filter(pk=election.pk).update(min_published_ballots=max(cast, 1))
    assert ballots.close_ballot(
        ballot_id=election.pk, now=election.closes_at + timedelta(seconds=1)
    )
    return election


def test_a_member_on_a_phone_reads_menu_chart_and_glossary(new_page: Any) -> None:
    election = _close_the_election()
    motion = Motion.objects.filter(status=MotionStatus.IN_DISCUSSION).first()
    assert motion is not None
    page = new_page(PHONE)
    sign_in(page, "member@example.org")

    # The menu is folded behind a real button that says whether it is open, and opens from it;
    # Escape folds it again, the focus back on the button.
    menu = page.get_by_role("navigation", name="Main")
    button = page.get_by_role("button", name="Menu")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "main-menu")
    button.click()
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Motions")).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="Ballots").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()  # folded again

    # A result: the chart (an image with a name) and the same figures in a table.
    page.goto(f"/ballots/{election.pk}/result/")
    charts = page.locator("svg.chart[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 1
    title = charts.first.locator("title").first.text_content() or ""
    assert title.startswith(("Result:", "Votes held"))
    expect(page.locator(".count-sheet table").first).to_be_attached()
    assert violations(page) == []

    # A motion in discussion: its words link to the glossary, which opens at the term.
    page.goto(f"/motions/{motion.pk}/")
    page.locator("a.term", has_text="circulation").first.click()
    page.wait_for_url("**/glossary/#circulation")
    term = page.locator("dt#circulation")
    expect(term).to_be_visible()
    expect(term).to_have_text("Circulation")
    expect(term.locator("xpath=following-sibling::dd[1]")).to_contain_text("every unit")
    assert violations(page) == []
    assert page.errors == []


def test_a_secretary_previews_a_motion_with_and_without_javascript(
    new_page: Any, browser: Any, live_server: Any
) -> None:
    page = new_page(PHONE)
    sign_in(page, "secretary@example.org")
    page.goto("/motions/new/")
    page.get_by_label("Text", exact=True).fill(
        "We call for **a branch banner** and:\n\n- a stall\n- a rota"
    )
    page.get_by_role("button", name="Preview").first.click()
    preview = page.locator(".md-preview").first
    expect(preview.locator("strong")).to_have_text("a branch banner")
    expect(preview.locator("li")).to_have_count(2)
    assert page.url.endswith("/motions/new/")  # nothing was submitted
    assert violations(page) == []

    # Without JavaScript: the Preview button re-shows the form with the preview and the text.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    try:
        plain = context.new_page()
        sign_in(plain, "secretary@example.org", DEMO_PASSWORD)
        menu = plain.get_by_role("navigation", name="Main")
        expect(menu).to_be_hidden()
        plain.get_by_text("Menu", exact=True).click()  # the checkbox needs no script
        expect(menu).to_be_visible()
        plain.goto("/motions/new/")
        plain.get_by_label("Text", exact=True).fill("Plain *words*")
        plain.get_by_role("button", name="Preview").first.click()
        plain.wait_for_load_state()
        expect(plain.locator(".md-preview em").first).to_have_text("words")
        expect(plain.get_by_label("Text", exact=True)).to_have_value("Plain *words*")
    finally:
        context.close()
