"""Ballot file formats: BLT, PrefLib (SOC/SOI/TOC), CSV, ABIF and Edinburgh council CSV."""

from __future__ import annotations

from pathlib import Path

from ..ballots import Profile
from ..errors import BallotFileError
from .abif import read_abif
from .blt import parse_blt, read_blt, write_blt
from .csvfile import read_csv
from .edinburgh import looks_like_edinburgh, parse_edinburgh, read_edinburgh, sniff_edinburgh
from .preflib import read_preflib

FORMATS = ("blt", "soi", "soc", "toc", "csv", "edinburgh-csv", "abif")

__all__ = [
    "FORMATS",
    "looks_like_edinburgh",
    "parse_blt",
    "parse_edinburgh",
    "read_abif",
    "read_blt",
    "read_csv",
    "read_edinburgh",
    "read_preflib",
    "read_profile",
    "write_blt",
]


def read_profile(path: str | Path, fmt: str | None = None) -> Profile:
    """Read a ballot file, choosing the reader by ``fmt`` or the file's extension.

    A ``.csv`` file (or ``fmt="csv"``) in the City of Edinburgh Council's preference
    profile layout is recognised and read as ``edinburgh-csv``; other CSV files are read
    one ballot per row.
    """
    kind = (fmt or Path(path).suffix.lstrip(".")).lower()
    if kind == "blt":
        return read_blt(path)
    if kind in ("soi", "soc", "toc"):
        return read_preflib(path)
    if kind == "csv":
        return read_edinburgh(path) if sniff_edinburgh(path) else read_csv(path)
    if kind == "edinburgh-csv":
        return read_edinburgh(path)
    if kind == "abif":
        return read_abif(path)
    raise BallotFileError(
        str(path), None, f"unknown ballot format {kind!r} (use one of: {', '.join(FORMATS)})"
    )
