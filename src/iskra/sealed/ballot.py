"""Encrypting a ballot, checking it, its tracker, and Benaloh's cast-or-audit.

A ballot answers every question of the election, in order (Belenios §4.11 "ballots"):

* **yes_no** — one ciphertext of g^0 (blank), g^1 (the first option) or g^RADIX (the second),
  with a three-way disjunctive proof; the homomorphic tally yes + RADIX·no is decoded in base
  RADIX (the one-ciphertext encoding of Cramer, Gennaro and Schoenmakers, "A secure and optimally
  efficient multi-authority election scheme", EUROCRYPT 1997, §3). Half the work of one
  ciphertext per option, for the strike ballots that carry the most voters.
* **choose_one** and **approval** — one ciphertext per option with a 0/1 proof, and an
  "overall" proof on their product: the sum is 0 or 1 (choose one; 1 if blank is not allowed),
  or between 1 and max_choices (approval). An approval ballot that may be blank carries one more
  0/1 ciphertext b (blank) and the overall proof is on b^max · Π c_i: K·b + Σ m_i ∈ [1, K],
  which holds exactly when the paper is blank (b = 1, Σ = 0) or approves 1 … K options.
* **ranked** and **stv** — n + 1 ciphertexts (n candidates): position p holds the candidate's
  number (1 … n) or 0, the end of the ranking; the positions after the 0 hold the unranked
  candidates in ascending order (they are never counted). The proof that this is a valid
  ranking is a proof of shuffle (see shuffle.py) of the trivial encryptions of 0, 1, …, n:
  the ciphertexts hold each of 0 … n exactly once.

Every proof's statement starts with the election fingerprint and the voter's credential, so a
proof cannot be copied into another voter's ballot; the ballot is then signed with the
credential (Schnorr signature over the hash of the ballot's canonical JSON).
"""

from __future__ import annotations

import hashlib
from typing import Any

from . import group as grp
from . import shuffle as shf
from .election import RADIX, RANKED, Election, credential_secret
from .encoding import b64url, canonical, need
from .errors import BallotError, FormatError, SealedError
from .group import IDENTITY, add, base
from .proofs import (
    Ciphertext,
    cds_prove,
    cds_verify,
    ct_json,
    ct_mul,
    ct_parse,
    ct_pow,
    encrypt,
    pair_json,
    pairs_parse,
    schnorr_prove,
    schnorr_verify,
)

BLANK = None


def yes_no_values(q: dict[str, Any]) -> list[int]:
    return [0, 1, RADIX] if q["blank"] else [1, RADIX]


def overall_values(q: dict[str, Any]) -> list[int]:
    if q["kind"] == "choose_one":
        return [0, 1] if q["blank"] else [1]
    return list(range(1, q["max_choices"] + 1))


def check_answer(q: dict[str, Any], answer: Any, index: int) -> Any:
    """The answer to one question, checked: an option number, a list of them, or None (blank)."""
    what = f"Question {index + 1}"
    n = len(q["options"])
    blank = answer is None or answer == []
    if blank:
        if not q["blank"]:
            raise SealedError(f"{what} must be answered.")
        return None
    if q["kind"] in ("yes_no", "choose_one"):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < n:
            raise SealedError(f"{what}: choose one of the options.")
        return answer
    if not isinstance(answer, list) or not all(
        isinstance(a, int) and not isinstance(a, bool) and 0 <= a < n for a in answer
    ):
        raise SealedError(f"{what}: that answer does not fit the question.")
    if len(set(answer)) != len(answer):
        raise SealedError(f"{what}: each option can be chosen only once.")
    if q["kind"] == "approval" and len(answer) > q["max_choices"]:
        raise SealedError(f"{what}: choose at most {q['max_choices']}.")
    return list(answer)


def ranking_values(n: int, ranking: list[int] | None) -> list[int]:
    """The n + 1 plaintexts of a ranking: candidates + 1 in order, 0, then the rest ascending."""
    ranked = list(ranking or [])
    rest = [c for c in range(n) if c not in ranked]
    return [c + 1 for c in ranked] + [0] + [c + 1 for c in rest]


