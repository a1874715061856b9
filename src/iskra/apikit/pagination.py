"""The API's one pagination class, shared by every list endpoint, and the lazy page it slices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1_000


class Pages(PageNumberPagination):
    """Page-number pagination whose page and size cannot overflow the database's OFFSET.

    Every list honours the ``page_size`` its schema documents (up to ``MAX_PAGE_SIZE``):
    ninja's own default would silently cap it at 100."""

    def __init__(self, *, max_page_size: int = MAX_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(max_page_size=max_page_size, **kwargs)

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


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
