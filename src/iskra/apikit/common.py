"""What every API router shares: the error responses it documents. (Who is asking, and the
person a payload names, are accounts' business: ``iskra.accounts.api_auth``.)"""

from __future__ import annotations

from typing import Any

from iskra.apikit.schemas import Error

# The error statuses each endpoint documents; all are answered as ``{"detail": …}``.
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
