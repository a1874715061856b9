"""Threshold key generation by the trustees: Pedersen's verifiable secret sharing, run by every
trustee at once (Pedersen, "A threshold cryptosystem without a trusted party", EUROCRYPT 1991;
as Belenios' threshold mode, Belenios specification §4.7–4.8 "threshold decryption support"),
with every message passing through the server and every share encrypted to its recipient.

Three rounds; each trustee answers each round from their own secret key file (a random seed):

1. **certificate** — a signing key and an encryption key, each with a proof of knowledge.
2. **polynomial** — a random polynomial f_i of degree k−1: commitments C_{i,t} = g^{a_{i,t}}, a
   proof of knowledge of a_{i,0}, and f_i(j) for every trustee j (itself included) encrypted to
   j's encryption key with hashed ElGamal (the DHIES key encapsulation of Abdalla, Bellare and
   Rogaway, CT-RSA 2001, with the one-time pad taken from SHA-512), the whole message signed.
3. **verification** — trustee j decrypts the n shares addressed to it, checks each against the
   sender's commitments (g^{f_i(j)} = Π_t C_{i,t}^{j^t}), and publishes its verification key
   vk_j = g^{s_j} with s_j = Σ_i f_i(j) and a proof of knowledge of s_j.

The election key is y = Π_i C_{i,0}; its secret Σ_i a_{i,0} is never assembled anywhere. Every
trustee must complete every round: a share that fails its check stops the setup and names the
trustee who sent it (no disqualification, so no trustee can be pushed out).
"""

from __future__ import annotations

import secrets
from typing import Any

from . import group as grp
from .encoding import canonical, fingerprint, fixed_hex, need
from .errors import FormatError, SetupError
from .group import L, add, base, mul
from .proofs import pair_json, pair_parse, schnorr_prove, schnorr_verify

SETUP_FORMAT = "iskra-sealed-setup/1"
KEY_FORMAT = "iskra-sealed-trustee-key/1"


def setup_context(*, uuid: str, trustees: list[str], threshold: int) -> dict[str, Any]:
    """What the trustees agree to before they start: the ballot, who they are, and k of n."""
    n = len(trustees)
    if n < 1:
        raise SetupError("a sealed ballot needs at least one trustee")
    if not 1 <= threshold <= n:
        raise SetupError(f"the threshold must be between 1 and {n} (the number of trustees)")
    return {
        "format": SETUP_FORMAT,
        "uuid": uuid,
        "threshold": threshold,
        "trustees": [{"id": i + 1, "name": name} for i, name in enumerate(trustees)],
    }


def check_context(context: Any) -> tuple[bytes, int, int]:
    """(setup fingerprint, n, k) of a setup context, checking its shape."""
    if need(context, "format", str, "setup") != SETUP_FORMAT:
        raise FormatError(f"setup: format must be {SETUP_FORMAT}")
    need(context, "uuid", str, "setup")
    k = need(context, "threshold", int, "setup")
    trustees = need(context, "trustees", list, "setup")
    n = len(trustees)
    for i, t in enumerate(trustees, start=1):
        if need(t, "id", int, f"setup trustee {i}") != i:
            raise FormatError("setup: trustees must be numbered 1, 2, … in order")
        need(t, "name", str, f"setup trustee {i}")
    if not 1 <= k <= n:
        raise FormatError("setup: threshold out of range")
    return bytes.fromhex(fingerprint(context)), n, k


def new_trustee_key(context: dict[str, Any], trustee: int) -> dict[str, Any]:
    """A trustee's secret key file: 32 random bytes from which every secret is derived."""
    sfp, n, _ = check_context(context)
    if not 1 <= trustee <= n:
        raise SetupError(f"there is no trustee {trustee} in this setup (1 to {n})")
    return {
        "format": KEY_FORMAT,
        "setup": sfp.hex(),
        "trustee": trustee,
        "seed": secrets.token_bytes(32).hex(),
    }


class TrusteeSecrets:
    """The secrets derived from a trustee's key file (RFC 8032-style derivation by hashing)."""

    def __init__(self, context: dict[str, Any], key: Any) -> None:
        self.sfp, self.n, self.k = check_context(context)
        if need(key, "format", str, "trustee key") != KEY_FORMAT:
            raise FormatError(f"trustee key: format must be {KEY_FORMAT}")
        if fixed_hex(need(key, "setup", str, "trustee key"), 32, "trustee key setup") != self.sfp:
            raise SetupError("this key file belongs to another ballot's setup")
        self.trustee = need(key, "trustee", int, "trustee key")
        if not 1 <= self.trustee <= self.n:
            raise FormatError("trustee key: trustee number out of range")
        seed = fixed_hex(need(key, "seed", str, "trustee key"), 32, "trustee key seed")
        self.sign = grp.hash_to_scalar("trustee-sign", self.sfp, seed) or 1
        self.enc = grp.hash_to_scalar("trustee-enc", self.sfp, seed) or 1
        self.poly = [grp.hash_to_scalar("trustee-poly", self.sfp, seed, t) for t in range(self.k)]


