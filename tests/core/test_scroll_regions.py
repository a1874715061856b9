"""A table that scrolls sideways on a phone must be reachable by keyboard and named.

Every ``.table-wrap`` (the wrapper that lets a wide table scroll inside a narrow screen) needs
``tabindex="0"`` so keyboard users can scroll it, and ``role="region"`` with an ``aria-label``
so screen readers announce what the scrolling area holds (axe: scrollable-region-focusable).
"""

from __future__ import annotations

import re
from pathlib import Path

import iskra

TEMPLATES = Path(iskra.__file__).parent
WRAP = re.compile(r"<div\b[^>]*\bclass=\"table-wrap\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_is_focusable_and_named() -> None:
    missing: list[str] = []
    found = 0
    for path in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        for tag in WRAP.findall(path.read_text()):
            found += 1
            needed = ('tabindex="0"', 'role="region"', "aria-label=")
            if not all(n in tag for n in needed) or 'aria-label=""' in tag:
                missing.append(f"{path.relative_to(TEMPLATES)}: {tag[:90]}")
    assert found >= 20, "the pattern no longer finds the wrappers"
    assert not missing, "\n".join(missing)
