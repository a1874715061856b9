from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from iskra.core import charts
from iskra.core.glossary import BY_SLUG
from iskra.core.markdown import render_markdown
from iskra.core.words import with_article

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


# Charts (iskra.core.charts): drawn from what the page already holds, beside its table.


@register.simple_tag
def votes_chart(question: dict[str, Any], title: str = "") -> SafeString:
    """A ballot question's result (``votes`` by option, and ``blank``) as bars."""
    bars: list[tuple[str, object]] = list((question.get("votes") or {}).items())
    if question.get("blank"):
        bars.append(("Blank", question.get("blank")))
    label = str(question.get("votes_label") or "Votes").lower()
    return charts.bar_chart(
        bars, title=title or f"Result: {question.get('question', '')}", unit=label
    )


@register.simple_tag
def stages_chart(sheet: dict[str, Any]) -> SafeString:
    """An STV count's stages: one stacked bar per stage, a segment per candidate, so transfers
    show as segments growing and shrinking from one stage to the next."""
    stages = sheet.get("stages") or []
    candidates = [str(c) for c in sheet.get("candidates") or []]
    has_nt = any(s.get("non_transferable") not in (None, "") for s in stages)
    series = candidates + (["Non-transferable"] if has_nt else [])
    rows = []
    for stage in stages:
        votes = stage.get("votes") or {}
        values: list[object] = [votes.get(c) for c in candidates]
        if has_nt:
            values.append(stage.get("non_transferable"))
        rows.append((f"Stage {stage.get('number', '')}", values))
    return charts.stacked_chart(
        rows, series=series, title="Votes held by each candidate at each stage", unit="votes"
    )


def _get(obj: Any, name: str) -> Any:
    """A field of a dataclass or a dict alike."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


@register.simple_tag
def discussion_chart(state: Any) -> SafeString:
    """The state of a motion's discussion (``motions.selectors.DiscussionState``, or the same
    as a dict): branches by stance, per group and overall."""
    keys = ("support", "support_if_amended", "oppose", "not_yet")
    series = ("Support", "Support if amended", "Oppose", "Not yet discussed")

    def branches(tally: Any) -> list[object]:
        counts = _get(tally, "branches") or {}
        return [counts.get(k) for k in keys]

    rows = [
        (str(getattr(unit, "name", unit)), branches(t)) for unit, t in _get(state, "groups") or []
    ]
    rows.append(("All", branches(_get(state, "overall"))))
    return charts.stacked_chart(
        rows, series=series, title="State of the discussion: branches by stance", unit="branches"
    )


@register.simple_tag
def accountability_chart(rows: list[Any], total: Any) -> SafeString:
    """Accountability rows (``asked``, ``target``, ``committed``, ``reported``) against targets."""

    get = _get

    def label(row: Any) -> str:
        unit = get(row, "unit")
        return str(getattr(unit, "name", "") or "")

    lines = [(label(r), get(r, "target"), get(r, "committed"), get(r, "reported")) for r in rows]
    lines.append(
        (
            f"All of {label(total)}",
            get(total, "target"),
            get(total, "committed"),
            get(total, "reported"),
        )
    )
    return charts.progress_chart(lines, title="Progress against targets")


@register.simple_tag
def term(slug: str, text: str = "") -> SafeString:
    """``{% term "composite" %}`` (or ``{% term "composite" "composited" %}`` for other words):
    the word as a link to its glossary entry, its meaning as the link's description."""
    entry = BY_SLUG.get(slug)
    if entry is None:
        raise template.TemplateSyntaxError(f"No glossary term {slug!r}")
    return format_html(
        '<a class="term" href="{}#{}" title="{}">{}</a>',
        reverse("core:glossary"),
        entry.slug,
        entry.meaning,
        text or entry.word.lower(),
    )


@register.filter(name="with_article")
def with_article_filter(word: str) -> str:
    """``{{ kind|with_article }}``: "an applicant", "a branch"."""
    return with_article(str(word))
