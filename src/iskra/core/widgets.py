"""Form widgets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FastSelect(forms.Select):
    """A select whose options are written directly rather than through a template per option:
    with a few hundred options Django's per-option templates cost tens of milliseconds."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), " selected" if str(v) in selected else "", label)
                for v, label in self.choices
            ),
        )
        attributes = format_html_join(
            "",
            ' {}="{}"',
            ((k, k if v is True else v) for k, v in final.items() if v not in (None, False)),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
