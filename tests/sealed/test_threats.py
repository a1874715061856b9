"""The threat table, at the level of the cryptography (docs/ballots.md, docs/sealed.md).

The database administrator's view is everything that passes through the server: the setup
transcript (with every encrypted share), the credential batches, the board, the mixes, the
decryption shares — and, as their "logs", every request body the server saw. With all of it,
and every 32-byte value in it tried as a key, no ballot can be decrypted.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from iskra import sealed
from iskra.sealed import group as grp
from iskra.sealed import setup as st
from iskra.sealed.proofs import ct_parse

from .conftest import ANSWERS, Scenario, make_scenario, make_trustees, run_to_export


def _server_view(scenario: Scenario) -> tuple[dict[str, Any], str]:
    """The record at the close (before any decryption) and the server's logs of every request."""
    e = scenario.parsed
    board = sealed.Board(e.fp)
    log = []
    for voter, answers in enumerate(ANSWERS):
        ballot = sealed.encrypt_ballot(e, answers, scenario.credentials[voter])
        log.append(json.dumps({"path": "/cast", "body": ballot}))
        board.append(ballot, sealed.check_ballot(e, ballot))
    for message in ("certificates", "polynomials", "verifications"):
        log.extend(json.dumps(m) for m in scenario.trustees.transcript[message])
    log.extend(json.dumps(b) for b in scenario.batches)
    dump = {
        "election": scenario.election,
        "setup": scenario.trustees.transcript,
        "credentials": scenario.batches,
        "board": board.entries,
    }
    return dump, "\n".join(log)


def _candidate_scalars(text: str) -> set[int]:
    """Every 64-hex-digit string in the dump, read both ways, and every long decimal number."""
    out = set()
    for h in re.findall(r"[0-9a-f]{64}", text):
        raw = bytes.fromhex(h)
        out.add(int.from_bytes(raw, "little") % grp.L)
        out.add(int.from_bytes(raw, "big") % grp.L)
    for d in re.findall(r"\d{20,}", text):
        out.add(int(d) % grp.L)
    return out


def test_a_dba_with_the_dump_and_logs_cannot_decrypt_any_ballot() -> None:
    trustees = make_trustees("dba")
    scenario = make_scenario(trustees)
    dump, logs = _server_view(scenario)
    text = json.dumps(dump) + logs
    e = scenario.parsed
    secret = sum(st.TrusteeSecrets(trustees.context, k).poly[0] for k in trustees.keys) % grp.L
    shares = [scenario.share(j) for j in (1, 2, 3)]
    seeds = [k["seed"] for k in trustees.keys]
    # No secret is in the dump or the logs, in any encoding we can think of.
    for s in [secret, *shares]:
        for encoding in (grp.hexs(s), s.to_bytes(32, "big").hex(), str(s)):
            assert encoding not in text
    for seed in seeds:
        assert seed not in text
    for credential in scenario.credentials:
        assert credential not in text and credential.replace("-", "") not in text
    # Nothing in the dump opens the election key, a trustee's share or an encryption key…
    keys = {grp.point(t["verification_key"], "vk") for t in e.data["trustees"]}
    enc_keys = {grp.point(t["enc_key"], "enc") for t in e.data["trustees"]}
    for s in _candidate_scalars(text):
        p = grp.base(s)
        assert p != e.y and p not in keys and p not in enc_keys
    # … and a ballot's ciphertext decrypts to no plausible answer under any of those values.
    first = ct_parse(dump["board"][0]["ballot"]["answers"][0]["choice"], "c")
    plausible = {grp.IDENTITY, grp.G, grp.base(2**32)}
    for s in _candidate_scalars(text):
        assert grp.sub(first[1], grp.mul(s, first[0])) not in plausible


def test_one_trustee_alone_learns_nothing_checkable(scenario: Scenario) -> None:
    """One trustee's share opens nothing (k = 2): its decryption of a ballot is not the answer."""
    e = scenario.parsed
    ballot = sealed.encrypt_ballot(e, [0, None, [], []], scenario.credentials[0])
    alpha, beta = ct_parse(ballot["answers"][0]["choice"], "c")
    for j in (1, 2, 3):
        opened = grp.sub(beta, grp.mul(scenario.share(j), alpha))
        assert opened not in {grp.IDENTITY, grp.G, grp.base(2**32)}


def test_k_trustees_with_the_server_can_open_a_ballot(scenario: Scenario) -> None:
    """Stated plainly in the threat table: k colluding trustees can decrypt any single ballot
    (this test documents the limit; it is the reason trustees are independent people)."""
    from iskra.sealed import tally as stally

    e = scenario.parsed
    ballot = sealed.encrypt_ballot(e, [1, None, [], []], scenario.credentials[0])
    c = ct_parse(ballot["answers"][0]["choice"], "c")
    lam = stally.lagrange([1, 3])
    secret = (lam[1] * scenario.share(1) + lam[3] * scenario.share(3)) % grp.L
    assert grp.sub(c[1], grp.mul(secret, c[0])) == grp.base(2**32)  # "No"


def test_the_server_cannot_add_a_ballot_or_a_voter() -> None:
    """Covered in detail by test_pipeline (verify names each); here the short story: a ballot
    signed with a credential the authority did not issue, and a credential the server adds to
    a batch, are both refused by the verifier."""
    trustees = make_trustees("stuffing")
    scenario = make_scenario(trustees, voters=3)
    data = run_to_export(scenario, list(ANSWERS[:3]))
    assert sealed.verify_export(data, workers=1)
    data["credentials"].append(
        {
            "type": "credentials",
            "batch": 2,
            "credentials": [grp.base(7).hex()],
            "signature": data["credentials"][0]["signature"],
        }
    )
    data["entitled"] += 1
    with pytest.raises(
        sealed.VerifyError, match="credential batch 2: not signed by the credential authority"
    ):
        sealed.verify_export(data, workers=1)