def sign_message(label: str, context: bytes, x: int, message: dict[str, Any]) -> dict[str, Any]:
    digest = grp.hash_bytes("message", canonical(message))
    return {**message, "signature": pair_json(schnorr_prove(label, context, x, digest))}


def check_signature(
    label: str, context: bytes, key: bytes, message: dict[str, Any], what: str
) -> None:
    body = {k: v for k, v in message.items() if k != "signature"}
    sig = pair_parse(message.get("signature"), f"{what} signature")
    if not schnorr_verify(label, context, key, sig, grp.hash_bytes("message", canonical(body))):
        raise SetupError(f"{what}: the signature does not verify")


def _eval(poly: list[int], x: int) -> int:
    result = 0
    for a in reversed(poly):
        result = (result * x + a) % L
    return result


def _pad(sfp: bytes, sender: int, recipient: int, ephemeral: bytes, shared: bytes) -> bytes:
    return grp.hash_bytes("share-pad", sfp, sender, recipient, ephemeral, shared)[:32]


# Round 1


def certificate(context: dict[str, Any], key: Any) -> dict[str, Any]:
    s = TrusteeSecrets(context, key)
    enc_key = base(s.enc)
    message = {
        "type": "certificate",
        "trustee": s.trustee,
        "sign_key": base(s.sign).hex(),
        "enc_key": enc_key.hex(),
        "enc_proof": pair_json(schnorr_prove("pok-enc", s.sfp, s.enc)),
    }
    return sign_message("sig-setup", s.sfp, s.sign, message)


def check_certificates(context: dict[str, Any], certs: Any) -> list[tuple[bytes, bytes]]:
    """The (signing key, encryption key) of trustees 1 … n, every proof checked."""
    sfp, n, _ = check_context(context)
    if not isinstance(certs, list) or len(certs) != n:
        raise SetupError(f"expected {n} certificates, one from each trustee")
    keys = []
    for i, cert in enumerate(certs, start=1):
        what = f"trustee {i}'s certificate"
        if need(cert, "type", str, what) != "certificate" or need(cert, "trustee", int, what) != i:
            raise SetupError(f"{what}: wrong type or trustee number")
        sign_key = grp.point(cert.get("sign_key"), f"{what} sign_key")
        enc_key = grp.point(cert.get("enc_key"), f"{what} enc_key")
        check_signature("sig-setup", sfp, sign_key, cert, what)
        proof = pair_parse(cert.get("enc_proof"), f"{what} enc_proof")
        if not schnorr_verify("pok-enc", sfp, enc_key, proof):
            raise SetupError(f"{what}: the proof of knowledge of the encryption key fails")
        keys.append((sign_key, enc_key))
    if len({k for pair in keys for k in pair}) != 2 * n:
        raise SetupError("two certificates share a key")
    return keys


# Round 2


def polynomial(context: dict[str, Any], key: Any, certs: Any) -> dict[str, Any]:
    s = TrusteeSecrets(context, key)
    keys = check_certificates(context, certs)
    if keys[s.trustee - 1][0] != base(s.sign):
        raise SetupError("the certificate published for you is not yours: stop and tell the others")
    shares = []
    for j in range(1, s.n + 1):
        z = grp.random_scalar()
        ephemeral = base(z)
        pad = _pad(s.sfp, s.trustee, j, ephemeral, mul(z, keys[j - 1][1]))
        plain = grp.scalar_bytes(_eval(s.poly, j))
        shares.append(
            {
                "to": j,
                "ephemeral": ephemeral.hex(),
                "ciphertext": bytes(a ^ b for a, b in zip(plain, pad, strict=True)).hex(),
            }
        )
    message = {
        "type": "polynomial",
        "trustee": s.trustee,
        "commitments": [base(a).hex() for a in s.poly],
        "proof": pair_json(schnorr_prove("pok-poly", s.sfp, s.poly[0])),
        "shares": shares,
    }
    return sign_message("sig-setup", s.sfp, s.sign, message)


def check_polynomials(context: dict[str, Any], certs: Any, polys: Any) -> list[list[bytes]]:
    """Each trustee's commitments C_{i,0} … C_{i,k−1}, signatures and proofs checked."""
    sfp, n, k = check_context(context)
    keys = check_certificates(context, certs)
    if not isinstance(polys, list) or len(polys) != n:
        raise SetupError(f"expected {n} polynomials, one from each trustee")
    out = []
    for i, poly in enumerate(polys, start=1):
        what = f"trustee {i}'s polynomial"
        if need(poly, "type", str, what) != "polynomial" or need(poly, "trustee", int, what) != i:
            raise SetupError(f"{what}: wrong type or trustee number")
        check_signature("sig-setup", sfp, keys[i - 1][0], poly, what)
        commits = need(poly, "commitments", list, what)
        if len(commits) != k:
            raise SetupError(f"{what}: expected {k} commitments (threshold {k})")
        points = [grp.point(c, f"{what} commitment {t}") for t, c in enumerate(commits)]
        if not schnorr_verify("pok-poly", sfp, points[0], pair_parse(poly.get("proof"), what)):
            raise SetupError(f"{what}: the proof of knowledge of its constant term fails")
        shares = need(poly, "shares", list, what)
        if [need(sh, "to", int, what) for sh in shares] != list(range(1, n + 1)):
            raise SetupError(f"{what}: expected one encrypted share for each trustee, in order")
        for sh in shares:
            grp.point(sh.get("ephemeral"), f"{what} share for {sh['to']}")
            fixed_hex(sh.get("ciphertext"), 32, f"{what} share for {sh['to']}")
        out.append(points)
    return out


