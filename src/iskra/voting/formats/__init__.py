"""Ballot file formats: BLT, PrefLib (SOC/SOI/TOC), CSV and ABIF."""

from __future__ import annotations

from pathlib import Path

from ..ballots import Profile
from ..errors import BallotFileError
from .abif import read_abif
from .blt import parse_blt, read_blt, write_blt
from .csvfile import read_csv
from .preflib import read_preflib

FORMATS = ("blt", "soi", "soc", "toc", "csv", "abif")

__all__ = [
    "FORMATS",
    "parse_blt",
    "read_abif",
    "read_blt",
    "read_csv",
    "read_preflib",
    "read_profile",
    "write_blt",
]


def read_profile(path: str | Path, fmt: str | None = None) -> Profile:
    """Read a ballot file, choosing the reader by ``fmt`` or the file's extension."""
    kind = (fmt or Path(path).suffix.lstrip(".")).lower()
    if kind == "blt":
        return read_blt(path)
    if kind in ("soi", "soc", "toc"):
        return read_preflib(path)
    if kind == "csv":
        return read_csv(path)
    if kind == "abif":
        return read_abif(path)
    raise BallotFileError(
        str(path), None, f"unknown ballot format {kind!r} (use one of: {', '.join(FORMATS)})"
    )