def ranking_from_values(values: list[int]) -> list[int]:
    """The ranking (candidate numbers from 0) that a decrypted row of values holds."""
    cut = values.index(0)
    return [v - 1 for v in values[:cut]]


def _encrypt_answer(
    election: Election, cred: bytes, qi: int, q: dict[str, Any], answer: Any
) -> tuple[dict[str, Any], list[int]]:
    y = election.y
    ctx = election.context
    if q["kind"] == "yes_no":
        values = yes_no_values(q)
        m = 0 if answer is None else (1 if answer == 0 else RADIX)
        r = grp.random_scalar()
        c = encrypt(y, m, r)
        proof = cds_prove(ctx(cred, f"q{qi}"), y, c, r, values, values.index(m))
        return {"choice": ct_json(c), "proof": [pair_json(p) for p in proof]}, [r]
    if q["kind"] in RANKED:
        n = len(q["options"])
        values = ranking_values(n, answer)
        rs = [grp.random_scalar() for _ in range(n + 1)]
        trivial = [[(IDENTITY, base(v))] for v in range(n + 1)]
        outputs, shuffle_proof = shf.shuffle(
            ctx(cred, f"q{qi}/ranking"),
            election.fp,
            y,
            trivial,
            psi=values,
            randomness=[[r] for r in rs],
        )
        return {"ranking": [ct_json(row[0]) for row in outputs], "proof": shuffle_proof}, rs
    chosen = set([answer] if q["kind"] == "choose_one" and answer is not None else answer or [])
    cts: list[Ciphertext] = []
    rs = []
    proofs = []
    for j in range(len(q["options"])):
        m = 1 if j in chosen else 0
        r = grp.random_scalar()
        c = encrypt(y, m, r)
        cts.append(c)
        rs.append(r)
        proofs.append(
            [pair_json(p) for p in cds_prove(ctx(cred, f"q{qi}/c{j}"), y, c, r, [0, 1], m)]
        )
    out: dict[str, Any] = {"choices": [ct_json(c) for c in cts], "proofs": proofs}
    total_c = grp_product(cts)
    total_r = sum(rs)
    total_m = len(chosen)
    if q["kind"] == "approval" and q["blank"]:
        b = 1 if not chosen else 0
        rb = grp.random_scalar()
        cb = encrypt(y, b, rb)
        out["blank"] = ct_json(cb)
        out["blank_proof"] = [
            pair_json(p) for p in cds_prove(ctx(cred, f"q{qi}/blank"), y, cb, rb, [0, 1], b)
        ]
        k = q["max_choices"]
        total_c = ct_mul(total_c, ct_pow(cb, k))
        total_r += k * rb
        total_m += k * b
        rs.append(rb)
    values = overall_values(q)
    overall = cds_prove(
        ctx(cred, f"q{qi}/overall"), y, total_c, total_r % grp.L, values, values.index(total_m)
    )
    out["overall"] = [pair_json(p) for p in overall]
    return out, rs


def grp_product(cts: list[Ciphertext]) -> Ciphertext:
    a, b = IDENTITY, IDENTITY
    for c in cts:
        a, b = add(a, c[0]), add(b, c[1])
    return a, b


def _unsigned(election: Election, cred: bytes, answers: list[dict[str, Any]]) -> dict[str, Any]:
    return {"election": election.fp_hex, "credential": cred.hex(), "answers": answers}


def _sign(election: Election, secret: int, body: dict[str, Any]) -> dict[str, Any]:
    digest = grp.hash_bytes("message", canonical(body))
    return {
        **body,
        "signature": pair_json(schnorr_prove("sig-ballot", election.fp, secret, digest)),
    }


def encrypt_ballot(election_data: Any, answers: list[Any], credential: str) -> dict[str, Any]:
    """Encrypt, prove and sign a ballot (the server does this only for voters without
    JavaScript, and keeps neither the answers nor the credential)."""
    ballot, _ = encrypt_ballot_for_audit(election_data, answers, credential)
    return ballot


