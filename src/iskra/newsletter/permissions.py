"""Who runs a newsletter: the editors of the publication it belongs to."""

from __future__ import annotations

from typing import Any

from iskra.core.errors import NotFound
from iskra.newsletter.models import MailingList, Send
from iskra.press.permissions import is_editor


def can_manage(user: Any, mailing_list: MailingList) -> bool:
    return is_editor(user, mailing_list.publication)


def load_list(user: Any, list_id: int) -> MailingList:
    """A list this person runs (else not found)."""
    found = MailingList.objects.select_related("publication__unit").filter(pk=list_id).first()
    if found is None or not can_manage(user, found):
        raise NotFound("No such newsletter on your desk.")
    return found


def load_send(user: Any, send_id: int) -> Send:
    send = (
        Send.objects.select_related("mailing_list__publication__unit", "created_by")
        .filter(pk=send_id)
        .first()
    )
    if send is None or not can_manage(user, send.mailing_list):
        raise NotFound("No such send on your desk.")
    return send
