"""Who sees and who runs an event or a campaign.

Everyone sees a public event or campaign; members in good standing see every event and
campaign (a branch's picket is the whole organisation's business); the officers of the unit that
holds an event organise it (RSVP lists, check-in, the report, cancelling): an officer of a unit is
an officer of every unit below it."""

from __future__ import annotations

from typing import Any

from iskra.campaigns.models import Campaign, Event
from iskra.core.errors import NotFound
from iskra.motions.permissions import is_active_member
from iskra.organisation.models import Unit
from iskra.organisation.permissions import is_officer_of


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_see(user: Any, thing: Event | Campaign) -> bool:
    return (
        thing.is_public
        or is_active_member(user)
        or (_signed_in(user) and is_officer_of(user, thing.unit))
    )


def can_organise(user: Any, unit: Unit) -> bool:
    return _signed_in(user) and is_officer_of(user, unit)


def load_event(user: Any, event_id: int) -> Event:
    event = Event.objects.select_related("unit", "campaign", "action").filter(pk=event_id).first()
    if event is None or not can_see(user, event):
        raise NotFound("No such event.")
    return event


def load_organised(user: Any, event_id: int) -> Event:
    """An event the person organises (else not found, as for an event they may not see)."""
    event = load_event(user, event_id)
    if not can_organise(user, event.unit):
        raise NotFound("No such event among those you organise.")
    return event


def load_campaign(user: Any, slug: str) -> Campaign:
    campaign = Campaign.objects.select_related("unit").filter(slug=slug).first()
    if campaign is None or not can_see(user, campaign):
        raise NotFound("No such campaign.")
    return campaign
