"""Bounces and complaints reported by the email provider through django-anymail's normalised
tracking webhooks (``/newsletter/anymail/<provider>/tracking/``, when a provider and
``ANYMAIL_WEBHOOK_SECRET`` are configured)."""

from __future__ import annotations

from typing import Any

from iskra.newsletter.subscriptions import (
    follow_email_change,
    record_bounce,
    record_complaint,
    record_unsubscribe,
)


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    email = (getattr(event, "recipient", None) or "").strip()
    if not email:
        return
    metadata = getattr(event, "metadata", None) or {}
    try:
        subscriber_id = int(str(metadata.get("subscriber_id"))) or None
    except (TypeError, ValueError):
        subscriber_id = None
    kind = getattr(event, "event_type", "")
    if kind in ("bounced", "rejected"):
        record_bounce(email=email, hard=True)
    elif kind == "deferred":
        record_bounce(email=email, hard=False)
    elif kind == "complained":
        record_complaint(email=email, subscriber_id=subscriber_id)
    elif kind == "unsubscribed":
        record_unsubscribe(email=email, subscriber_id=subscriber_id)


def on_email_changed(sender: Any, user: Any, old: str, new: str, **kwargs: Any) -> None:
    follow_email_change(user=user, new=new)
