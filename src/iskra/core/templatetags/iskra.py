from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from iskra.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter(name="get_item")
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key, [])
