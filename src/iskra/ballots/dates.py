"""Every ballot deadline is written the same way, with its time zone: a voter reading an email
abroad, a scrutineer checking the close, and a court reading the notice all see the same moment
("Friday 4 December 2026, 17:00 GMT")."""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat, timezone


def when(moment: datetime | None) -> str:
    """The moment in the organisation's time zone (``TIME_ZONE``), with that zone's name."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    zone = local.tzname() or ""
    if not zone or zone[0] in "+-":
        offset = local.strftime("%z")
        zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{dateformat.format(local, 'l j F Y, H:i')} {zone}"
