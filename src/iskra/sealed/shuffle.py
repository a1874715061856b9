"""Re-encryption shuffle with the Terelius–Wikström proof of a shuffle.

We follow Haenni, Locher, Koenig and Dubuis, "Pseudo-code algorithms for verifiable
re-encryption mix-nets" (Financial Cryptography 2017 Workshops, Voting'17), Algorithms 4.1–4.5
(GenShuffle, GenPermutationCommitment, GenCommitmentChain, GenShuffleProof, CheckShuffleProof),
which is Wikström's proof (Terelius and Wikström, "Proofs of restricted shuffles",
AFRICACRYPT 2010; Wikström, "A commitment-consistent proof of a shuffle", ACISP 2009) and the
variant Belenios uses. Two adaptations, both as in Verificatum (Wikström, "How to implement a
stand-alone verifier for the Verificatum mix-net"):

* ciphertexts are vectors of width ``w`` (one ElGamal ciphertext per position of a ranking),
  re-encrypted component by component with independent randomness, so the response ``s4`` is a
  vector of ``w`` scalars and ``t4`` a vector of ``w`` ciphertext-shaped commitments;
* the challenges ``u_i`` are derived from one seed hashed over the whole statement, then
  ``u_i = H(seed, i)`` (the paper's "Hash((e, e', c), i)" computed once).

Our ElGamal pairs are (α, β) = (g^r, g^m·y^r) — the paper writes (a, b) = (m·pk^r, g^r) — so its
``t_{4,1}``/``t_{4,2}`` are our β/α components. Responses here use the paper's ``ω + c·x``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from . import group as grp
from .errors import FormatError
from .group import IDENTITY, L, add, base, mul, sub
from .proofs import Ciphertext, ct_json, ct_parse

Row = list[Ciphertext]

_GENERATORS: dict[bytes, list[bytes]] = {}


def generators(fp: bytes, count: int) -> list[bytes]:
    """h_0 … h_{count-1}: independent generators derived from the election fingerprint."""
    known = _GENERATORS.setdefault(fp, [])
    while len(known) < count:
        known.append(grp.hash_to_point("generator", fp, len(known)))
    return known[:count]


def random_permutation(n: int) -> list[int]:
    psi = list(range(n))
    for i in range(n - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        psi[i], psi[j] = psi[j], psi[i]
    return psi


def _points(rows: Sequence[Row]) -> list[bytes]:
    return [p for row in rows for c in row for p in c]


def _seed(
    context: bytes, y: bytes, inputs: Sequence[Row], outputs: Sequence[Row], commits: list[bytes]
) -> bytes:
    width = len(inputs[0]) if inputs else 0
    return grp.hash_bytes(
        "shuffle-seed",
        context,
        y,
        len(inputs),
        width,
        *_points(inputs),
        *_points(outputs),
        *commits,
    )


def _challenge(context: bytes, seed: bytes, chain: list[bytes], t: list[bytes]) -> int:
    return grp.hash_to_scalar("shuffle-challenge", context, seed, *chain, *t)


def _t_list(
    t1: bytes, t2: bytes, t3: bytes, t4: list[Ciphertext], t_hat: list[bytes]
) -> list[bytes]:
    return [t1, t2, t3, *[p for c in t4 for p in c], *t_hat]


def shuffle(
    context: bytes,
    fp: bytes,
    y: bytes,
    inputs: Sequence[Row],
    *,
    psi: list[int] | None = None,
    randomness: list[list[int]] | None = None,
) -> tuple[list[Row], dict[str, Any]]:
    """Permute and re-encrypt ``inputs``; return the outputs and the proof.

    Output i is input ``psi[i]`` re-encrypted with ``randomness[i]`` (one scalar per component).
    """
    n = len(inputs)
    width = len(inputs[0]) if n else 0
    psi = random_permutation(n) if psi is None else psi
    if sorted(psi) != list(range(n)):
        raise ValueError("psi is not a permutation")
    if randomness is None:
        randomness = [[grp.random_scalar() for _ in range(width)] for _ in range(n)]
    outputs = [
        [
            (add(c[0], base(r)), add(c[1], mul(r, y)))
            for c, r in zip(inputs[psi[i]], randomness[i], strict=True)
        ]
        for i in range(n)
    ]
    return outputs, prove(context, fp, y, inputs, outputs, psi, randomness)


def prove(
    context: bytes,
    fp: bytes,
    y: bytes,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    psi: list[int],
    randomness: list[list[int]],
) -> dict[str, Any]:
    """GenShuffleProof (Haenni et al. Algorithm 4.4) for ciphertext vectors of any width."""
    n = len(inputs)
    width = len(inputs[0]) if n else 0
    gens = generators(fp, n + 1)
    h, hs = gens[0], gens[1:]
    # Permutation commitment (Algorithm 4.2): c_{psi(i)} = g^{r_{psi(i)}} · h_i.
    r = [grp.random_scalar() for _ in range(n)]
    commits = [IDENTITY] * n
    for i in range(n):
        j = psi[i]
        commits[j] = add(base(r[j]), hs[i])
    seed = _seed(context, y, inputs, outputs, commits)
    u = [grp.hash_to_scalar("shuffle-u", context, seed, i) for i in range(n)]
    u_p = [u[psi[i]] for i in range(n)]
    # Commitment chain (Algorithm 4.3) starting from h.
    r_hat = [grp.random_scalar() for _ in range(n)]
    chain: list[bytes] = []
    previous = h
    for i in range(n):
        previous = add(base(r_hat[i]), mul(u_p[i], previous))
        chain.append(previous)
    r_bar = sum(r) % L
    v = [1] * n
    for i in range(n - 2, -1, -1):
        v[i] = u_p[i + 1] * v[i + 1] % L
    r_hat_sum = sum(a * b for a, b in zip(r_hat, v, strict=True)) % L
    r_tilde = sum(a * b for a, b in zip(r, u, strict=True)) % L
    r_prime = [sum(randomness[i][k] * u_p[i] for i in range(n)) % L for k in range(width)]
    w1, w2, w3 = grp.random_scalar(), grp.random_scalar(), grp.random_scalar()
    w4 = [grp.random_scalar() for _ in range(width)]
    w_hat = [grp.random_scalar() for _ in range(n)]
    w_p = [grp.random_scalar() for _ in range(n)]
    t1, t2 = base(w1), base(w2)
    t3 = base(w3)
    for i in range(n):
        t3 = add(t3, mul(w_p[i], hs[i]))
    t4: list[Ciphertext] = []
    for k in range(width):
        ta, tb = base(-w4[k]), mul(-w4[k], y)
        for i in range(n):
            ta = add(ta, mul(w_p[i], outputs[i][k][0]))
            tb = add(tb, mul(w_p[i], outputs[i][k][1]))
        t4.append((ta, tb))
    t_hat = []
    previous = h
    for i in range(n):
        t_hat.append(add(base(w_hat[i]), mul(w_p[i], previous)))
        previous = chain[i]
    c = _challenge(context, seed, chain, _t_list(t1, t2, t3, t4, t_hat))
    return {
        "commitments": [p.hex() for p in commits],
        "chain": [p.hex() for p in chain],
        "t1": t1.hex(),
        "t2": t2.hex(),
        "t3": t3.hex(),
        "t4": [ct_json(t) for t in t4],
        "t_hat": [p.hex() for p in t_hat],
        "s1": grp.hexs(w1 + c * r_bar),
        "s2": grp.hexs(w2 + c * r_hat_sum),
        "s3": grp.hexs(w3 + c * r_tilde),
        "s4": [grp.hexs(w4[k] + c * r_prime[k]) for k in range(width)],
        "s_hat": [grp.hexs(w_hat[i] + c * r_hat[i]) for i in range(n)],
        "s_prime": [grp.hexs(w_p[i] + c * u_p[i]) for i in range(n)],
    }


def _point_list(proof: dict[str, Any], key: str, n: int, what: str) -> list[bytes]:
    value = proof.get(key)
    if not isinstance(value, list) or len(value) != n:
        raise FormatError(f"{what}: {key!r} must list {n} group elements")
    return [grp.point(p, f"{what} {key}[{i}]") for i, p in enumerate(value)]


def _scalar_list(proof: dict[str, Any], key: str, n: int, what: str) -> list[int]:
    value = proof.get(key)
    if not isinstance(value, list) or len(value) != n:
        raise FormatError(f"{what}: {key!r} must list {n} scalars")
    return [grp.scalar(s, f"{what} {key}[{i}]") for i, s in enumerate(value)]


def verify(
    context: bytes,
    fp: bytes,
    y: bytes,
    inputs: Sequence[Row],
    outputs: Sequence[Row],
    proof: object,
    what: str = "proof of shuffle",
    *,
    trivial_inputs: Sequence[int] | None = None,
) -> bool:
    """CheckShuffleProof (Haenni et al. Algorithm 4.5). Raises FormatError on malformed proofs.

    ``trivial_inputs`` says that input i is the trivial encryption (1, g^m_i) of a public value
    (a voter's ranking): then the products over the inputs are computed from the values.
    """
    if not isinstance(proof, dict):
        raise FormatError(f"{what}: not an object")
    n = len(inputs)
    if len(outputs) != n:
        return False
    width = len(inputs[0]) if n else 0
    if any(len(row) != width for row in outputs):
        return False
    commits = _point_list(proof, "commitments", n, what)
    chain = _point_list(proof, "chain", n, what)
    t1 = grp.point(proof.get("t1"), f"{what} t1")
    t2 = grp.point(proof.get("t2"), f"{what} t2")
    t3 = grp.point(proof.get("t3"), f"{what} t3")
    t4_raw = proof.get("t4")
    if not isinstance(t4_raw, list) or len(t4_raw) != width:
        raise FormatError(f"{what}: 't4' must list {width} pairs")
    t4 = [ct_parse(t, f"{what} t4[{k}]") for k, t in enumerate(t4_raw)]
    t_hat = _point_list(proof, "t_hat", n, what)
    s1 = grp.scalar(proof.get("s1"), f"{what} s1")
    s2 = grp.scalar(proof.get("s2"), f"{what} s2")
    s3 = grp.scalar(proof.get("s3"), f"{what} s3")
    s4 = _scalar_list(proof, "s4", width, what)
    s_hat = _scalar_list(proof, "s_hat", n, what)
    s_p = _scalar_list(proof, "s_prime", n, what)
    if n == 0:
        return True
    gens = generators(fp, n + 1)
    h, hs = gens[0], gens[1:]
    seed = _seed(context, y, inputs, outputs, commits)
    u = [grp.hash_to_scalar("shuffle-u", context, seed, i) for i in range(n)]
    c = _challenge(context, seed, chain, _t_list(t1, t2, t3, t4, t_hat))
    # c̄ = Π c_i / Π h_i ; ĉ = ĉ_N / h^{Π u_i} ; c̃ = Π c_i^{u_i} ; ē = Π e_i^{u_i}.
    c_bar = IDENTITY
    for p, q in zip(commits, hs, strict=True):
        c_bar = add(c_bar, sub(p, q))
    u_prod = 1
    for x in u:
        u_prod = u_prod * x % L
    c_hat = sub(chain[-1], mul(u_prod, h))
    c_tilde = IDENTITY
    for p, x in zip(commits, u, strict=True):
        c_tilde = add(c_tilde, mul(x, p))
    e_bar: list[Ciphertext] = []
    if trivial_inputs is not None:
        e_bar = [(IDENTITY, base(sum(m * x for m, x in zip(trivial_inputs, u, strict=True))))]
    else:
        for k in range(width):
            a, b = IDENTITY, IDENTITY
            for row, x in zip(inputs, u, strict=True):
                a = add(a, mul(x, row[k][0]))
                b = add(b, mul(x, row[k][1]))
            e_bar.append((a, b))
    if add(mul(-c, c_bar), base(s1)) != t1:
        return False
    if add(mul(-c, c_hat), base(s2)) != t2:
        return False
    t3_check = add(mul(-c, c_tilde), base(s3))
    for x, q in zip(s_p, hs, strict=True):
        t3_check = add(t3_check, mul(x, q))
    if t3_check != t3:
        return False
    for k in range(width):
        a = add(mul(-c, e_bar[k][0]), base(-s4[k]))
        b = add(mul(-c, e_bar[k][1]), mul(-s4[k], y))
        for row, x in zip(outputs, s_p, strict=True):
            a = add(a, mul(x, row[k][0]))
            b = add(b, mul(x, row[k][1]))
        if (a, b) != t4[k]:
            return False
    previous = h
    for i in range(n):
        check = add(add(mul(-c, chain[i]), base(s_hat[i])), mul(s_p[i], previous))
        if check != t_hat[i]:
            return False
        previous = chain[i]
    return True


def rows_json(rows: Sequence[Row]) -> list[list[list[str]]]:
    return [[ct_json(c) for c in row] for row in rows]


def rows_parse(value: object, width: int, what: str) -> list[Row]:
    if not isinstance(value, list):
        raise FormatError(f"{what}: a list of ciphertext rows expected")
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != width:
            raise FormatError(f"{what} [{i}]: expected {width} ciphertexts")
        rows.append([ct_parse(c, f"{what} [{i}][{k}]") for k, c in enumerate(row)])
    return rows
