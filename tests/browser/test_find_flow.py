"""Issue 11, points 9, 11, 13 through the pages, on a phone: a member sees what waits for them
on home, opens a notification and marks the rest read; changes their password and their email
address (following the link from the email), then signs in with both."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from iskra.accounts.models import User
from iskra.core.models import Notification
from tests.browser.conftest import DEMO_PASSWORD, sign_in
from tests.browser.test_accessibility import PHONE, check

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]

NEW_PASSWORD = "a much longer secret 42"


def _confirmation_link(to: str) -> str:
    for message in mail.outbox:
        if message.to == [to]:
            found = re.search(r"/accounts/email/confirm/[^/\s]+/", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no confirmation email to {to}")


def test_a_member_finds_what_waits_reads_notifications_and_changes_sign_in(
    new_page: Any,
) -> None:
    member = User.objects.get(email="member@example.org")
    unread = Notification.objects.filter(user=member, read_at__isnull=True).count()
    assert unread >= 2, "the demo gives the member unread notifications"
    page = new_page(PHONE)
    sign_in(page, "member@example.org")

    # Home: what waits for them, each saying why and linking to the thing.
    needs = page.get_by_role("region", name="What needs me")
    expect(needs.get_by_role("link", name=re.compile("^Your action: "))).to_be_visible()
    expect(needs.get_by_text("assigned to you")).to_be_visible()
    needs.get_by_role("link", name=re.compile("^Your action: ")).click()
    page.wait_for_load_state()
    assert "/actions/" in page.url

    # The header's count, the notification centre, opening one, then the rest read.
    menu = page.get_by_text("Menu", exact=True)  # the phone's folded menu (a checkbox's label)
    if menu.count() and menu.is_visible():
        menu.click()
    link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Notifications")
    )
    expect(link).to_contain_text(f"{unread} unread")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/")
    newest = Notification.objects.filter(user=member).order_by("-created_at", "-pk").first()
    assert newest is not None
    page.get_by_role("link", name=newest.title).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(newest.url)
    page.goto("/notifications/")
    expect(page.get_by_text(f"{unread - 1} unread.")).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("marked read")
    expect(page.get_by_text("Nothing unread.")).to_be_visible()
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()

    # Change the password: a wrong current password keeps what was typed in the other fields.
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Change your password").click()
    page.wait_for_load_state()
    page.get_by_label("Current password").fill("not it")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("current password")
    page.get_by_label("Current password").fill(DEMO_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Your password has changed")

    # Change the email: confirmed by the link sent to the new address.
    mail.outbox.clear()
    page.get_by_role("link", name="Change your email address").click()
    page.wait_for_load_state()
    page.get_by_label("New email address").fill("mo.moved@example.org")
    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Send the confirmation link").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("We have sent a link to mo.moved@")
    assert User.objects.get(pk=member.pk).email == "member@example.org"  # not until confirmed
    assert any(m.to == ["member@example.org"] for m in mail.outbox)  # the old address is told
    page.goto(_confirmation_link("mo.moved@example.org"))
    page.get_by_role("button", name="Confirm my new address").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("now mo.moved@example.org")

    # Signed in elsewhere with the new address and password.
    other = new_page(PHONE)
    sign_in(other, "mo.moved@example.org", NEW_PASSWORD)
    expect(other.get_by_role("heading", level=1)).to_contain_text("Hello")
    assert page.errors == [] and other.errors == []


def test_the_new_pages_meet_no_serious_violation(new_page: Any) -> None:
    page = new_page(PHONE)
    sign_in(page, "member@example.org")
    problems = check(
        page,
        [
            "/",
            "/notifications/",
            "/notifications/?show=unread",
            "/accounts/password/",
            "/accounts/email/",
        ],
        desktop={"/", "/notifications/"},
    )
    page.goto("/accounts/email/")
    page.get_by_role("button", name="Send the confirmation link").click()  # errors shown
    page.wait_for_load_state()
    from tests.browser.test_accessibility import violations

    problems += violations(page)
    page.goto("/accounts/email/confirm/not-a-token/")
    problems += violations(page)
    assert problems == []
