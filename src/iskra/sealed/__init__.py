"""Sealed, end-to-end verifiable ballots: the cryptography (pure Python, no Django).

The specification is docs/sealed.md. The verbs the web application and the offline tools call:

* trustees' key generation: :func:`setup_context`, :func:`new_trustee_key`, then the three
  rounds :func:`trustee_certificate`, :func:`trustee_polynomial`, :func:`trustee_verification`,
  and :func:`check_setup` for the outcome (election key);
* :func:`make_election` — the frozen parameters every ballot is bound to;
* credentials: :func:`new_ca_key`, :func:`ca_public`, :func:`generate_credentials`;
* voting: :func:`encrypt_ballot` (server-side, for voters without JavaScript),
  :func:`encrypt_ballot_for_audit` and :func:`check_audit` (Benaloh), :func:`check_ballot`,
  :func:`tracker`, :class:`Board`;
* counting: :func:`tally_homomorphic`, :func:`mix`, :func:`decryption_share`, :func:`combine`;
* :func:`verify_export` — everything, naming the first failure.
"""

from __future__ import annotations

from .ballot import check_audit, check_ballot, encrypt_ballot, encrypt_ballot_for_audit, tracker
from .board import Board, check_receipt, receipt
from .election import (
    Election,
    ca_public,
    check_credential_batches,
    credential_public,
    generate_credentials,
    make_election,
    new_ca_key,
    new_credential,
)
from .errors import (
    BallotError,
    DecryptionError,
    FormatError,
    ProofError,
    SealedError,
    SetupError,
    VerifyError,
)
from .export import EXPORT_FORMAT, verify_export
from .setup import (
    certificate as trustee_certificate,
)
from .setup import (
    check_setup,
    key_share,
    new_trustee_key,
    setup_context,
)
from .setup import (
    polynomial as trustee_polynomial,
)
from .setup import (
    verification as trustee_verification,
)
from .tally import combine, decryption_share, mix
from .tally import homomorphic_tally as tally_homomorphic

__all__ = [
    "EXPORT_FORMAT",
    "BallotError",
    "Board",
    "DecryptionError",
    "Election",
    "FormatError",
    "ProofError",
    "SealedError",
    "SetupError",
    "VerifyError",
    "ca_public",
    "check_audit",
    "check_ballot",
    "check_credential_batches",
    "check_receipt",
    "check_setup",
    "combine",
    "credential_public",
    "decryption_share",
    "encrypt_ballot",
    "encrypt_ballot_for_audit",
    "generate_credentials",
    "key_share",
    "make_election",
    "mix",
    "new_ca_key",
    "new_credential",
    "new_trustee_key",
    "receipt",
    "setup_context",
    "tally_homomorphic",
    "tracker",
    "trustee_certificate",
    "trustee_polynomial",
    "trustee_verification",
    "verify_export",
]
