"""Issue 14, part 3: the newsletter, on a phone. A reader who is not a member finds "Get it by
email" on The Spark, subscribes to The Spark daily, is told to check their inbox, follows the
link in the confirmation email and confirms with the button; later, the unsubscribe link in an
email takes them off in one click. The editor sends a test of today's draft to themselves."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def test_subscribe_with_double_opt_in_and_leave_in_one_click(new_page: Any) -> None:
    from iskra.newsletter import tokens
    from iskra.newsletter.models import Subscriber

    reader = new_page(PHONE)
    reader.goto("/press/the-spark/")
    reader.get_by_role("link", name="Get it by email").click()
    reader.get_by_role("link", name="Subscribe to The Spark daily").click()
    assert violations(reader) == []
    reader.get_by_label("Your email address").fill("not an address")
    reader.get_by_role("button", name="Subscribe").click()
    expect(reader.get_by_role("main")).to_contain_text("Enter a valid email address")
    mail.outbox.clear()
    reader.get_by_label("Your email address").fill("Reader@Example.com")
    reader.get_by_role("button", name="Subscribe").click()
    expect(reader.get_by_role("main")).to_contain_text("Check your inbox")
    sub = Subscriber.objects.get(email="reader@example.com")
    assert sub.status == "pending"
    (message,) = [m for m in mail.outbox if m.to == ["reader@example.com"]]
    link = next(w for w in message.body.split() if "/newsletter/confirm/" in w)
    reader.goto(urlsplit(link).path)  # the email's link, on the test server
    reader.get_by_role("button", name="Yes, subscribe me").click()
    expect(reader.get_by_role("main")).to_contain_text("You are subscribed")
    sub.refresh_from_db()
    assert sub.status == "active"

    reader.goto(f"/newsletter/unsubscribe/{tokens.unsubscribe_token(sub.pk)}/")
    assert violations(reader) == []
    reader.get_by_role("button", name="Unsubscribe me").click()
    expect(reader.get_by_role("main")).to_contain_text("You are unsubscribed")
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"
    assert reader.errors == []


def test_the_editor_previews_and_sends_a_test(new_page: Any) -> None:
    editor = new_page(PHONE)
    sign_in(editor, "editor@example.org")
    editor.goto("/desk/")
    editor.get_by_role("link", name="The Spark").click()
    editor.get_by_role("link", name="Newsletters").click()
    editor.get_by_role("link", name="The Spark daily").click()
    editor.get_by_role("link", name="The Spark daily: the strike ballot opens").click()
    expect(
        editor.frame_locator("iframe[title='Preview of the email']").locator("body")
    ).to_contain_text("the strike ballot opens")
    assert violations(editor) == []
    mail.outbox.clear()
    editor.get_by_role("button", name="Send a test to me (editor@example.org)").click()
    expect(editor.get_by_role("main")).to_contain_text("A test is on its way")
    assert [m.subject for m in mail.outbox] == ["[Test] The Spark daily: the strike ballot opens"]
    assert editor.errors == []
