"""Signed tokens in the newsletter's links: to unsubscribe (valid for good: an old email's link
must still work) and to confirm a subscription (valid for a week). Each names the subscriber;
the signature (Django's, keyed by SECRET_KEY, with its own salt) is what authenticates it."""

from __future__ import annotations

from django.core import signing

CONFIRM_DAYS = 7
_UNSUBSCRIBE = signing.Signer(salt="iskra.newsletter.unsubscribe")
_CONFIRM = signing.TimestampSigner(salt="iskra.newsletter.confirm")


def unsubscribe_token(subscriber_id: int) -> str:
    return _UNSUBSCRIBE.sign(str(subscriber_id))


def confirm_token(subscriber_id: int) -> str:
    return _CONFIRM.sign(str(subscriber_id))


def read_unsubscribe(token: str) -> int | None:
    try:
        return int(_UNSUBSCRIBE.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def read_confirm(token: str) -> int | None:
    try:
        return int(_CONFIRM.unsign(token, max_age=CONFIRM_DAYS * 86_400))
    except (signing.BadSignature, ValueError):
        return None
