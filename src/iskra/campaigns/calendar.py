"""An event as an iCalendar file (icalendar): to add it to a phone's calendar."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from iskra.campaigns.models import Event


def event_ics(event: Event) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    cal = Calendar()
    cal.add("prodid", "-//Iskra//events//EN")
    cal.add("version", "2.0")
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@iskra")
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("dtstamp", event.created_at)
    item.add("location", event.place)
    item.add("url", settings.SITE_URL + reverse("campaigns:event", args=[event.pk]))
    if event.description:
        item.add("description", event.description[:2000])
    item.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    cal.add_component(item)
    data: bytes = cal.to_ical()
    return data
