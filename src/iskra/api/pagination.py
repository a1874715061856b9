"""The API's one pagination class, shared by every list endpoint, and the lazy page it slices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Page-number pagination whose page and size cannot overflow the database's OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1_000)


class Paged:
    """A queryset serialised one page at a time: ninja's pagination counts it and slices it
    before any row is loaded, so a list endpoint costs the same whatever the table's size."""

    def __init__(self, queryset: QuerySet[Any], serialise: Callable[[Any], dict[str, Any]]):
        self.queryset = queryset
        self.serialise = serialise

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.serialise(row) for row in self.queryset[page]]
