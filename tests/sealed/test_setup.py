"""Trustees' key generation and threshold decryption: any k of n shares decrypt; k − 1 do not;
a wrong share or message is caught and its sender named."""

from __future__ import annotations

import copy
import itertools

import pytest

from iskra import sealed
from iskra.sealed import group as grp
from iskra.sealed import setup as st
from iskra.sealed import tally as stally
from iskra.sealed.errors import DecryptionError, FormatError, SetupError
from iskra.sealed.proofs import encrypt

from .conftest import Scenario, Trustees, make_trustees


def test_the_election_key_is_the_sum_of_the_constant_terms(trustees: Trustees) -> None:
    secret = sum(st.TrusteeSecrets(trustees.context, k).poly[0] for k in trustees.keys) % grp.L
    assert grp.base(secret).hex() == trustees.outcome["public_key"]
    # … and it is what any two shares interpolate to.
    shares = {
        j: sealed.key_share(trustees.context, trustees.keys[j - 1], trustees.transcript)
        for j in (1, 2, 3)
    }
    for pair in itertools.combinations((1, 2, 3), 2):
        lam = stally.lagrange(list(pair))
        assert sum(lam[j] * shares[j] for j in pair) % grp.L == secret


def test_any_k_of_n_decrypt_and_k_minus_1_fail(scenario: Scenario) -> None:
    e = scenario.parsed
    cts = [encrypt(e.y, m, grp.random_scalar()) for m in (0, 3, 17)]
    shares = {j: sealed.decryption_share(e, j, scenario.share(j), cts) for j in (1, 2, 3)}
    for subset in [(1, 2), (1, 3), (2, 3), (1, 2, 3)]:
        points = sealed.combine(e, [shares[j] for j in subset], cts)
        assert stally.small_log(points, 20, "test") == [0, 3, 17]
    for j in (1, 2, 3):
        with pytest.raises(DecryptionError, match="1 trustee\\(s\\) have decrypted; 2 are needed"):
            sealed.combine(e, [shares[j]], cts)
        # Forcing the interpolation with one share gives nothing: not the plaintexts.
        _, factors = stally.check_decryption_share(e, shares[j], cts)
        forced = stally.combine_unchecked({j: factors}, cts)
        assert forced != [grp.base(m) for m in (0, 3, 17)]
        with pytest.raises(DecryptionError):
            stally.small_log(forced, 1000, "forced")


def test_a_wrong_decryption_share_fails_its_proof(scenario: Scenario) -> None:
    e = scenario.parsed
    cts = [encrypt(e.y, 1, grp.random_scalar()), encrypt(e.y, 0, grp.random_scalar())]
    good = sealed.decryption_share(e, 2, scenario.share(2), cts)
    wrong = copy.deepcopy(good)
    wrong["factors"][1] = grp.add(bytes.fromhex(wrong["factors"][1]), grp.G).hex()
    with pytest.raises(
        DecryptionError, match="trustee 2's decryption share: the proof of factor 2 fails"
    ):
        sealed.combine(e, [sealed.decryption_share(e, 1, scenario.share(1), cts), wrong], cts)
    # A share computed with another trustee's key, under this trustee's name.
    with pytest.raises(DecryptionError, match="does not match trustee 1"):
        sealed.decryption_share(e, 1, scenario.share(2), cts)
    impostor = sealed.decryption_share(e, 2, scenario.share(2), cts)
    impostor["trustee"] = 1
    with pytest.raises(
        DecryptionError, match="trustee 1's decryption share: the proof of factor 1 fails"
    ):
        stally.check_decryption_share(e, impostor, cts)


def test_a_share_that_does_not_match_the_commitments_names_its_sender() -> None:
    t = make_trustees("bad-share")
    polys = copy.deepcopy(t.transcript["polynomials"])
    # Trustee 2 sends trustee 3 garbage (re-signed, so only the commitment check can catch it).
    key2 = st.TrusteeSecrets(t.context, t.keys[1])
    polys[1]["shares"][2]["ciphertext"] = "00" * 32
    body = {k: v for k, v in polys[1].items() if k != "signature"}
    polys[1] = st.sign_message("sig-setup", key2.sfp, key2.sign, body)
    with pytest.raises(
        SetupError, match="the share that trustee 2 sent to trustee 3 does not match"
    ):
        sealed.trustee_verification(t.context, t.keys[2], t.transcript["certificates"], polys)


def test_tampered_messages_are_refused(trustees: Trustees) -> None:
    tr = copy.deepcopy(trustees.transcript)
    tr["certificates"][0]["enc_key"] = tr["certificates"][1]["enc_key"]
    with pytest.raises(SetupError, match="trustee 1's certificate: the signature does not verify"):
        sealed.check_setup(tr)
    tr = copy.deepcopy(trustees.transcript)
    tr["polynomials"][2]["commitments"][1] = grp.base(5).hex()
    with pytest.raises(SetupError, match="trustee 3's polynomial: the signature does not verify"):
        sealed.check_setup(tr)
    tr = copy.deepcopy(trustees.transcript)
    tr["verifications"][1], tr["verifications"][2] = tr["verifications"][2], tr["verifications"][1]
    with pytest.raises(SetupError, match="wrong type or trustee number"):
        sealed.check_setup(tr)
    tr = copy.deepcopy(trustees.transcript)
    del tr["verifications"][2]
    with pytest.raises(SetupError, match="expected 3 verification keys"):
        sealed.check_setup(tr)


def test_every_trustee_must_take_part(trustees: Trustees) -> None:
    certs = trustees.transcript["certificates"]
    with pytest.raises(SetupError, match="expected 3 certificates"):
        sealed.trustee_polynomial(trustees.context, trustees.keys[0], certs[:2])


def test_the_server_cannot_swap_a_trustees_certificate(trustees: Trustees) -> None:
    """A certificate replaced by the server is detected by the trustee it impersonates."""
    other = make_trustees("other")
    certs = copy.deepcopy(trustees.transcript["certificates"])
    certs[0] = other.transcript["certificates"][0]
    with pytest.raises(SetupError):
        sealed.trustee_polynomial(trustees.context, trustees.keys[0], certs)


def test_key_files_belong_to_their_setup(trustees: Trustees) -> None:
    other = make_trustees("another-ballot")
    with pytest.raises(SetupError, match="another ballot's setup"):
        sealed.trustee_certificate(trustees.context, other.keys[0])
    with pytest.raises(SetupError, match="no trustee 4"):
        sealed.new_trustee_key(trustees.context, 4)
    with pytest.raises(SetupError, match="threshold must be between 1 and 3"):
        sealed.setup_context(uuid="x", trustees=["a", "b", "c"], threshold=4)
    with pytest.raises(FormatError):
        sealed.trustee_certificate(trustees.context, {"format": "nope"})


def test_one_of_one_and_three_of_three() -> None:
    for n, k in [(1, 1), (3, 3)]:
        t = make_trustees(f"n{n}k{k}", n=n, k=k)
        y = grp.point(t.outcome["public_key"], "y")
        assert y == grp.base(sum(st.TrusteeSecrets(t.context, key).poly[0] for key in t.keys))
