"""The group: ristretto255 (RFC 9496) through libsodium, bundled by ``rbcl``.

Points are 32-byte canonical ristretto255 encodings (``bytes``); scalars are Python integers
modulo the group order ``L``, encoded as 32 bytes little-endian. All curve arithmetic is
libsodium's (``crypto_scalarmult_ristretto255*``, ``crypto_core_ristretto255_*``); this module
adds only integer arithmetic modulo ``L`` and the treatment of the identity element, which
libsodium's scalar multiplication refuses to return (its encoding is 32 zero bytes).

Points that come from outside (JSON) go through :func:`point`, which refuses anything that is
not a canonical encoding of a non-identity element.
"""

from __future__ import annotations

import hashlib
import secrets
import struct
from collections.abc import Callable

import rbcl

from .errors import FormatError

#: The order of the ristretto255 group (RFC 9496 §4).
L = 2**252 + 27742317777372353535851937790883648493
#: The encoding of the identity element.
IDENTITY = bytes(32)
#: The standard generator (RFC 9496 §4.4), as libsodium's ``crypto_scalarmult_ristretto255_base``.
PROTOCOL = "iskra-sealed/1"

_mul: Callable[[bytes, bytes], bytes] = rbcl.crypto_scalarmult_ristretto255
_base: Callable[[bytes], bytes] = rbcl.crypto_scalarmult_ristretto255_base
_add: Callable[[bytes, bytes], bytes] = rbcl.crypto_core_ristretto255_add
_sub: Callable[[bytes, bytes], bytes] = rbcl.crypto_core_ristretto255_sub
_valid: Callable[[bytes], bool] = rbcl.crypto_core_ristretto255_is_valid_point
_from_hash: Callable[[bytes], bytes] = rbcl.crypto_core_ristretto255_from_hash


def scalar_bytes(s: int) -> bytes:
    return (s % L).to_bytes(32, "little")


def base(s: int) -> bytes:
    """g^s for the standard generator g."""
    s %= L
    if s == 0:
        return IDENTITY
    return _base(s.to_bytes(32, "little"))


G = base(1)


def mul(s: int, p: bytes) -> bytes:
    """p^s (written multiplicatively, as in the ElGamal literature)."""
    s %= L
    if s == 0 or p == IDENTITY:
        return IDENTITY
    if p == G:
        return _base(s.to_bytes(32, "little"))
    return _mul(s.to_bytes(32, "little"), p)


def add(p: bytes, q: bytes) -> bytes:
    """The group operation p·q."""
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    return _add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    """p·q⁻¹."""
    if q == IDENTITY:
        return p
    if p == IDENTITY:
        return _sub(IDENTITY, q)
    return _sub(p, q)


def neg(p: bytes) -> bytes:
    return sub(IDENTITY, p)


def is_point(p: bytes) -> bool:
    """A canonical encoding of a group element other than the identity."""
    return len(p) == 32 and p != IDENTITY and bool(_valid(p))


def point(text: object, what: str) -> bytes:
    """Decode a point from lowercase hex; refuse the identity and anything non-canonical."""
    if not isinstance(text, str) or len(text) != 64:
        raise FormatError(f"{what}: not a 64-character hex group element")
    try:
        p = bytes.fromhex(text)
    except ValueError:
        raise FormatError(f"{what}: not hex") from None
    if p.hex() != text:
        raise FormatError(f"{what}: hex must be lowercase")
    if not is_point(p):
        raise FormatError(f"{what}: not a valid ristretto255 group element")
    return p


def scalar(text: object, what: str) -> int:
    """Decode a scalar from 64 lowercase hex digits (32 bytes little-endian), refusing s ≥ L."""
    if not isinstance(text, str) or len(text) != 64:
        raise FormatError(f"{what}: not a 64-character hex scalar")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise FormatError(f"{what}: not hex") from None
    s = int.from_bytes(raw, "little")
    if raw.hex() != text or s >= L:
        raise FormatError(f"{what}: not a canonical scalar")
    return s


def hexs(s: int) -> str:
    return scalar_bytes(s).hex()


def random_scalar() -> int:
    """A uniformly random non-zero scalar from the operating system's CSPRNG."""
    return secrets.randbelow(L - 1) + 1


def enc_str(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">I", len(raw)) + raw


def enc_int(n: int) -> bytes:
    return struct.pack(">Q", n)


Item = bytes | int | str


def _encode(items: tuple[Item, ...]) -> bytes:
    parts = [enc_str(PROTOCOL)]
    for item in items:
        if isinstance(item, bytes):
            parts.append(item)
        elif isinstance(item, str):
            parts.append(enc_str(item))
        else:
            parts.append(enc_int(item))
    return b"".join(parts)


def hash_to_scalar(label: str, *items: Item) -> int:
    """H(label, items…): SHA-512 of the encoded items, read little-endian, reduced mod L.

    Encoding (docs/sealed.md, "Hashing"): str(PROTOCOL) ‖ str(label) ‖ items, where a str is
    a 4-byte big-endian length and its UTF-8 bytes, an int is 8 bytes big-endian, and bytes
    (points, 32-byte fingerprints, 64-byte digests) are written as they are.
    """
    digest = hashlib.sha512(_encode((label, *items))).digest()
    return int.from_bytes(digest, "little") % L


def hash_bytes(label: str, *items: Item) -> bytes:
    """SHA-512 of the same encoding as :func:`hash_to_scalar` (64 bytes)."""
    return hashlib.sha512(_encode((label, *items))).digest()


def hash_to_point(label: str, *items: Item) -> bytes:
    """RFC 9496 §4.3.4 element derivation (libsodium ``from_hash``) of H(label, items…)."""
    return _from_hash(hash_bytes(label, *items))
