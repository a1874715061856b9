"""The demo's main flows, driven in a real Chromium against the live server.

Each test seeds the demo organisation (``iskra.demo.seed.seed_demo``) so what is exercised here is
what a newcomer sees after ``uv run iskra demo``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.members.models import Status
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_member_walks_home_branch_profile_and_membership(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "member@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Mo")
    expect(page.get_by_role("heading", name="What needs me")).to_be_visible()
    # An ordinary member sees no officer pages in the navigation.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Members", exact=True)).to_have_count(0)

    page.get_by_role("main").get_by_role("link", name="Riverside Branch", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Branch")
    expect(page.get_by_role("heading", name="Bodies and officers")).to_be_visible()
    expect(page.get_by_text("Riverside Branch Secretary: Sam Secretary")).to_be_visible()

    nav.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    pronouns = page.get_by_label("Pronouns")
    expect(pronouns).to_have_value("they/them")
    pronouns.fill("they/she")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("saved", ignore_case=True)
    expect(page.get_by_label("Pronouns")).to_have_value("they/she")
    assert User.objects.get(email="member@example.org").pronouns == "they/she"

    nav.get_by_role("link", name="My membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My membership")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Member")
    expect(facts).to_contain_text("Riverside Branch")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert page.errors == []


def test_visitor_applies_and_the_secretary_admits_them(new_page: Any) -> None:
    visitor = new_page()
    visitor.goto("/join/")
    expect(visitor.get_by_role("heading", name="Our aims")).to_be_visible()
    visitor.get_by_label("Your name").fill("Val Visitor")
    visitor.get_by_label("Email").fill("val@example.org")
    visitor.get_by_label("Password").fill("solidarity-forever-1")
    visitor.get_by_role("combobox", name="Branch").select_option(label="Riverside Branch")
    visitor.get_by_label("Anything you'd like the branch to know").fill("I rent in Riverside.")
    visitor.get_by_label("I agree with the aims").check()
    visitor.get_by_role("button", name="Apply to join").click()
    expect(visitor).to_have_url(re.compile(r"/membership/$"))
    expect(visitor.get_by_role("status")).to_contain_text("Your application is with Riverside")
    expect(visitor.locator("dl.facts")).to_contain_text("Applicant")

    secretary = new_page()
    sign_in(secretary, "secretary@example.org")
    needs = secretary.get_by_role("region", name="What needs me")
    needs.get_by_role("link", name="Applications to decide").click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Applications to decide")
    secretary.get_by_role("link", name="Val Visitor").click()
    expect(secretary.get_by_role("heading", level=1)).to_have_text("Application of Val Visitor")
    expect(secretary.locator("dl.facts")).to_contain_text("I rent in Riverside.")
    secretary.get_by_label("Admit").check()
    secretary.get_by_role("button", name="Record decision").click()
    expect(secretary).to_have_url(re.compile(r"/applications/$"))
    expect(secretary.get_by_role("status")).to_contain_text(
        "Val Visitor is admitted to Riverside Branch"
    )
    expect(secretary.get_by_role("link", name="Val Visitor")).to_have_count(0)
    assert User.objects.get(email="val@example.org").membership.status == Status.CANDIDATE

    applicant = new_page()
    sign_in(applicant, "val@example.org", "solidarity-forever-1")
    expect(applicant.get_by_role("main")).to_contain_text("You are a candidate member")
    applicant.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My membership"
    ).click()
    facts = applicant.locator("dl.facts")
    expect(facts).to_contain_text("Candidate member")
    expect(facts).to_contain_text("Probation ends")
    for page in (visitor, secretary, applicant):
        assert page.errors == []


def test_officer_searches_the_directory_and_opens_a_record(new_page: Any) -> None:
    page = new_page()
    sign_in(page, "officer@example.org")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Members", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    results = page.locator("#results")
    count = page.locator("#member-count")
    expect(count).to_have_text(re.compile(r"^[5-9]\d members$"))

    # Live search (htmx): typing replaces the results without a page load.
    page.evaluate("window.__marker = 'same page'")
    page.locator("#main").get_by_label("Search").fill("Mo Member")
    expect(count).to_have_text("1 member")
    expect(results.get_by_role("link", name="Mo Member")).to_be_visible()
    assert page.evaluate("window.__marker") == "same page"
    expect(page).to_have_url(re.compile(r"[?&]q=Mo(\+|%20)Member"))

    # Filtering by status goes through htmx as well.
    page.locator("#main").get_by_label("Search").fill("")
    page.get_by_label("Status").select_option(label="Lapsed")
    expect(count).to_have_text("4 members")
    page.get_by_label("Status").select_option(label="Any status")
    page.locator("#main").get_by_label("Search").fill("Mo Member")
    expect(count).to_have_text("1 member")

    results.get_by_role("link", name="Mo Member").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mo Member")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("member@example.org")
    expect(facts).to_contain_text("Riverside Branch")
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Change status")).to_be_visible()
    assert page.errors == []


def test_directory_search_works_without_javascript(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "officer@example.org")
        page.goto("/members/")
        page.locator("#main").get_by_label("Search").fill("Sam Secretary")
        page.locator("#main").get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"[?&]q=Sam\+Secretary"))
        results = page.locator("#results")
        expect(page.locator("#member-count")).to_have_text("1 member")
        expect(page.get_by_role("heading", level=1)).to_have_text("Members")
        results.get_by_role("link", name="Sam Secretary").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Secretary")
    finally:
        context.close()


PHONE = {"width": 390, "height": 844}


def _assert_no_horizontal_scroll(page: Any) -> None:
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px"


def test_phone_width_pages_do_not_scroll_sideways(new_page: Any) -> None:
    page = new_page(PHONE)
    page.goto("/join/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Join")
    _assert_no_horizontal_scroll(page)
    page.goto("/accounts/login/")
    _assert_no_horizontal_scroll(page)

    sign_in(page, "secretary@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    _assert_no_horizontal_scroll(page)
    for path in ("/membership/", "/members/", "/accounts/profile/"):
        page.goto(path)
        _assert_no_horizontal_scroll(page)
    assert page.errors == []
