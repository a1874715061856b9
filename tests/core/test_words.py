"""core.words.visible: what counts as an empty required text."""

from __future__ import annotations

import pytest

from iskra.core.words import visible


@pytest.mark.parametrize(
    "text", ["", "   ", "\u200b", " \u200b\u200c\u200d\u2060\ufeff ", "\u00a0\u3000", "\t\r\n"]
)
def test_nothing_visible_is_empty(text: str) -> None:
    assert visible(text) == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [(" The hall closes early ", "The hall closes early"), ("\u200bx", "\u200bx"), ("é", "é")],
)
def test_visible_text_is_kept_stripped(text: str, kept: str) -> None:
    assert visible(text) == kept
