"""Charts drawn on the server as accessible SVG: no JavaScript, no external files.

Each function returns a ``SafeString`` holding one ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` (``aria-labelledby`` and ``aria-describedby``), so a screen reader announces what the chart shows;
the page shows the same figures as a table beside it (the chart is for the eye, the table for
exact reading). Every label is escaped (``format_html``): names come from members.

- ``bar_chart``: one horizontal bar per label (ballot results).
- ``stacked_chart``: one bar per row split into series (STV stages, the state of discussion).
- ``progress_chart``: one bar per row, filled towards its target (accountability).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics), told apart
# also by the legend's order and each segment's own <title>.
PALETTE = (
    "#a4161a",
    "#1d4ed8",
    "#1b5e20",
    "#8a4b00",
    "#6b21a8",
    "#0f766e",
    "#9d174d",
    "#374151",
)
WIDTH = 600
LABEL_ROW = 18
BAR = 18
ROW = LABEL_ROW + BAR + 10
_ids = itertools.count(1)


def number(value: object) -> float:
    """A figure as a float: numbers, and the strings a count sheet holds ("12.50000"); anything
    else (None, "", "—") counts as 0."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return 0.0


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _svg(height: int, title: str, description: str, body: SafeString, chart_id: str) -> SafeString:
    cid = chart_id or f"chart-{next(_ids)}"
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{0}-t" aria-describedby="{0}-d" viewBox="0 0 {1} {2}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-t">{3}</title><desc id="{0}-d">{4}</desc>{5}</svg>',
        cid,
        WIDTH,
        height,
        title,
        description,
        body,
    )


def _empty(title: str, chart_id: str) -> SafeString:
    body = format_html('<text x="0" y="20" font-size="14" fill="#555">{}</text>', "No figures yet.")
    return _svg(30, title, "No figures yet.", body, chart_id)


def bar_chart(
    bars: Sequence[tuple[str, object]],
    *,
    title: str,
    unit: str = "votes",
    chart_id: str = "",
) -> SafeString:
    """One horizontal bar per (label, value), scaled to the largest value."""
    rows = [(str(label), number(value)) for label, value in bars]
    if not rows:
        return _empty(title, chart_id)
    top = max((v for _, v in rows), default=0.0) or 1.0
    total = sum(v for _, v in rows)
    parts = []
    for i, (label, value) in enumerate(rows):
        y = i * ROW
        width = round((WIDTH - 90) * value / top, 1)
        share = f" ({value / total:.0%})" if total else ""
        parts.append(
            format_html(
                '<g class="bar"><text x="0" y="{}" font-size="14" fill="#1a1a1a">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} {}{}</title></rect>'
                '<text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text></g>',
                y + 14,
                label,
                y + LABEL_ROW,
                width,
                BAR,
                PALETTE[i % len(PALETTE)],
                label,
                _fmt(value),
                unit,
                share,
                width + 6,
                y + LABEL_ROW + 14,
                _fmt(value),
            )
        )
    description = "; ".join(f"{label}: {_fmt(v)} {unit}" for label, v in rows)
    return _svg(len(rows) * ROW, title, description, mark_safe("".join(parts)), chart_id)  # noqa: S308 - each part built by format_html.


def _legend(series: Sequence[str], y: int) -> tuple[SafeString, int]:
    """The series' names with their colours, wrapped over lines; returns (svg, height)."""
    parts = []
    x, line = 0, 0
    for i, name in enumerate(series):
        width = 24 + 8 * len(name)
        if x and x + width > WIDTH:
            x, line = 0, line + 1
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" font-size="13" fill="#1a1a1a">{}</text>',
                x,
                y + line * 20,
                PALETTE[i % len(PALETTE)],
                x + 16,
                y + line * 20 + 11,
                name,
            )
        )
        x += width
    return mark_safe("".join(parts)), (line + 1) * 20 + 6  # noqa: S308 - built by format_html.


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[object]]],
    *,
    series: Sequence[str],
    title: str,
    unit: str = "",
    chart_id: str = "",
) -> SafeString:
    """One bar per (label, values), split into ``series`` (values in the same order), all bars
    on one scale (the largest total), with a legend above."""
    clean = [(str(label), [number(v) for v in values]) for label, values in rows]
    if not clean or not any(sum(v) for _, v in clean):
        return _empty(title, chart_id)
    top = max(sum(v) for _, v in clean) or 1.0
    legend, y0 = _legend(series, 0)
    parts = [legend]
    for i, (label, values) in enumerate(clean):
        y = y0 + i * ROW
        parts.append(
            format_html('<text x="0" y="{}" font-size="14" fill="#1a1a1a">{}</text>', y + 14, label)
        )
        x = 0.0
        for j, value in enumerate(values):
            if value <= 0:
                continue
            width = (WIDTH - 60) * value / top
            name = series[j] if j < len(series) else ""
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff">'
                    "<title>{}, {}: {}{}</title></rect>",
                    round(x, 1),
                    y + LABEL_ROW,
                    round(width, 1),
                    BAR,
                    PALETTE[j % len(PALETTE)],
                    label,
                    name,
                    _fmt(value),
                    f" {unit}" if unit else "",
                )
            )
            x += width
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text>',
                round(x + 6, 1),
                y + LABEL_ROW + 14,
                _fmt(sum(values)),
            )
        )
    description = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{series[j] if j < len(series) else ''} {_fmt(v)}" for j, v in enumerate(values)
        )
        for label, values in clean
    )
    body = mark_safe("".join(parts))  # noqa: S308 - each part built by format_html.
    return _svg(y0 + len(clean) * ROW, title, description, body, chart_id)


def progress_chart(
    rows: Sequence[tuple[str, object, object, object]],
    *,
    title: str,
    chart_id: str = "",
) -> SafeString:
    """One bar per (label, target, committed, reported): the grey track is the target, the light
    fill what was promised, the dark fill what was reported done (each capped at the track)."""
    clean = [(str(label), number(t), number(c), number(r)) for label, t, c, r in rows]
    if not clean:
        return _empty(title, chart_id)
    legend, y0 = _legend(["Reported done", "Promised"], 0)
    track = WIDTH - 120
    parts = [legend]
    for i, (label, target, committed, reported) in enumerate(clean):
        y = y0 + i * ROW
        scale = target or max(committed, reported, 1.0)
        promised = track * min(committed, scale) / scale
        done = track * min(reported, scale) / scale
        share = f"{reported / target:.0%} of target" if target else "no target set"
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="14" fill="#1a1a1a">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="#e5e5e5" stroke="#767676"/>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}: promised {} of {}</title></rect>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"><title>{}: reported {} of {}</title></rect>'
                '<text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text>',
                y + 14,
                label,
                y + LABEL_ROW,
                track,
                BAR,
                y + LABEL_ROW,
                round(promised, 1),
                BAR,
                PALETTE[1],
                label,
                _fmt(committed),
                _fmt(target),
                y + LABEL_ROW + 4,
                round(done, 1),
                BAR - 8,
                PALETTE[0],
                label,
                _fmt(reported),
                _fmt(target),
                track + 6,
                y + LABEL_ROW + 14,
                share,
            )
        )
    description = "; ".join(
        f"{label}: target {_fmt(t)}, promised {_fmt(c)}, reported {_fmt(r)}"
        for label, t, c, r in clean
    )
    body = mark_safe("".join(parts))  # noqa: S308 - each part built by format_html.
    return _svg(y0 + len(clean) * ROW, title, description, body, chart_id)


__all__ = ["bar_chart", "number", "progress_chart", "stacked_chart"]
