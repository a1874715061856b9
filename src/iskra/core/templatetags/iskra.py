from __future__ import annotations

from typing import Any

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


@register.inclusion_tag("core/count_sheet.html")
def count_sheet(sheet: dict[str, Any]) -> dict[str, Any]:
    """Render a count from ``iskra.voting`` (``CountResult.to_dict()``) as a result sheet:
    one row per candidate, one column per stage, with each stage's action and outcome."""
    stages = sheet.get("stages") or []
    candidates = list(sheet.get("candidates") or [])
    rows = []
    for name in candidates:
        cells = []
        for stage in stages:
            votes = (stage.get("votes") or {}).get(name)
            change = (stage.get("transfers") or {}).get(name)
            status = (
                "elected"
                if name in (stage.get("elected") or [])
                else "excluded"
                if name in (stage.get("excluded") or [])
                else ""
            )
            cells.append({"votes": votes, "change": change, "status": status})
        rows.append({"name": name, "elected": name in (sheet.get("elected") or []), "cells": cells})
    non_transferable = [s.get("non_transferable") for s in stages]
    return {"sheet": sheet, "stages": stages, "rows": rows, "non_transferable": non_transferable}
