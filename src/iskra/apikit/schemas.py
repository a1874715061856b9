"""The one schema every endpoint shares: the error answer."""

from __future__ import annotations

from ninja import Schema


class Error(Schema):
    detail: str
