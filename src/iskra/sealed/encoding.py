"""Canonical JSON and the small encodings shared with the browser (sealed.js).

Canonical JSON is RFC 8785 (JCS) restricted to what these formats use: objects with ASCII keys
(sorted), arrays, strings, integers, booleans and null; no floats; no insignificant whitespace;
strings as ``JSON.stringify`` writes them (UTF-8, only ``"``, ``\\`` and control characters
escaped).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from .errors import FormatError


def canonical(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value."""
    _check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _check(value: Any) -> None:
    """Refuse floats and non-ASCII keys anywhere in the value (one pass, no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, str):
            continue
        if isinstance(item, float):
            raise FormatError("canonical JSON has no floating-point numbers")
        if isinstance(item, int):
            continue
        if isinstance(item, dict):
            for key in item:
                if not isinstance(key, str) or not key.isascii():
                    raise FormatError("canonical JSON keys are ASCII strings")
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        else:
            raise FormatError(f"canonical JSON cannot hold a {type(item).__name__}")


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def fingerprint(value: Any) -> str:
    """Lowercase hex SHA-256 of the canonical JSON: how elections and setups are named."""
    return hashlib.sha256(canonical(value)).hexdigest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fixed_hex(value: object, size: int, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise FormatError(f"{what}: expected {2 * size} hex digits")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise FormatError(f"{what}: not hex") from None
    if raw.hex() != value:
        raise FormatError(f"{what}: hex must be lowercase")
    return raw


def need(obj: Any, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    """obj[key], which must be of ``kind``; a FormatError naming ``what`` otherwise."""
    if not isinstance(obj, dict) or key not in obj:
        raise FormatError(f"{what}: missing field {key!r}")
    value = obj[key]
    if isinstance(value, bool) and kind is int:
        raise FormatError(f"{what}: {key!r} must be an integer")
    if not isinstance(value, kind):
        raise FormatError(f"{what}: {key!r} has the wrong type")
    return value