def expected_verification_key(commitments: list[list[bytes]], j: int) -> bytes:
    """g^{s_j} computed from the public commitments alone: Π_i Π_t C_{i,t}^{j^t}."""
    total = grp.IDENTITY
    for points in commitments:
        power = 1
        for point in points:
            total = add(total, mul(power, point))
            power = power * j % L
    return total


def _my_share(s: TrusteeSecrets, polys: list[Any], commitments: list[list[bytes]]) -> int:
    total = 0
    for i, poly in enumerate(polys, start=1):
        sh = poly["shares"][s.trustee - 1]
        ephemeral = grp.point(sh["ephemeral"], "ephemeral")
        pad = _pad(s.sfp, i, s.trustee, ephemeral, mul(s.enc, ephemeral))
        raw = bytes(a ^ b for a, b in zip(bytes.fromhex(sh["ciphertext"]), pad, strict=True))
        value = int.from_bytes(raw, "little")
        if value >= L or base(value) != expected_verification_key([commitments[i - 1]], s.trustee):
            raise SetupError(
                f"the share that trustee {i} sent to trustee {s.trustee} does not match trustee "
                f"{i}'s commitments: the setup must start again (tell the returning officer)"
            )
        total = (total + value) % L
    return total


# Round 3


def verification(context: dict[str, Any], key: Any, certs: Any, polys: Any) -> dict[str, Any]:
    s = TrusteeSecrets(context, key)
    commitments = check_polynomials(context, certs, polys)
    mine = polys[s.trustee - 1]
    if [grp.point(c, "commitment") for c in mine["commitments"]] != [base(a) for a in s.poly]:
        raise SetupError("the polynomial published for you is not yours: stop and tell the others")
    share = _my_share(s, polys, commitments)
    message = {
        "type": "verification",
        "trustee": s.trustee,
        "verification_key": base(share).hex(),
        "proof": pair_json(schnorr_prove("pok-share", s.sfp, share)),
    }
    return sign_message("sig-setup", s.sfp, s.sign, message)


def check_setup(transcript: Any) -> dict[str, Any]:
    """Check a whole setup transcript; return the public outcome (election key and trustees)."""
    context = need(transcript, "context", dict, "setup transcript")
    sfp, n, k = check_context(context)
    certs = need(transcript, "certificates", list, "setup transcript")
    polys = need(transcript, "polynomials", list, "setup transcript")
    verifs = need(transcript, "verifications", list, "setup transcript")
    keys = check_certificates(context, certs)
    commitments = check_polynomials(context, certs, polys)
    if len(verifs) != n:
        raise SetupError(f"expected {n} verification keys, one from each trustee")
    trustees = []
    for j, v in enumerate(verifs, start=1):
        what = f"trustee {j}'s verification key"
        if need(v, "type", str, what) != "verification" or need(v, "trustee", int, what) != j:
            raise SetupError(f"{what}: wrong type or trustee number")
        check_signature("sig-setup", sfp, keys[j - 1][0], v, what)
        vk = grp.point(v.get("verification_key"), what)
        if vk != expected_verification_key(commitments, j):
            raise SetupError(f"{what} does not match the trustees' commitments")
        if not schnorr_verify("pok-share", sfp, vk, pair_parse(v.get("proof"), what)):
            raise SetupError(f"{what}: the proof of knowledge of the key share fails")
        trustees.append(
            {
                "id": j,
                "name": context["trustees"][j - 1]["name"],
                "sign_key": keys[j - 1][0].hex(),
                "enc_key": keys[j - 1][1].hex(),
                "verification_key": vk.hex(),
            }
        )
    y = grp.IDENTITY
    for points in commitments:
        y = add(y, points[0])
    if y == grp.IDENTITY:
        raise SetupError("the election key is the identity element")
    return {"setup": sfp.hex(), "threshold": k, "trustees": trustees, "public_key": y.hex()}


def key_share(context: dict[str, Any], key: Any, transcript: Any) -> int:
    """A trustee's secret share s_j, recomputed from their key file and the transcript."""
    s = TrusteeSecrets(context, key)
    commitments = check_polynomials(context, transcript["certificates"], transcript["polynomials"])
    share = _my_share(s, transcript["polynomials"], commitments)
    return share
