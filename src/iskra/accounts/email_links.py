"""The signed link that confirms a new email address (``django.core.signing``, keyed by the
site's secret key): made by the task that sends it, checked by ``confirm_email_change``."""

from __future__ import annotations

from typing import Any

from django.core import signing

EMAIL_CHANGE_SALT = "iskra.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600  # seconds: the link works for three days


def email_change_token(user: Any, new_email: str, request: int) -> str:
    """Bound to the person's current address and to the request it answers (its ``EmailChange``
    row): ``confirm_email_change`` accepts it only while that request is pending, so a link
    works once, and a newer request (or a change made meanwhile) retires every earlier link —
    even if the address is later changed back."""
    return signing.dumps(
        {"u": user.pk, "o": user.email, "n": new_email, "r": request}, salt=EMAIL_CHANGE_SALT
    )
