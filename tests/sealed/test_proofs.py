"""Property tests of the group layer, ElGamal and every Σ-proof: valid proofs verify; a changed
byte, a wrong statement or a wrong challenge fails."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iskra.sealed import group as grp
from iskra.sealed.errors import FormatError
from iskra.sealed.proofs import (
    cds_prove,
    cds_verify,
    cp_prove,
    cp_verify,
    ct_mul,
    encrypt,
    reencrypt,
    schnorr_prove,
    schnorr_verify,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scalars = st.integers(min_value=1, max_value=grp.L - 1)
small = st.integers(min_value=0, max_value=1000)
CTX = b"\x07" * 32 + b"context"


def decrypt(x: int, c: tuple[bytes, bytes]) -> bytes:
    return grp.sub(c[1], grp.mul(x, c[0]))


def flip(text: str, position: int) -> str:
    """Change one hex digit (so one byte) of an encoding."""
    digit = "1" if text[position] != "1" else "2"
    return text[:position] + digit + text[position + 1 :]


@SETTINGS
@given(x=scalars, m=small, r=scalars)
def test_encrypt_then_decrypt(x: int, m: int, r: int) -> None:
    y = grp.base(x)
    c = encrypt(y, m, r)
    assert decrypt(x, c) == grp.base(m)
    assert decrypt(x, reencrypt(c, y, r + 5)) == grp.base(m)


@SETTINGS
@given(x=scalars, m1=small, m2=small)
def test_homomorphic(x: int, m1: int, m2: int) -> None:
    y = grp.base(x)
    c = ct_mul(encrypt(y, m1, grp.random_scalar()), encrypt(y, m2, grp.random_scalar()))
    assert decrypt(x, c) == grp.base(m1 + m2)


@SETTINGS
@given(x=scalars, digit=st.integers(min_value=0, max_value=63))
def test_schnorr(x: int, digit: int) -> None:
    X = grp.base(x)
    proof = schnorr_prove("pok", CTX, x, b"message")
    assert schnorr_verify("pok", CTX, X, proof, b"message")
    c, r = proof
    assert not schnorr_verify("pok", CTX, X, proof, b"messagf")  # another message
    assert not schnorr_verify("pok", CTX + b"!", X, proof, b"message")  # another context
    assert not schnorr_verify("other", CTX, X, proof, b"message")  # another label
    assert not schnorr_verify("pok", CTX, grp.base(x + 1), proof, b"message")  # wrong key
    assert not schnorr_verify("pok", CTX, X, ((c + 1) % grp.L, r), b"message")  # challenge
    assert not schnorr_verify("pok", CTX, X, (c, (r + 1) % grp.L), b"message")
    changed = grp.scalar(flip(grp.hexs(r)[:-2] + "00", digit), "r") if digit < 62 else (r ^ 1)
    assert not schnorr_verify("pok", CTX, X, (c, changed), b"message")


@SETTINGS
@given(x=scalars, a=scalars)
def test_chaum_pedersen(x: int, a: int) -> None:
    X, A = grp.base(x), grp.base(a)
    D, proof = cp_prove("dec", CTX, x, A)
    assert grp.mul(x, A) == D
    assert cp_verify("dec", CTX, X, A, D, proof)
    assert not cp_verify("dec", CTX, X, A, grp.add(D, grp.G), proof)  # a wrong factor
    assert not cp_verify("dec", CTX, grp.base(x + 1), A, D, proof)  # another trustee's key
    assert not cp_verify("dec", CTX, X, grp.add(A, grp.G), D, proof)  # another ciphertext
    c, r = proof
    assert not cp_verify("dec", CTX, X, A, D, ((c + 1) % grp.L, r))
    assert not cp_verify("dec", CTX, X, A, D, (c, (r + 1) % grp.L))


@SETTINGS
@given(
    x=scalars,
    values=st.lists(st.integers(min_value=0, max_value=2**32), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_disjunctive(x: int, values: list[int], data: st.DataObject) -> None:
    y = grp.base(x)
    index = data.draw(st.integers(min_value=0, max_value=len(values) - 1))
    r = grp.random_scalar()
    c = encrypt(y, values[index], r)
    proof = cds_prove(CTX, y, c, r, values, index)
    assert cds_verify(CTX, y, c, values, proof)
    assert not cds_verify(CTX + b"x", y, c, values, proof)  # bound to its context
    other = grp.add(c[1], grp.G)
    assert not cds_verify(CTX, y, (c[0], other), values, proof)  # a changed ciphertext
    i = data.draw(st.integers(min_value=0, max_value=len(values) - 1))
    ci, ri = proof[i]
    bad = list(proof)
    bad[i] = ((ci + 1) % grp.L, ri)
    assert not cds_verify(CTX, y, c, values, bad)
    bad[i] = (ci, (ri + 1) % grp.L)
    assert not cds_verify(CTX, y, c, values, bad)
    assert not cds_verify(CTX, y, c, values, proof[:-1])


@SETTINGS
@given(x=scalars, m=st.integers(min_value=2, max_value=50))
def test_disjunctive_cannot_prove_a_value_outside_the_set(x: int, m: int) -> None:
    """A cheating voter encrypts m ∉ {0, 1} and proves it as if it were 0 or 1: refused."""
    y = grp.base(x)
    r = grp.random_scalar()
    c = encrypt(y, m, r)
    for index in (0, 1):
        assert not cds_verify(CTX, y, c, [0, 1], cds_prove(CTX, y, c, r, [0, 1], index))


def test_points_from_outside_are_checked() -> None:
    p = grp.base(5)
    assert grp.point(p.hex(), "p") == p
    with pytest.raises(FormatError, match="not a valid"):
        grp.point(grp.IDENTITY.hex(), "p")  # the identity is refused
    with pytest.raises(FormatError, match="not a valid"):
        grp.point("ff" * 32, "p")  # not canonical
    with pytest.raises(FormatError, match="64-character"):
        grp.point(p.hex()[:-2], "p")
    with pytest.raises(FormatError, match="hex"):
        grp.point(p.hex().upper(), "p")
    with pytest.raises(FormatError, match="canonical scalar"):
        grp.scalar((grp.L).to_bytes(32, "little").hex(), "s")
    assert grp.scalar(grp.hexs(grp.L - 1), "s") == grp.L - 1


def test_hash_encoding_is_unambiguous() -> None:
    """Strings carry their length: moving a byte between two strings changes the hash; the
    label is hashed first, so one proof's hash is never another's."""
    assert grp.hash_to_scalar("t", "ab", "c") != grp.hash_to_scalar("t", "a", "bc")
    assert grp.hash_to_scalar("t", b"x") != grp.hash_to_scalar("u", b"x")
    assert grp.hash_to_scalar("t", 1) == grp.hash_to_scalar("t", 1)


def test_known_vectors() -> None:
    """RFC 9496 test vectors: multiples of the generator, and element derivation (§A.1, A.3)."""
    assert grp.G.hex() == "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    assert grp.base(2).hex() == "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919"
    import hashlib

    digest = hashlib.sha512(b"Ristretto is traditionally a short shot of espresso coffee").digest()
    assert (
        grp._from_hash(digest).hex()
        == "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"
    )
