"""Member-written Markdown, rendered and then sanitised so no script or style gets through."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .enable("table")
    .enable("strikethrough")
)


def render_markdown(text: str) -> SafeString:
    html = _md.render(text or "")
    clean = nh3.clean(html, link_rel="nofollow noopener")
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it.
