"""PDFs from HTML (WeasyPrint) that never fetch anything over the network.

Members write the text of motions and bulletin contributions; an image in it
(``![](http://127.0.0.1:8080/…)``) made the server fetch that address while rendering the
PDF — a request forgery reaching whatever the server can reach, and with ``file:`` URLs a
way to read its files. Rendering here resolves only two kinds of URL:

* ``data:`` URIs, decoded in place;
* the app's own static files (``/static/…``), read from disk through the staticfiles
  finders, never over HTTP.

Everything else is refused before any connection is made, and WeasyPrint leaves the
image or stylesheet out.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

# Relative URLs in a document resolve against this address. ``.invalid`` is reserved
# (RFC 2606) and never resolves, and nothing is ever fetched from it: the fetcher below maps
# its /static/ paths to files on disk and refuses every other path.
BASE_URL = "https://iskra.invalid/"
_ORIGIN = urlsplit(BASE_URL)


class RefusedURL(ValueError):
    """A PDF asked for a URL that is neither a data: URI nor one of the app's static files."""


def static_file(url: str) -> Path | None:
    """The file on disk for one of the app's static URLs, or None for any other URL."""
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (_ORIGIN.scheme, _ORIGIN.netloc):
        return None
    static_url = urlsplit(settings.STATIC_URL).path
    path = unquote(parts.path)
    if not path.startswith(static_url):
        return None
    relative = path[len(static_url) :]
    if (
        not relative
        or relative.startswith("/")
        or ".." in relative.split("/")
        or posixpath.normpath(relative) != relative
    ):
        return None  # "..", "//" and the like: not a plain file name
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(found) if isinstance(found, str) else None


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url[:5].lower() == "data:":
                # urllib's DataHandler decodes it; a data: URI opens no connection.
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise RefusedURL(
                    f"a PDF may use only data: URIs and Iskra's static files, not {url[:100]}"
                )
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return LocalOnlyFetcher(allowed_protocols=("data",))


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``; remote, file: and other non-static URLs in it are left out."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
    return pdf


def warm_up() -> None:
    """Load WeasyPrint and its fonts now (about 1.3 s on 2 CPUs) rather than in the first PDF
    a person asks for: ``iskra.wsgi`` calls it in each app server process as it starts."""
    render_pdf("<!doctype html><p>Iskra</p>")
