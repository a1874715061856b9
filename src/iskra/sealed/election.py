"""Election parameters, the credential authority and per-voter credentials.

Credentials follow Belenios (specification §4.3 "credentials"; Cortier, Galindo, Küsters,
Müller, Truderung, "SoK: Verifiability notions for e-voting protocols", 2016, for why): the
credential authority — by default the scrutineer — draws a secret credential for each voter on
its own device, hands it to the voter by a channel the server does not read, and gives the server
only the public keys, in batches signed with the authority's own key. A ballot must be signed
with a credential's secret key, so the server can neither add a ballot (it has no secret
credential) nor add a credential (it cannot sign a batch).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from iskra.voting import METHODS

from . import group as grp
from .encoding import canonical, fingerprint, fixed_hex, need
from .errors import FormatError, SealedError
from .group import base, enc_str
from .proofs import pair_json, pair_parse, schnorr_prove, schnorr_verify

ELECTION_FORMAT = "iskra-sealed-election/1"
CA_KEY_FORMAT = "iskra-sealed-ca-key/1"
KINDS = ("yes_no", "choose_one", "approval", "ranked", "stv")
HOMOMORPHIC = ("yes_no", "choose_one", "approval")
RANKED = ("ranked", "stv")
#: The radix of the yes/no encoding: "yes" is g^1, "no" is g^RADIX (more than any roll).
RADIX = 2**32
#: Crockford's base32 alphabet: no I, L, O or U, so a credential read aloud or typed survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CREDENTIAL_CHARS = 20  # 100 bits
PRESETS = ("uk_industrial_action", "union_two_thirds", "recall", "simple_majority")


def uuid_context(uuid: str) -> bytes:
    """32 bytes naming a ballot before its parameters are final (credentials are made then)."""
    return hashlib.sha256(enc_str(grp.PROTOCOL) + enc_str("election") + enc_str(uuid)).digest()


def normalise_question(q: Any, index: int) -> dict[str, Any]:
    what = f"question {index + 1}"
    kind = need(q, "kind", str, what)
    if kind not in KINDS:
        raise FormatError(f"{what}: kind must be one of {', '.join(KINDS)}")
    options = need(q, "options", list, what)
    if len(options) < 2 or not all(isinstance(o, str) for o in options):
        raise FormatError(f"{what}: at least two options, each a string")
    if kind == "yes_no" and len(options) != 2:
        raise FormatError(f"{what}: a yes/no question has exactly two options")
    out: dict[str, Any] = {
        "kind": kind,
        "text": need(q, "text", str, what),
        "options": list(options),
        "blank": bool(q.get("blank", True)),
    }
    if "id" in q:
        out["id"] = q["id"]
    if kind == "approval":
        k = q.get("max_choices", 1)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= len(options):
            raise FormatError(f"{what}: max_choices must be between 1 and {len(options)}")
        out["max_choices"] = k
    if kind == "stv":
        seats = q.get("seats", 1)
        if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats < len(options):
            raise FormatError(f"{what}: seats must be at least 1 and fewer than the candidates")
        out["seats"] = seats
    if kind in RANKED:
        method = q.get("method", "irv" if kind == "ranked" else "stv-scottish")
        if method not in METHODS:
            raise FormatError(f"{what}: unknown counting method {method!r}")
        out["method"] = method
        if len(options) > 200:
            raise FormatError(f"{what}: at most 200 candidates")
    if kind != "yes_no":
        out["seed"] = int(q.get("seed", 0))
    return out


def make_election(
    *,
    uuid: str,
    title: str,
    questions: list[dict[str, Any]],
    setup: dict[str, Any],
    credential_authority: dict[str, Any],
    rule: dict[str, Any],
) -> dict[str, Any]:
    """The election parameters: frozen before the ballot opens; every ballot is bound to them.

    ``setup`` is the outcome of :func:`iskra.sealed.setup.check_setup`;
    ``credential_authority`` is ``{"name": …, "sign_key": …}`` from :func:`ca_public`;
    ``rule`` is ``{"preset", "opened_on" (YYYY-MM-DD), "important_public_service",
    "turnout_rule_repealed"}`` as for an ordinary ballot.
    """
    election = {
        "format": ELECTION_FORMAT,
        "uuid": uuid,
        "title": title,
        "questions": [normalise_question(q, i) for i, q in enumerate(questions)],
        "rule": {
            "preset": rule.get("preset", "simple_majority"),
            "opened_on": str(rule["opened_on"]),
            "important_public_service": bool(rule.get("important_public_service", False)),
            "turnout_rule_repealed": bool(rule.get("turnout_rule_repealed", False)),
        },
        "setup": setup["setup"],
        "threshold": setup["threshold"],
        "trustees": setup["trustees"],
        "public_key": setup["public_key"],
        "credential_authority": {
            "name": credential_authority["name"],
            "sign_key": credential_authority["sign_key"],
        },
    }
    Election(election)
    return election


class Election:
    """Parsed, checked election parameters with the derived values the protocols need."""

    def __init__(self, data: Any) -> None:
        if need(data, "format", str, "election") != ELECTION_FORMAT:
            raise FormatError(f"election: format must be {ELECTION_FORMAT}")
        self.data = data
        self.uuid = need(data, "uuid", str, "election")
        self.fp = bytes.fromhex(fingerprint(data))
        self.fp_hex = self.fp.hex()
        self.uctx = uuid_context(self.uuid)
        self.questions = [
            normalise_question(q, i)
            for i, q in enumerate(need(data, "questions", list, "election"))
        ]
        if self.questions != data["questions"]:
            raise FormatError("election: questions are not in normal form")
        self.y = grp.point(data.get("public_key"), "election public key")
        self.k = need(data, "threshold", int, "election")
        trustees = need(data, "trustees", list, "election")
        self.vks = [
            grp.point(t.get("verification_key"), f"trustee {t.get('id')}") for t in trustees
        ]
        self.sign_keys = [grp.point(t.get("sign_key"), f"trustee {t.get('id')}") for t in trustees]
        if [t.get("id") for t in trustees] != list(range(1, len(trustees) + 1)):
            raise FormatError("election: trustees must be numbered 1, 2, … in order")
        if not 1 <= self.k <= len(trustees):
            raise FormatError("election: threshold out of range")
        ca = need(data, "credential_authority", dict, "election")
        self.ca_key = grp.point(ca.get("sign_key"), "credential authority key")
        rule = need(data, "rule", dict, "election")
        if rule.get("preset") not in PRESETS:
            raise FormatError(f"election: rule preset must be one of {', '.join(PRESETS)}")
        try:
            date.fromisoformat(rule.get("opened_on", ""))
        except (TypeError, ValueError):
            raise FormatError("election: rule opened_on must be a date YYYY-MM-DD") from None

    def context(self, credential: bytes, role: str) -> bytes:
        """The statement prefix of a ballot proof: fingerprint ‖ credential ‖ str(role)."""
        return self.fp + credential + enc_str(role)

    def mix_context(self, question: int, index: int) -> bytes:
        return self.fp + grp.IDENTITY + enc_str(f"mix/q{question}/{index}")


# The credential authority


def new_ca_key(uuid: str) -> dict[str, Any]:
    return {"format": CA_KEY_FORMAT, "uuid": uuid, "seed": secrets.token_bytes(32).hex()}


def _ca_secret(key: Any) -> tuple[str, int]:
    if need(key, "format", str, "credential authority key") != CA_KEY_FORMAT:
        raise FormatError(f"credential authority key: format must be {CA_KEY_FORMAT}")
    uuid = need(key, "uuid", str, "credential authority key")
    seed = fixed_hex(key.get("seed"), 32, "credential authority key seed")
    return uuid, grp.hash_to_scalar("ca-sign", uuid_context(uuid), seed) or 1


def ca_public(key: Any, name: str) -> dict[str, Any]:
    _, x = _ca_secret(key)
    return {"name": name, "sign_key": base(x).hex()}


def new_credential() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CREDENTIAL_CHARS))
    return "-".join(raw[i : i + 5] for i in range(0, CREDENTIAL_CHARS, 5))


def normalise_credential(text: str) -> str:
    """Upper case, without spaces or dashes; O→0 and I, L→1 as Crockford's base32 reads them."""
    s = "".join(text.split()).replace("-", "").upper()
    s = s.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(s) != CREDENTIAL_CHARS or any(ch not in ALPHABET for ch in s):
        raise SealedError(
            f"That is not a voting credential: it has {CREDENTIAL_CHARS} letters and digits."
        )
    return s


