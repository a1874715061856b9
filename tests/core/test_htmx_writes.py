"""Issue 11, point 5: nothing irreversible happens by accident. Every action that changes
something is a plain form POST, confirmed on its own page (core/confirm_page.html) where it
cannot be undone; htmx only reads (hx-get: previews, results as one types, charts). A template
that made htmx write (hx-post, hx-put, hx-patch, hx-delete) would skip that page without
JavaScript's confirm() being the same text: this test fails until such a write is given the
confirmation page, and then its name here with the reason."""

from __future__ import annotations

import re
from pathlib import Path

import iskra

WRITES = re.compile(r"\b(?:data-)?hx-(post|put|patch|delete)\b")
# Templates allowed to write through htmx, with why.
ALLOWED: dict[str, str] = {
    "campaigns/templates/campaigns/_door_row.html": "Checking someone in at the door: one tap "
    "per arrival on the organiser's phone, in a queue; no confirmation page (it would double "
    "the taps). It deletes nothing: a mistaken tick changes the count shown, and the report's "
    "attendance is typed by the organiser. Without JavaScript it is the same plain POST.",
}


def test_htmx_only_reads() -> None:
    root = Path(iskra.__file__).parent
    found = {
        str(path.relative_to(root)): WRITES.findall(path.read_text())
        for path in root.rglob("*.html")
        if WRITES.search(path.read_text())
    }
    assert set(found) <= set(ALLOWED), found


def test_the_check_finds_a_write() -> None:
    assert WRITES.search('<form hx-post="/motions/1/withdraw/">')
    assert WRITES.search('<button data-hx-delete="/x/">')
    assert not WRITES.search('<div hx-get="/search/" hx-trigger="keyup">')
