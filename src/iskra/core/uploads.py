"""A ceiling on uploaded files, applied while the request is read.

Django reads an upload to its end before any view can look at its size, spooling a large one to
a temporary file: a 200 MB "picture" would fill the disk and tie up a worker before a form could
say it is too large. ``UploadLimitMiddleware`` puts ``LimitedUploadHandler`` first among the
request's upload handlers: a file that passes ``settings.MAX_UPLOAD_BYTES`` is skipped at once
(its bytes are read off the connection and dropped, never stored), and the request carries
``upload_too_large`` (the size announced or reached) so the view says so in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse

# Multipart framing and the form's other fields, on top of the file itself.
_OVERHEAD = 1024 * 1024


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.announced: int | None = None

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803 - Django's name
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length and content_length > self.limit + _OVERHEAD:
            self.announced = content_length

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.announced is not None:
            self._refuse(self.announced)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self, size: int) -> None:
        self.request.upload_too_large = max(  # type: ignore[union-attr]
            size, getattr(self.request, "upload_too_large", 0) or 0
        )
        raise SkipFile()


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == (
            "multipart/form-data"
        ):
            request.upload_handlers = [
                LimitedUploadHandler(request, settings.MAX_UPLOAD_BYTES),
                *request.upload_handlers,
            ]
        return self.get_response(request)


def too_large(request: HttpRequest) -> int | None:
    """The size of a file this request tried to upload over the ceiling (None if none)."""
    return getattr(request, "upload_too_large", None)
