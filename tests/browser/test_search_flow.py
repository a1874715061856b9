"""Search on a phone: type in the header's box, see the results, open one; and axe on the page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.meetings.models import Meeting
from iskra.motions.models import Motion
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import DESKTOP, PHONE, check, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_a_member_searches_from_the_header_and_opens_a_result(new_page: Any) -> None:
    motion = Motion.objects.get(title="Defend Riverside Library")
    page = new_page(PHONE)
    sign_in(page, "member@example.org")
    box = page.get_by_label("Find motions, meetings, decisions")
    box.fill("riverside libr")
    box.press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/search/?q=riverside+libr")
    assert page.get_by_role("status").inner_text().endswith("for “riverside libr”")
    motions = page.get_by_role("region", name="Motions")
    assert motions.locator("mark").first.inner_text().lower() == "riverside"
    motions.get_by_role("link", name="Defend Riverside Library").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/motions/{motion.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Defend Riverside Library")
    # The page's own box searches as one types (htmx), one kind at a time.
    page.goto("/search/?q=library")
    page.get_by_role("link", name="Meetings (").click()
    page.wait_for_load_state()
    assert "kind=meeting" in page.url
    # The demo names its next branch meeting after its month.
    upcoming = Meeting.objects.get(
        body__name="Riverside Branch Meeting", status=Meeting.Status.SCHEDULED
    )
    month = upcoming.title.split()[0]
    page.get_by_role("searchbox", name="Search for").fill(month.lower())
    expect(page.locator("#search-count")).to_contain_text(month.lower())
    assert page.get_by_role("link", name=upcoming.title).is_visible()
    assert page.errors == []


def test_the_search_page_meets_no_serious_violation(new_page: Any) -> None:
    member = new_page(PHONE)
    sign_in(member, "member@example.org")
    problems = check(
        member,
        ["/search/", "/search/?q=library", "/search/?q=library&kind=motion", "/search/?q=zzz"],
        desktop={"/search/?q=library"},
    )
    member.goto("/search/?q=" + "x" * 201)  # a form error
    problems += violations(member)
    officer = new_page(PHONE)
    sign_in(officer, "secretary@example.org")
    problems += check(officer, ["/search/?q=member", "/search/?q=m&kind=member"])
    visitor = new_page(DESKTOP)
    problems += check(visitor, ["/search/?q=library"])
    assert problems == []
