"""Bounces and complaints for plain SMTP: delivery status notifications (RFC 3464) and abuse
reports (ARF, RFC 5965) read from a mailbox (the bounce address's mbox or Maildir, or one
message file), as ``iskra newsletter bounces PATH`` does.

A DSN says, per recipient, ``Action: failed`` with a 5.x.x status (a hard bounce) or
``delayed`` / a 4.x.x status (a soft one); an ARF report names the original recipient of the
message marked as spam."""

from __future__ import annotations

import email
import email.parser
import email.policy
import mailbox
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from iskra.newsletter.subscriptions import record_bounce, record_complaint


@dataclass
class Tally:
    messages: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    stopped: int = 0
    unreadable: int = 0
    addresses: list[str] = field(default_factory=list)


def _address(value: str | None) -> str:
    # "rfc822; ann@example.org" → "ann@example.org"
    text = (value or "").split(";", 1)[-1].strip().strip("<>").strip()
    return text.lower() if "@" in text else ""


def _blocks(part: Message) -> list[Message]:
    """The per-message and per-recipient field blocks of a message/delivery-status part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    parser = email.parser.HeaderParser(policy=email.policy.compat32)
    return [parser.parsestr(block) for block in str(payload).split("\n\n") if block.strip()]


def read_message(msg: Message, tally: Tally) -> None:
    tally.messages += 1
    if msg.get_content_type() != "multipart/report":
        tally.unreadable += 1
        return
    kind = msg.get_param("report-type", "")
    found = False
    for part in msg.walk():
        ctype = part.get_content_type()
        if kind == "delivery-status" and ctype == "message/delivery-status":
            for block in _blocks(part):
                address = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
                if not address:
                    continue
                action = (block.get("Action") or "").strip().lower()
                status = (block.get("Status") or "").strip()
                if action == "failed" and status.startswith("5"):
                    tally.hard += 1
                    tally.stopped += record_bounce(email=address, hard=True)
                elif action in ("failed", "delayed"):
                    tally.soft += 1
                    tally.stopped += record_bounce(email=address, hard=False)
                else:
                    continue
                tally.addresses.append(address)
                found = True
        elif kind == "feedback-report" and ctype == "message/feedback-report":
            for block in _blocks(part) or [part]:
                address = _address(block.get("Original-Rcpt-To"))
                if address:
                    tally.complaints += 1
                    tally.stopped += record_complaint(email=address)
                    tally.addresses.append(address)
                    found = True
    if not found:
        tally.unreadable += 1


def read_path(path: Path) -> Tally:
    """Read every message at ``path``: a Maildir (a folder with cur/ and new/), an mbox file,
    or a single message file."""
    tally = Tally()
    if path.is_dir():
        box: Any = mailbox.Maildir(path, create=False)
    else:
        head = path.read_bytes()[:5]
        if head != b"From ":
            with path.open("rb") as handle:
                read_message(email.message_from_binary_file(handle), tally)
            return tally
        box = mailbox.mbox(path, create=False)
    for msg in box:
        read_message(msg, tally)
    return tally
