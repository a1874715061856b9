"""From the counted ballots to plaintext results: the homomorphic tally, the mix, threshold
decryption with Chaum–Pedersen proofs and Lagrange combination (Belenios §4.13–4.14,
"partial decryptions" and "result"; Pedersen 1991 / Shamir 1979 for the interpolation).

The ciphertexts the trustees decrypt are, in this order ("the decryption list"):
for each question, the homomorphic tally (yes/no: one ciphertext; choose one: one per option;
approval: one per option, then the blank mark if allowed) or, for a ranked question, every
component of every row of the last mix's output, row by row.
"""

from __future__ import annotations

from typing import Any

from . import group as grp
from . import shuffle as shf
from .ballot import grp_product, ranking_from_values
from .election import RADIX, RANKED, Election
from .encoding import need
from .errors import DecryptionError, FormatError, SealedError
from .group import IDENTITY, L, add, base, mul, sub
from .proofs import (
    ONE,
    Ciphertext,
    cp_prove,
    cp_verify,
    ct_mul,
    ct_parse,
    pair_json,
    pair_parse,
)
from .setup import check_signature, sign_message


def homomorphic_tally(
    election: Election, ballots: list[dict[str, Any]]
) -> list[list[Ciphertext] | None]:
    """Per question, the product of every counted ballot's ciphertexts (None for ranked)."""
    out: list[list[Ciphertext] | None] = []
    for qi, q in enumerate(election.questions):
        if q["kind"] in RANKED:
            out.append(None)
            continue
        if q["kind"] == "yes_no":
            out.append(
                [grp_product([ct_parse(b["answers"][qi]["choice"], "choice") for b in ballots])]
            )
            continue
        totals = [ONE] * len(q["options"])
        blank = ONE
        for b in ballots:
            a = b["answers"][qi]
            totals = [
                ct_mul(t, ct_parse(c, "choice")) for t, c in zip(totals, a["choices"], strict=True)
            ]
            if q["kind"] == "approval" and q["blank"]:
                blank = ct_mul(blank, ct_parse(a["blank"], "blank"))
        if q["kind"] == "approval" and q["blank"]:
            totals.append(blank)
        out.append(totals)
    return out


def mix_input(election: Election, ballots: list[dict[str, Any]], qi: int) -> list[shf.Row]:
    return [[ct_parse(c, "ranking") for c in b["answers"][qi]["ranking"]] for b in ballots]


def mix(
    election_data: Any,
    transcript_key: tuple[dict[str, Any], Any],
    qi: int,
    index: int,
    inputs: list[shf.Row],
) -> dict[str, Any]:
    """A trustee's mix of question ``qi``'s rows: shuffled, re-encrypted, proved and signed.
    ``index`` is the mix's place in the chain (0 for the first, which takes the ballots)."""
    from .setup import TrusteeSecrets

    election = _election(election_data)
    context, key = transcript_key
    secrets_ = TrusteeSecrets(context, key)
    outputs, proof = shf.shuffle(election.mix_context(qi, index), election.fp, election.y, inputs)
    message = {
        "type": "mix",
        "question": qi,
        "index": index,
        "trustee": secrets_.trustee,
        "ciphertexts": shf.rows_json(outputs),
        "proof": proof,
    }
    return sign_message("sig-mix", election.fp, secrets_.sign, message)


