"""Exceptions raised by the counting engine."""

from __future__ import annotations


class CountError(ValueError):
    """A count cannot be run as asked (bad method, seats, or options)."""


class BallotFileError(ValueError):
    """A ballot file is malformed.

    ``str()`` gives ``FILE:LINE: message`` so that the CLI can print exactly one line
    that points the user at the problem.
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class RepeatedPreference(BallotFileError):
    """A ballot names the same candidate twice, and the caller asked for that to be refused.

    Only the counting rules that say what such a paper means (the STV rules: the paper is
    read up to the preference that cannot be recognised) may count it; for every other
    method ``iskra count`` refuses the file and names the line.
    """
