"""Exponential ElGamal and the Σ-protocol proofs made non-interactive by Fiat–Shamir.

Conventions follow the Belenios specification (§4, "Zero-knowledge proofs"): a proof is a list
of (challenge, response) pairs; the verifier recomputes the commitments as
``A = g^response · X^challenge`` and checks the challenges against the hash of the statement
and the commitments. The prover answers ``response = w − challenge · secret (mod L)``.

* :func:`schnorr_prove` — knowledge of x with X = g^x (Schnorr 1991), used for trustee keys,
  and as a signature when a message digest is hashed in (Belenios §4.9 "signatures").
* :func:`cp_prove` — equality of discrete logarithms X = g^x, D = A^x (Chaum–Pedersen 1992),
  for decryption factors.
* :func:`cds_prove` — an ElGamal ciphertext encrypts one of the values m_0 … m_K (the
  disjunctive proof of Cramer–Damgård–Schoenmakers 1994, Belenios §4.10 "iprove").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from . import group as grp
from .errors import FormatError, ProofError
from .group import L, add, base, mul, sub

Ciphertext = tuple[bytes, bytes]
Pair = tuple[int, int]


def encrypt(y: bytes, m: int, r: int) -> Ciphertext:
    """(α, β) = (g^r, g^m · y^r)."""
    return base(r), add(base(m), mul(r, y))


def reencrypt(c: Ciphertext, y: bytes, r: int) -> Ciphertext:
    return add(c[0], base(r)), add(c[1], mul(r, y))


def ct_mul(c: Ciphertext, d: Ciphertext) -> Ciphertext:
    return add(c[0], d[0]), add(c[1], d[1])


def ct_pow(c: Ciphertext, k: int) -> Ciphertext:
    return mul(k, c[0]), mul(k, c[1])


ONE: Ciphertext = (grp.IDENTITY, grp.IDENTITY)


def ct_json(c: Ciphertext) -> list[str]:
    return [c[0].hex(), c[1].hex()]


def ct_parse(value: object, what: str) -> Ciphertext:
    if not isinstance(value, list) or len(value) != 2:
        raise FormatError(f"{what}: a ciphertext is a list [alpha, beta]")
    return grp.point(value[0], f"{what} alpha"), grp.point(value[1], f"{what} beta")


def pair_json(p: Pair) -> list[str]:
    return [grp.hexs(p[0]), grp.hexs(p[1])]


def pair_parse(value: object, what: str) -> Pair:
    if not isinstance(value, list) or len(value) != 2:
        raise FormatError(f"{what}: a proof is a list [challenge, response]")
    return grp.scalar(value[0], f"{what} challenge"), grp.scalar(value[1], f"{what} response")


def pairs_parse(value: object, count: int, what: str) -> list[Pair]:
    if not isinstance(value, list) or len(value) != count:
        raise FormatError(f"{what}: expected {count} [challenge, response] pairs")
    return [pair_parse(v, f"{what} [{i}]") for i, v in enumerate(value)]


# Schnorr: knowledge of x with X = g^x, bound to a context and (optionally) a message digest.


def schnorr_prove(label: str, context: bytes, x: int, message: bytes = b"") -> Pair:
    X = base(x)
    w = grp.random_scalar()
    c = grp.hash_to_scalar(label, context, X, base(w), message)
    return c, (w - c * x) % L


def schnorr_verify(label: str, context: bytes, X: bytes, proof: Pair, message: bytes = b"") -> bool:
    c, r = proof
    A = add(base(r), mul(c, X))
    return grp.hash_to_scalar(label, context, X, A, message) == c


# Chaum–Pedersen: X = g^x and D = A^x for the same x.


def cp_prove(label: str, context: bytes, x: int, A: bytes) -> tuple[bytes, Pair]:
    X, D = base(x), mul(x, A)
    w = grp.random_scalar()
    c = grp.hash_to_scalar(label, context, X, A, D, base(w), mul(w, A))
    return D, (c, (w - c * x) % L)


def cp_verify(label: str, context: bytes, X: bytes, A: bytes, D: bytes, proof: Pair) -> bool:
    c, r = proof
    C1 = add(base(r), mul(c, X))
    C2 = add(mul(r, A), mul(c, D))
    return grp.hash_to_scalar(label, context, X, A, D, C1, C2) == c


# Disjunctive proof that (α, β) encrypts one of the given values under y.


@lru_cache(maxsize=256)
def _g_to(m: int) -> bytes:
    """g^m for the few plaintext values the proofs use (0, 1, …, max choices, 2^32)."""
    return base(m)


def _cds_hash(
    context: bytes, y: bytes, c: Ciphertext, values: Sequence[int], commits: list[bytes]
) -> int:
    return grp.hash_to_scalar("cds", context, y, c[0], c[1], len(values), *values, *commits)


def cds_prove(
    context: bytes, y: bytes, c: Ciphertext, r: int, values: Sequence[int], index: int
) -> list[Pair]:
    """Prove (α, β) = (g^r, g^{values[index]} · y^r) without saying which index."""
    alpha, beta = c
    pairs: list[Pair] = [(0, 0)] * len(values)
    commits: list[bytes] = []
    w = grp.random_scalar()
    for i, m in enumerate(values):
        if i == index:
            commits += [base(w), mul(w, y)]
        else:
            ci, ri = grp.random_scalar(), grp.random_scalar()
            pairs[i] = (ci, ri)
            commits += [
                add(base(ri), mul(ci, alpha)),
                add(mul(ri, y), mul(ci, sub(beta, _g_to(m)))),
            ]
    total = _cds_hash(context, y, c, values, commits)
    cj = (total - sum(p[0] for p in pairs)) % L
    pairs[index] = (cj, (w - cj * r) % L)
    return pairs


def cds_verify(
    context: bytes, y: bytes, c: Ciphertext, values: Sequence[int], proof: Sequence[Pair]
) -> bool:
    if len(proof) != len(values):
        return False
    alpha, beta = c
    commits: list[bytes] = []
    for (ci, ri), m in zip(proof, values, strict=True):
        commits += [
            add(base(ri), mul(ci, alpha)),
            add(mul(ri, y), mul(ci, sub(beta, _g_to(m)))),
        ]
    return _cds_hash(context, y, c, values, commits) == sum(p[0] for p in proof) % L


def require(ok: bool, message: str) -> None:
    if not ok:
        raise ProofError(message)
