from __future__ import annotations

from datetime import datetime

from django import template

from iskra.ballots.dates import when as format_when

register = template.Library()


@register.filter(name="when")
def when(moment: datetime | None) -> str:
    """``{{ ballot.closes_at|when }}`` → "Friday 4 December 2026, 17:00 GMT"."""
    return format_when(moment)
