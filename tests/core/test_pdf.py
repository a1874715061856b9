"""PDFs never fetch remote URLs: only data: URIs and the app's own static files, read from
disk. A local HTTP server records every request made to it; rendering must make none."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from iskra.core.pdf import BASE_URL, RefusedURL, _fetcher, render_pdf, static_file
from iskra.motions import services
from tests.conftest import World, fresh

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Recorder(ThreadingHTTPServer):
    hits: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        body = PNG if self.path.endswith(".png") else b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder(("127.0.0.1", 0), _Handler)
    recorder.hits = []
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        recorder.shutdown()
        recorder.server_close()


def _remote_html(port: int, tmp_path: Path) -> str:
    local = tmp_path / "local.png"
    local.write_bytes(PNG)
    base = f"http://127.0.0.1:{port}"
    return (
        "<html><head>"
        f'<link rel="stylesheet" href="{base}/linked.css">'
        f"<style>@import url({base}/imported.css); "
        f"body {{ background: url({base}/background.png) }}</style>"
        "</head><body>"
        f'<p>Text</p><img src="{base}/image.png"><img src="//127.0.0.1:{port}/schemeless.png">'
        f'<img src="file://{local}"><img src="https://127.0.0.1:{port}/tls.png">'
        "</body></html>"
    )


def test_the_recording_server_sees_an_ordinary_weasyprint_fetch(
    server: Recorder, tmp_path: Path
) -> None:
    """Without Iskra's fetcher the same document does hit the server: the test can fail."""
    from weasyprint import HTML

    HTML(string=_remote_html(server.server_address[1], tmp_path)).write_pdf()
    assert "/image.png" in server.hits


def test_render_pdf_makes_no_request(server: Recorder, tmp_path: Path) -> None:
    pdf = render_pdf(_remote_html(server.server_address[1], tmp_path))
    assert pdf.startswith(b"%PDF")
    assert server.hits == []
    assert b"/Subtype /Image" not in pdf  # neither the remote nor the file: image


def test_a_data_uri_image_is_embedded() -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    pdf = render_pdf(f'<html><body><img src="{uri}" width="20"></body></html>')
    assert b"/Subtype /Image" in pdf


def test_static_files_are_read_from_disk() -> None:
    css = Path(str(finders.find("iskra/iskra.css")))
    response = _fetcher().fetch(BASE_URL + "static/iskra/iskra.css")
    assert response.read() == css.read_bytes()
    assert response.content_type == "text/css"
    assert static_file(BASE_URL + "static/iskra/favicon.svg") is not None
    pdf = render_pdf('<html><body><img src="/static/iskra/favicon.svg" width="20"></body></html>')
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/iskra/iskra.css",  # another host's static path
        BASE_URL + "iskra/iskra.css",  # outside /static/
        BASE_URL + "static/../settings.py",
        BASE_URL + "static/%2e%2e/settings.py",
        BASE_URL + "static//etc/passwd",
        BASE_URL + "static/iskra/missing.css",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    with pytest.raises(RefusedURL):
        _fetcher().fetch(url)


@pytest.mark.django_db
def test_a_bulletin_with_a_remote_image_makes_no_request(
    world: World, server: Recorder, client: Client
) -> None:
    """The reported case: an image in a bulletin contribution."""
    today = timezone.localdate()
    bulletin = services.create_bulletin(
        actor=fresh(world.officer),
        body=world.national_committee,
        title="Bulletin 1",
        opens_on=today,
        closes_on=today + timedelta(days=5),
    )
    port = server.server_address[1]
    client.force_login(world.member)
    text = f"Look: ![chart](http://127.0.0.1:{port}/x) and ![](file:///etc/hostname)"
    response = client.post(
        f"/bulletins/{bulletin.pk}/", {"title": "My view", "text": text, "signature": ""}
    )
    assert response.status_code == 302
    client.force_login(world.officer)
    client.post(f"/bulletins/{bulletin.pk}/publish/")
    client.force_login(world.member)
    assert f"127.0.0.1:{port}/x" in client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    pdf = client.get(f"/bulletins/{bulletin.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert server.hits == []


def test_every_pdf_is_rendered_by_render_pdf() -> None:
    """WeasyPrint is used in one place only, so no PDF can bypass the fetcher."""
    src = Path(__file__).resolve().parents[2] / "src" / "iskra"
    users = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "weasyprint" in path.read_text() or "write_pdf" in path.read_text()
    )
    assert users == ["core/pdf.py"]
    callers = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "render_pdf(" in path.read_text() and path.name != "pdf.py"
    )
    assert callers == [
        "ballots/views.py",
        "motions/views_bulletins.py",
        "press/leaflets.py",
        "press/print.py",
    ]
