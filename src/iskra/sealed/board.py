"""The public board: every accepted ballot, hash-chained, with revotes shown as replacements.

h_0 = SHA-256(str(PROTOCOL) ‖ str("board") ‖ election fingerprint);
h_i = SHA-256(h_{i−1} ‖ SHA-256(canonical JSON of entry i without its "hash")).

An entry is ``{"seq", "tracker", "ballot", "origin", "replaces", "hash"}``: ``origin`` is
"browser" or "server" (encrypted by the server for a voter without JavaScript); ``replaces``
is the tracker of the same credential's previous ballot, which no longer counts (the last
ballot counts, Belenios §4.12 "revoting"). The receipt a voter keeps is
``{"tracker", "seq", "hash"}``: a board from which their ballot was dropped, or whose history
was rewritten, no longer contains it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from . import group as grp
from .encoding import canonical, need
from .errors import FormatError, SealedError


def genesis(fp: bytes) -> bytes:
    return hashlib.sha256(grp.enc_str(grp.PROTOCOL) + grp.enc_str("board") + fp).digest()


def link(previous: bytes, entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(previous + hashlib.sha256(canonical(body)).digest()).digest()


class Board:
    """An in-memory board (the Django step stores the same entries in a table)."""

    def __init__(self, fp: bytes, entries: Iterable[dict[str, Any]] = ()) -> None:
        self.fp = fp
        self.entries: list[dict[str, Any]] = []
        self.head = genesis(fp)
        self.live: dict[str, str] = {}  # credential → tracker of its counted ballot
        self.trackers: set[str] = set()
        for entry in entries:
            self._accept(entry)

    def _accept(self, entry: dict[str, Any]) -> None:
        what = f"board entry {len(self.entries) + 1}"
        if need(entry, "seq", int, what) != len(self.entries) + 1:
            raise SealedError(f"{what}: sequence number {entry['seq']} out of order")
        tracker = need(entry, "tracker", str, what)
        ballot = need(entry, "ballot", dict, what)
        if entry.get("origin") not in ("browser", "server"):
            raise FormatError(f"{what}: origin must be 'browser' or 'server'")
        if tracker in self.trackers:
            raise SealedError(f"{what}: tracker {tracker} is already on the board (a replay)")
        credential = ballot.get("credential")
        if not isinstance(credential, str):
            raise FormatError(f"{what}: the ballot has no credential")
        if entry.get("replaces") != self.live.get(credential):
            raise SealedError(
                f"{what} (tracker {tracker}): 'replaces' must name the same credential's "
                f"previous ballot ({self.live.get(credential)})"
            )
        digest = link(self.head, entry)
        if entry.get("hash") != digest.hex():
            raise SealedError(f"{what} (tracker {tracker}): hash chain broken")
        self.head = digest
        self.entries.append(entry)
        self.trackers.add(tracker)
        self.live[credential] = tracker

    def append(
        self, ballot: dict[str, Any], tracker: str, origin: str = "browser"
    ) -> dict[str, Any]:
        """Add a checked ballot; return its entry (the voter's receipt is seq, tracker, hash)."""
        entry: dict[str, Any] = {
            "seq": len(self.entries) + 1,
            "tracker": tracker,
            "ballot": ballot,
            "origin": origin,
            "replaces": self.live.get(ballot["credential"]),
        }
        entry["hash"] = link(self.head, entry).hex()
        self._accept(entry)
        return entry

    def counted(self) -> list[dict[str, Any]]:
        """The ballots that count: the last one of each credential, in board order."""
        keep = set(self.live.values())
        return [e["ballot"] for e in self.entries if e["tracker"] in keep]

    def replaced(self) -> list[str]:
        keep = set(self.live.values())
        return [e["tracker"] for e in self.entries if e["tracker"] not in keep]


def receipt(entry: dict[str, Any]) -> dict[str, Any]:
    return {"tracker": entry["tracker"], "seq": entry["seq"], "hash": entry["hash"]}


def find(entries: list[dict[str, Any]], tracker: str) -> dict[str, Any] | None:
    for entry in entries:
        if entry.get("tracker") == tracker:
            return entry
    return None


def check_receipt(entries: list[dict[str, Any]], rcpt: dict[str, Any]) -> str:
    """What a voter learns from their receipt: 'counted', 'replaced', or an error."""
    entry = find(entries, rcpt["tracker"])
    if entry is None:
        raise SealedError(f"your ballot (tracker {rcpt['tracker']}) is not on the board")
    if entry.get("seq") != rcpt["seq"] or entry.get("hash") != rcpt["hash"]:
        raise SealedError(
            f"your ballot (tracker {rcpt['tracker']}) is on the board, but the board before it "
            "was changed after you voted"
        )
    later = {e.get("replaces") for e in entries}
    return "replaced" if rcpt["tracker"] in later else "counted"