def encrypt_ballot_for_audit(
    election_data: Any, answers: list[Any], credential: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ballot and what is needed to audit it (Benaloh): the answers and every randomness.
    An audited ballot must never be cast: the voter's device encrypts afresh."""
    election = election_data if isinstance(election_data, Election) else Election(election_data)
    if not isinstance(answers, list) or len(answers) != len(election.questions):
        raise SealedError(f"Answer all {len(election.questions)} questions (or leave them blank).")
    checked = [
        check_answer(q, a, i)
        for i, (q, a) in enumerate(zip(election.questions, answers, strict=True))
    ]
    secret = credential_secret(election.uuid, credential)
    cred = base(secret)
    parts = [
        _encrypt_answer(election, cred, i, q, a)
        for i, (q, a) in enumerate(zip(election.questions, checked, strict=True))
    ]
    ballot = _sign(election, secret, _unsigned(election, cred, [p[0] for p in parts]))
    audit = {
        "tracker": tracker(ballot),
        "answers": checked,
        "randomness": [[grp.hexs(r) for r in p[1]] for p in parts],
    }
    return ballot, audit


def tracker(ballot: dict[str, Any]) -> str:
    """The ballot's tracker: base64url (no padding) of SHA-256 of its canonical JSON."""
    return b64url(hashlib.sha256(canonical(ballot)).digest())


def _check_answer(election: Election, cred: bytes, qi: int, q: dict[str, Any], a: Any) -> None:
    y = election.y
    ctx = election.context
    what = f"question {qi + 1}"
    n = len(q["options"])
    if not isinstance(a, dict):
        raise FormatError(f"{what}: an answer is an object")
    if q["kind"] == "yes_no":
        c = ct_parse(a.get("choice"), f"{what} choice")
        values = yes_no_values(q)
        proof = pairs_parse(a.get("proof"), len(values), f"{what} proof")
        if not cds_verify(ctx(cred, f"q{qi}"), y, c, values, proof):
            raise BallotError(f"{what}: the proof that the answer is a valid choice fails")
        return
    if q["kind"] in RANKED:
        rows = [
            [ct_parse(c, f"{what} ranking [{i}]")]
            for i, c in enumerate(need(a, "ranking", list, what))
        ]
        if len(rows) != n + 1:
            raise FormatError(f"{what}: a ranking has {n + 1} ciphertexts")
        trivial = [[(IDENTITY, base(v))] for v in range(n + 1)]
        ok = shf.verify(
            ctx(cred, f"q{qi}/ranking"),
            election.fp,
            y,
            trivial,
            rows,
            a.get("proof"),
            f"{what} proof",
            trivial_inputs=list(range(n + 1)),
        )
        if not ok:
            raise BallotError(f"{what}: the proof that the ranking is valid fails")
        return
    choices = need(a, "choices", list, what)
    proofs = need(a, "proofs", list, what)
    if len(choices) != n or len(proofs) != n:
        raise FormatError(f"{what}: expected {n} choices and proofs")
    cts = [ct_parse(c, f"{what} choice {j + 1}") for j, c in enumerate(choices)]
    for j, (c, p) in enumerate(zip(cts, proofs, strict=True)):
        if not cds_verify(
            ctx(cred, f"q{qi}/c{j}"), y, c, [0, 1], pairs_parse(p, 2, f"{what} proof {j + 1}")
        ):
            raise BallotError(f"{what}: the proof for option {j + 1} (0 or 1) fails")
    total = grp_product(cts)
    if q["kind"] == "approval" and q["blank"]:
        cb = ct_parse(a.get("blank"), f"{what} blank")
        if not cds_verify(
            ctx(cred, f"q{qi}/blank"),
            y,
            cb,
            [0, 1],
            pairs_parse(a.get("blank_proof"), 2, f"{what} blank proof"),
        ):
            raise BallotError(f"{what}: the proof for the blank mark (0 or 1) fails")
        total = ct_mul(total, ct_pow(cb, q["max_choices"]))
    elif "blank" in a or "blank_proof" in a:
        raise FormatError(f"{what}: unexpected blank mark")
    values = overall_values(q)
    if not cds_verify(
        ctx(cred, f"q{qi}/overall"),
        y,
        total,
        values,
        pairs_parse(a.get("overall"), len(values), f"{what} overall proof"),
    ):
        raise BallotError(f"{what}: the proof that the number of choices is allowed fails")


def check_ballot(election_data: Any, ballot: Any, credentials: set[bytes] | None = None) -> str:
    """Check a ballot's form, credential, signature and every proof; return its tracker.

    ``credentials`` is the set of public credentials on the roll (None: not checked here).
    Raises BallotError (or FormatError) naming the first thing that fails.
    """
    election = election_data if isinstance(election_data, Election) else Election(election_data)
    if not isinstance(ballot, dict) or set(ballot) != {
        "election",
        "credential",
        "answers",
        "signature",
    }:
        raise FormatError("ballot: expected exactly election, credential, answers and signature")
    if ballot["election"] != election.fp_hex:
        raise BallotError("ballot: made for another election (fingerprint differs)")
    cred = grp.point(ballot["credential"], "ballot credential")
    if credentials is not None and cred not in credentials:
        raise BallotError("ballot: its credential is not on the roll")
    body = {k: v for k, v in ballot.items() if k != "signature"}
    sig = pairs_parse([ballot["signature"]], 1, "ballot signature")[0]
    if not schnorr_verify(
        "sig-ballot", election.fp, cred, sig, grp.hash_bytes("message", canonical(body))
    ):
        raise BallotError("ballot: the signature with the voter's credential does not verify")
    answers = ballot["answers"]
    if not isinstance(answers, list) or len(answers) != len(election.questions):
        raise FormatError(f"ballot: expected {len(election.questions)} answers")
    for qi, (q, a) in enumerate(zip(election.questions, answers, strict=True)):
        _check_answer(election, cred, qi, q, a)
    return tracker(ballot)


def check_audit(election_data: Any, ballot: Any, audit: Any) -> list[Any]:
    """Benaloh's audit: re-encrypt the revealed answers with the revealed randomness and check
    that the ballot holds exactly those ciphertexts (and that the ballot itself is valid).
    Returns the answers it holds."""
    election = election_data if isinstance(election_data, Election) else Election(election_data)
    check_ballot(election, ballot)
    answers = need(audit, "answers", list, "audit")
    randomness = need(audit, "randomness", list, "audit")
    if len(answers) != len(election.questions) or len(randomness) != len(answers):
        raise FormatError("audit: one answer and one list of randomness per question")
    y = election.y
    for qi, (q, a, rs_hex, enc) in enumerate(
        zip(election.questions, answers, randomness, ballot["answers"], strict=True)
    ):
        a = check_answer(q, a, qi)
        rs = [grp.scalar(r, f"audit randomness q{qi + 1}") for r in rs_hex]
        if q["kind"] == "yes_no":
            expected = [encrypt(y, 0 if a is None else (1 if a == 0 else RADIX), rs[0])]
            found = [ct_parse(enc["choice"], "choice")]
        elif q["kind"] in RANKED:
            values = ranking_values(len(q["options"]), a)
            expected = [encrypt(y, v, r) for v, r in zip(values, rs, strict=True)]
            found = [ct_parse(c, "ranking") for c in enc["ranking"]]
        else:
            chosen = set([a] if q["kind"] == "choose_one" and a is not None else a or [])
            expected = [
                encrypt(y, 1 if j in chosen else 0, r)
                for j, r in enumerate(rs[: len(q["options"])])
            ]
            found = [ct_parse(c, "choice") for c in enc["choices"]]
            if q["kind"] == "approval" and q["blank"]:
                expected.append(encrypt(y, 0 if chosen else 1, rs[-1]))
                found.append(ct_parse(enc["blank"], "blank"))
        if expected != found:
            raise BallotError(f"audit: question {qi + 1} does not hold the revealed answer")
        answers[qi] = a
    return list(answers)
