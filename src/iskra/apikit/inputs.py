"""What every request body and query shares: bounded strings without NUL, ids the database holds.

Every input schema derives from :class:`Input`, which refuses the NUL character (``\\u0000``)
in any string it holds (PostgreSQL cannot store it: it was a 500), and declares each string with
a ``max_length`` matching its model column (or, for free text, the limit below), so an
over-long value is a 422 naming the field, documented in the OpenAPI, never a database error.
Ids are bounded to the database's 64-bit integers (an id of 2^63 was a 500 on SQLite).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.params.functions import Path, Query
from pydantic import field_validator

# The largest primary key a database column holds (signed 64-bit).
MAX_ID = 2**63 - 1

# Free text without a column limit (reasons, notes, descriptions, posts).
TEXT = 20_000
# The largest figure a PositiveIntegerField holds on every database.
MAX_COUNT = 2_147_483_647
# A search box.
SEARCH = 200

NUL_MESSAGE = "must not contain the NUL character (\\u0000)"


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(has_nul(item) for item in value)
    return False


class Input(Schema):
    """The base of every request body: no string anywhere in it may hold a NUL."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError(NUL_MESSAGE)
        return value


def Id(*, description: str | None = None) -> Any:  # noqa: N802 - reads as a type in a schema
    """A required id in a body."""
    return Field(..., ge=1, le=MAX_ID, description=description)


def OptionalId(*, description: str | None = None) -> Any:  # noqa: N802
    """An id a body may leave out (or send as null)."""
    return Field(None, ge=1, le=MAX_ID, description=description)


NO_NUL = r"^[^\x00]*$"

# An id in a list (``motion_ids``).
ItemId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in the path: /units/{unit_id}.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
# The same given as a default, for list endpoints: ``@paginate`` re-signs the view in ninja's
# module, where an annotation such as ``PathId`` (a string under ``from __future__ import
# annotations``) cannot be resolved, so those views write ``ballot_id: int = ID_IN_PATH``.
ID_IN_PATH: Any = Path(..., ge=1, le=MAX_ID)
# An id given as a filter in the query string.
ID_FILTER: Any = Query(None, ge=1, le=MAX_ID)
# A search box in the query string.
SEARCH_FILTER: Any = Query("", max_length=SEARCH, pattern=NO_NUL)
# A short word in the query string: a status or role to filter by.
WORD_FILTER: Any = Query("", max_length=40, pattern=NO_NUL)
# A tracker code as a voter types it, in the path.
Tracker = Annotated[str, Path(max_length=100, pattern=NO_NUL)]
