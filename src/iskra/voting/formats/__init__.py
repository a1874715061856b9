"""Ballot file formats: BLT, PrefLib (SOC/SOI/TOC), CSV, ABIF and Edinburgh council CSV.

Readers are imported when a file of their format is read (``iskra count`` reads one file
and should load one reader); the names below stay importable from this package.
"""

from __future__ import annotations

import os
from importlib import import_module

from ..errors import BallotFileError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from ..ballots import Profile
    from .abif import read_abif
    from .blt import parse_blt, read_blt, write_blt
    from .csvfile import read_csv
    from .edinburgh import looks_like_edinburgh, parse_edinburgh, read_edinburgh
    from .preflib import read_preflib

FORMATS = ("blt", "soi", "soc", "toc", "csv", "edinburgh-csv", "abif")

_WHERE = {
    "looks_like_edinburgh": "edinburgh",
    "parse_blt": "blt",
    "parse_edinburgh": "edinburgh",
    "read_abif": "abif",
    "read_blt": "blt",
    "read_csv": "csvfile",
    "read_edinburgh": "edinburgh",
    "read_preflib": "preflib",
    "write_blt": "blt",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def read_profile(path: str | Path, fmt: str | None = None, *, repeats: bool = True) -> Profile:
    """Read a ballot file, choosing the reader by ``fmt`` or the file's extension.

    A ``.csv`` file (or ``fmt="csv"``) in the City of Edinburgh Council's preference
    profile layout is recognised and read as ``edinburgh-csv``; other CSV files are read
    one ballot per row.

    ``repeats=False`` refuses a ballot that names a candidate twice
    (:class:`~iskra.voting.errors.RepeatedPreference`, with the line), for the methods
    whose rules do not say what such a ballot means; with ``True`` the repeat is kept
    and the transfer methods read the ballot up to it.
    """
    kind = (fmt or os.path.splitext(path)[1].lstrip(".")).lower()
    if kind == "blt":
        from .blt import read_blt

        return read_blt(path, repeats=repeats)
    if kind in ("soi", "soc", "toc"):
        from .preflib import read_preflib

        return read_preflib(path, repeats=repeats)
    if kind in ("csv", "edinburgh-csv"):
        from .edinburgh import read_edinburgh, sniff_edinburgh

        if kind == "edinburgh-csv" or sniff_edinburgh(path):
            return read_edinburgh(path, repeats=repeats)
        from .csvfile import read_csv

        return read_csv(path, repeats=repeats)
    if kind == "abif":
        from .abif import read_abif

        return read_abif(path, repeats=repeats)
    raise BallotFileError(
        str(path), None, f"unknown ballot format {kind!r} (use one of: {', '.join(FORMATS)})"
    )