def check_mixes(
    election: Election, qi: int, inputs: list[shf.Row], mixes: Any, *, complete: bool = True
) -> list[shf.Row]:
    """Check a question's chain of mixes; return the last output. At least k distinct trustees
    must have mixed (``complete``), so that one of them is honest whenever fewer than k
    trustees collude."""
    if not isinstance(mixes, list):
        raise FormatError(f"question {qi + 1}: mixes must be a list")
    width = len(election.questions[qi]["options"]) + 1
    current = inputs
    mixers: set[int] = set()
    for index, m in enumerate(mixes):
        what = f"question {qi + 1}, mix {index + 1}"
        if (
            need(m, "type", str, what) != "mix"
            or m.get("question") != qi
            or m.get("index") != index
        ):
            raise FormatError(f"{what}: wrong type, question or position in the chain")
        trustee = need(m, "trustee", int, what)
        if not 1 <= trustee <= len(election.sign_keys):
            raise FormatError(f"{what}: no trustee {trustee}")
        try:
            check_signature("sig-mix", election.fp, election.sign_keys[trustee - 1], m, what)
        except SealedError:
            raise SealedError(f"{what}: not signed by trustee {trustee}") from None
        outputs = shf.rows_parse(m.get("ciphertexts"), width, f"{what} ciphertexts")
        if len(outputs) != len(current):
            raise SealedError(
                f"{what}: {len(outputs)} ciphertexts out for {len(current)} in (a ballot dropped or added)"
            )
        if not shf.verify(
            election.mix_context(qi, index),
            election.fp,
            election.y,
            current,
            outputs,
            m.get("proof"),
            f"{what} proof",
        ):
            raise SealedError(f"{what} by trustee {trustee}: the proof of shuffle fails")
        mixers.add(trustee)
        current = outputs
    if complete and len(mixers) < election.k:
        raise SealedError(
            f"question {qi + 1}: mixed by {len(mixers)} trustee(s); at least {election.k} must mix"
        )
    return current


def decryption_list(
    election: Election, tally: list[list[Ciphertext] | None], mixed: dict[int, list[shf.Row]]
) -> list[Ciphertext]:
    out: list[Ciphertext] = []
    for qi, q in enumerate(election.questions):
        if q["kind"] in RANKED:
            out.extend(c for row in mixed[qi] for c in row)
        else:
            t = tally[qi]
            assert t is not None
            out.extend(t)
    return out


def decryption_share(
    election_data: Any, trustee: int, share: int, ciphertexts: list[Ciphertext]
) -> dict[str, Any]:
    """Trustee ``trustee``'s decryption factors α^{s_j} with a Chaum–Pedersen proof each."""
    election = _election(election_data)
    if base(share) != election.vks[trustee - 1]:
        raise DecryptionError(
            f"this key does not match trustee {trustee}'s verification key in the election"
        )
    factors, proofs = [], []
    for i, (alpha, _) in enumerate(ciphertexts):
        d, proof = cp_prove("dec", _dec_context(election, trustee, i), share, alpha)
        factors.append(d.hex())
        proofs.append(pair_json(proof))
    return {"type": "decryption", "trustee": trustee, "factors": factors, "proofs": proofs}


def _dec_context(election: Election, trustee: int, index: int) -> bytes:
    return election.fp + grp.enc_int(trustee) + grp.enc_int(index)


def check_decryption_share(
    election: Election, message: Any, ciphertexts: list[Ciphertext]
) -> tuple[int, list[bytes]]:
    """Check a trustee's decryption factors; return (trustee, factors)."""
    trustee = need(message, "trustee", int, "decryption share")
    what = f"trustee {trustee}'s decryption share"
    if need(message, "type", str, what) != "decryption" or not 1 <= trustee <= len(election.vks):
        raise FormatError(f"{what}: wrong type or trustee number")
    factors = need(message, "factors", list, what)
    proofs = need(message, "proofs", list, what)
    if len(factors) != len(ciphertexts) or len(proofs) != len(ciphertexts):
        raise DecryptionError(f"{what}: {len(factors)} factors for {len(ciphertexts)} ciphertexts")
    vk = election.vks[trustee - 1]
    out = []
    for i, ((alpha, _), f, p) in enumerate(zip(ciphertexts, factors, proofs, strict=True)):
        d = grp.point(f, f"{what} factor {i + 1}")
        if not cp_verify(
            "dec",
            _dec_context(election, trustee, i),
            vk,
            alpha,
            d,
            pair_parse(p, f"{what} proof {i + 1}"),
        ):
            raise DecryptionError(f"{what}: the proof of factor {i + 1} fails")
        out.append(d)
    return trustee, out


