"""Issue 14: the paper, on a phone. A writer of The Spark writes an article and submits it; the
sub-editor changes a line and marks it edited (the revision shows the change); the editor
approves and publishes it; a reader who is not signed in finds it on the front page, with its
feed. The editor then builds number 41's print PDF from its desk page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import PHONE, violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo")]


def _staff(kind: str) -> str:
    from iskra.press.models import Role

    return Role.objects.filter(kind=kind).select_related("user").order_by("pk")[0].user.email


def test_write_edit_publish_and_print(new_page: Any) -> None:
    writer = new_page(PHONE)
    sign_in(writer, _staff("writer"))
    writer.get_by_role("button", name="Menu").click()  # the phone's folded menu
    writer.get_by_role("link", name="Paper").click()
    writer.get_by_role("link", name="The desk: write and edit").click()
    writer.get_by_role("link", name="The Spark").click()
    writer.get_by_role("link", name="Write an article").click()
    assert violations(writer) == []
    writer.get_by_label("Text").fill(
        "Forty of us at the gate at six.\n\nThe managers stayed inside."
    )
    writer.get_by_role("button", name="Save the draft").click()
    # The headline was missing: refused, and the text is kept.
    expect(writer.get_by_role("main")).to_contain_text("This field is required")
    expect(writer.get_by_label("Text")).to_have_value(
        "Forty of us at the gate at six.\n\nThe managers stayed inside."
    )
    writer.get_by_label("Headline").fill("Dawn picket holds at the depot")
    writer.get_by_role("button", name="Save the draft").click()
    expect(writer.get_by_role("main")).to_contain_text("Saved as a draft")
    assert violations(writer) == []
    writer.get_by_role("button", name="Submit for editing").click()
    expect(writer.get_by_role("main")).to_contain_text("is now submitted")
    article_url = writer.url

    sub = new_page(PHONE)
    sign_in(sub, _staff("sub_editor"))
    sub.goto(article_url)
    sub.get_by_role("link", name="Edit the text").click()
    sub.get_by_label("Text").fill("Forty of us at the gate at six.\n\nManagement stayed inside.")
    sub.get_by_label("What you changed").fill("House style")
    sub.get_by_role("button", name="Save a new revision").click()
    expect(sub.get_by_role("main")).to_contain_text("Saved as revision 2")
    sub.get_by_role("link", name="Revision 2").click()
    expect(sub.locator("ins")).to_contain_text("Management stayed inside.")
    expect(sub.locator("del")).to_contain_text("The managers stayed inside.")
    assert violations(sub) == []
    sub.go_back()
    sub.get_by_role("button", name="Mark as edited").click()
    expect(sub.get_by_role("main")).to_contain_text("is now edited")

    editor = new_page(PHONE)
    sign_in(editor, "editor@example.org")
    editor.goto(article_url)
    editor.get_by_role("button", name="Approve").click()
    expect(editor.get_by_role("main")).to_contain_text("is now approved")
    editor.get_by_role("button", name="Publish now").click()
    expect(editor.get_by_role("main")).to_contain_text("is now published")

    reader = new_page(PHONE)
    reader.goto("/press/the-spark/")
    reader.get_by_role("link", name="Dawn picket holds at the depot").click()
    expect(reader.get_by_role("article")).to_contain_text("Management stayed inside.")
    assert violations(reader) == []
    feed = reader.request.get("/press/the-spark/feed/atom/")
    assert "Dawn picket holds at the depot" in feed.text()

    # Number 41's print PDF, from the edition's desk page.
    editor.goto("/desk/")
    editor.get_by_role("link", name="The Spark").click()
    editor.get_by_role("link", name="Number 41").click()
    link = editor.get_by_role("link", name="The print PDF")
    pdf = editor.request.get(link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert writer.errors == [] and sub.errors == [] and editor.errors == [] and reader.errors == []