def credential_secret(uuid: str, credential: str) -> int:
    return (
        grp.hash_to_scalar("credential", uuid_context(uuid), normalise_credential(credential)) or 1
    )


def credential_public(uuid: str, credential: str) -> str:
    return base(credential_secret(uuid, credential)).hex()


def credential_batch(ca_key: Any, publics: list[str], batch: int) -> dict[str, Any]:
    """A signed batch of public credentials (batch 1 at the opening, more for upheld challenges)."""
    uuid, x = _ca_secret(ca_key)
    for i, p in enumerate(publics):
        grp.point(p, f"credential {i + 1}")
    message = {"type": "credentials", "batch": batch, "credentials": sorted(publics)}
    digest = grp.hash_bytes("message", canonical(message))
    return {
        **message,
        "signature": pair_json(schnorr_prove("sig-ca", uuid_context(uuid), x, digest)),
    }


def generate_credentials(
    ca_key: Any, count: int, batch: int = 1
) -> tuple[list[str], dict[str, Any]]:
    """``count`` new secret credentials (for the voters) and the signed batch of their public keys
    (for the server). The secrets never leave the credential authority's device but to voters."""
    uuid, _ = _ca_secret(ca_key)
    secret_list = [new_credential() for _ in range(count)]
    publics = [credential_public(uuid, c) for c in secret_list]
    return secret_list, credential_batch(ca_key, publics, batch)


def check_credential_batches(election: Election, batches: Any) -> set[bytes]:
    """The public credentials of all batches, each batch's signature checked, no repeats."""
    if not isinstance(batches, list):
        raise FormatError("credentials: a list of signed batches expected")
    seen: set[bytes] = set()
    for i, b in enumerate(batches, start=1):
        what = f"credential batch {i}"
        if need(b, "type", str, what) != "credentials" or need(b, "batch", int, what) != i:
            raise FormatError(f"{what}: wrong type or number")
        creds = need(b, "credentials", list, what)
        body = {k: v for k, v in b.items() if k != "signature"}
        sig = pair_parse(b.get("signature"), f"{what} signature")
        digest = grp.hash_bytes("message", canonical(body))
        if not schnorr_verify("sig-ca", election.uctx, election.ca_key, sig, digest):
            raise SealedError(f"{what}: not signed by the credential authority")
        for j, c in enumerate(creds):
            p = grp.point(c, f"{what} credential {j + 1}")
            if p in seen:
                raise SealedError(f"{what}: credential {c} appears twice")
            seen.add(p)
    return seen
