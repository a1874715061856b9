"""Form widgets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from iskra.core.markdown import render_markdown


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


class MarkdownTextarea(forms.Textarea):
    """A textarea for Markdown with a "Preview" button and a place for the preview under it.

    With JavaScript, htmx posts the form to ``core:markdown_preview`` (naming this field) and
    puts the answer in the preview's place; without it, the button submits the form with
    ``_preview`` and the page (``iskra.core.web.form_view``, ``kept_form``) shows the form again,
    with what was typed, and ``show_preview`` set so the text is rendered under it. Both render
    with ``iskra.core.markdown.render_markdown``, the renderer of the saved text."""

    show_preview = False

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        textarea = super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        target = f"{final.get('id') or 'id_' + name}-preview"
        shown = (
            format_html(
                '<h3 class="preview-heading">Preview</h3><div class="md-body">{}</div>',
                render_markdown(str(value or "")),
            )
            if self.show_preview
            else ""
        )
        return format_html(
            '{}<div class="md-tools"><button type="submit" name="_preview" value="{}" '
            'class="secondary" formnovalidate hx-post="{}" hx-include="closest form" '
            'hx-vals=\'{{"field": "{}"}}\' hx-target="#{}" hx-swap="innerHTML">Preview</button>'
            '<span class="help">Shows the text as it will appear; nothing is saved.</span></div>'
            '<div class="md-preview" id="{}" aria-live="polite">{}</div>',
            textarea,
            name,
            reverse("core:markdown_preview"),
            name,
            target,
            target,
            shown,
        )
