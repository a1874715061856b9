"""What can go wrong, named for the person who reads it (an officer, a trustee, a verifier)."""

from __future__ import annotations


class SealedError(Exception):
    """Base class: every message says what failed and where."""


class FormatError(SealedError):
    """A file or message is not in the expected format (a field missing, a value malformed)."""


class ProofError(SealedError):
    """A zero-knowledge proof or signature does not verify."""


class BallotError(SealedError):
    """A ballot is refused: its signature, credential or one of its proofs fails."""


class SetupError(SealedError):
    """The trustees' key generation cannot go on (a message is missing, wrong, or unproven)."""


class DecryptionError(SealedError):
    """Decryption shares are missing, wrong, or fewer than the threshold."""


class VerifyError(SealedError):
    """An export fails verification; the message names the first thing that failed."""