def lagrange(ids: list[int]) -> dict[int, int]:
    """λ_j = Π_{m≠j} m / (m − j) mod L: interpolation at 0 over the trustees ``ids``."""
    out = {}
    for j in ids:
        num, den = 1, 1
        for m in ids:
            if m != j:
                num = num * m % L
                den = den * (m - j) % L
        out[j] = num * pow(den, -1, L) % L
    return out


def combine(election_data: Any, messages: list[Any], ciphertexts: list[Ciphertext]) -> list[bytes]:
    """g^m for every ciphertext, from the checked shares of at least k distinct trustees."""
    election = _election(election_data)
    shares: dict[int, list[bytes]] = {}
    for m in messages:
        trustee, factors = check_decryption_share(election, m, ciphertexts)
        shares[trustee] = factors
    if len(shares) < election.k:
        raise DecryptionError(f"{len(shares)} trustee(s) have decrypted; {election.k} are needed")
    return combine_unchecked(shares, ciphertexts)


def combine_unchecked(shares: dict[int, list[bytes]], ciphertexts: list[Ciphertext]) -> list[bytes]:
    lam = lagrange(sorted(shares))
    out = []
    for i, (_, beta) in enumerate(ciphertexts):
        mask = IDENTITY
        for j, factors in shares.items():
            mask = add(mask, mul(lam[j], factors[i]))
        out.append(sub(beta, mask))
    return out


class _LogTable:
    """g^m ↦ m for 0 ≤ m ≤ top, built once and extended as needed."""

    def __init__(self) -> None:
        self.table: dict[bytes, int] = {IDENTITY: 0}
        self.current = IDENTITY
        self.top = 0

    def upto(self, bound: int) -> dict[bytes, int]:
        while self.top < bound:
            self.current = add(self.current, grp.G)
            self.top += 1
            self.table[self.current] = self.top
        return self.table


_LOGS = _LogTable()


def _table(bound: int) -> dict[bytes, int]:
    return _LOGS.upto(bound)


def small_log(points: list[bytes], bound: int, what: str) -> list[int]:
    """m with g^m = p, 0 ≤ m ≤ bound, for each point (a table of g^0 … g^bound)."""
    table = _table(bound)
    out = []
    for p in points:
        m = table.get(p)
        if m is None or m > bound:
            raise DecryptionError(f"{what}: the decrypted value is not between 0 and {bound}")
        out.append(m)
    return out


def radix_log(p: bytes, bound: int, what: str) -> tuple[int, int]:
    """(yes, no) with g^{yes + RADIX·no} = p and yes, no ≤ bound (baby-step giant-step)."""
    table = _table(bound)
    step = base(RADIX)
    current = p
    for no in range(bound + 1):
        yes = table.get(current)
        if yes is not None and yes <= bound:
            return yes, no
        current = sub(current, step)
    raise DecryptionError(f"{what}: the decrypted tally is out of range")


def plaintexts(
    election: Election, points: list[bytes], cast: int, mixed_rows: dict[int, int]
) -> list[Any]:
    """Decode the decrypted list into per-question results: counts, or rankings."""
    out: list[Any] = []
    pos = 0
    for qi, q in enumerate(election.questions):
        what = f"question {qi + 1}"
        if q["kind"] == "yes_no":
            yes, no = radix_log(points[pos], cast, what)
            pos += 1
            out.append({"yes": yes, "no": no})
        elif q["kind"] in RANKED:
            width = len(q["options"]) + 1
            rows = []
            values = small_log(points[pos : pos + width * mixed_rows[qi]], width - 1, what)
            for r in range(mixed_rows[qi]):
                row = values[r * width : (r + 1) * width]
                if sorted(row) != list(range(width)):
                    raise DecryptionError(f"{what}: decrypted row {r + 1} is not a ranking")
                rows.append(ranking_from_values(row))
            pos += width * mixed_rows[qi]
            out.append(rows)
        else:
            size = len(q["options"]) + (1 if q["kind"] == "approval" and q["blank"] else 0)
            out.append(small_log(points[pos : pos + size], cast, what))
            pos += size
    return out


def _election(data: Any) -> Election:
    return data if isinstance(data, Election) else Election(data)
