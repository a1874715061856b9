"""A static page that loads sealed.js in Chromium, served from the source tree by Playwright's
request routing (no server, no port): ``open_page(browser)`` returns a page with ``window.S``
(sealed.js) and ``window.V`` (verify.js)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[2] / "src" / "iskra" / "core" / "static"
ORIGIN = "http://iskra.test"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sealed.js</title></head>
<body><script type="module">
import * as S from "/static/sealed/sealed.js";
import * as V from "/static/sealed/verify.js";
window.S = S;
window.V = V;
window.sealedReady = true;
</script></body></html>"""


def _serve(route: Any) -> None:
    path = route.request.url[len(ORIGIN) :].split("?")[0]
    if path == "/sealed-test.html":
        route.fulfill(status=200, content_type="text/html", body=PAGE)
        return
    if path.startswith("/static/"):
        target = (STATIC / path[len("/static/") :]).resolve()
        if STATIC in target.parents and target.is_file():
            kind = (
                "text/javascript"
                if target.suffix == ".js"
                else mimetypes.guess_type(target.name)[0]
            )
            route.fulfill(
                status=200,
                content_type=kind or "application/octet-stream",
                body=target.read_bytes(),
            )
            return
    route.fulfill(status=404, body="not found")


def open_page(browser: Any) -> Any:
    context = browser.new_context()
    context.route(f"{ORIGIN}/**", _serve)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{ORIGIN}/sealed-test.html")
    page.wait_for_function("window.sealedReady === true")
    return page


class BrowserThread:
    """Playwright's sync API on a thread of its own, so it works whether or not another
    Playwright (the browser tests' session) is already running an event loop in this thread."""

    def __init__(self, chromium: str, args: list[str] | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sealed-chromium")
        self.chromium = chromium
        self.args = args or ["--no-sandbox", "--disable-gpu"]
        self.playwright: Any = None
        self.browser: Any = None
        self.call(self._start)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=self.chromium, headless=True, args=self.args
        )

    def call(self, fn: Any, *args: Any) -> Any:
        return self.pool.submit(fn, *args).result()

    def new_page(self) -> Any:
        return self.call(open_page, self.browser)

    def close(self) -> None:
        def stop() -> None:
            self.browser.close()
            self.playwright.stop()

        self.call(stop)
        self.pool.shutdown()
