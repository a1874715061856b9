"""CSV that a spreadsheet opens as text: no cell can start a formula (CSV injection).

Every CSV Iskra writes goes through :func:`writer`. A text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'``, which spreadsheets read as "this
is text" (OWASP's advice). Numbers are written as they are: a negative number is not a formula.
This module imports nothing but the standard library, so ``iskra count`` stays quick to start.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """A ``csv.writer`` whose every cell passes through :func:`safe_cell`."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **kwargs: Any) -> SafeWriter:
    """Like ``csv.writer(stream, **kwargs)``, with formula prefixes escaped in every cell."""
    return SafeWriter(stream, **kwargs)
