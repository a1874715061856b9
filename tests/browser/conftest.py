"""Browser fixtures: one headless Debian Chromium per session, the demo organisation per test.

Playwright's sync API runs an event loop in this thread, which Django would otherwise refuse to
touch the database from; the live server runs in its own thread, so this is safe here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DEMO_PASSWORD = "demo"


class _Launcher:
    """Starts Playwright and Chromium on first use and keeps them for the whole session."""

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None

    def get(self, executable_path: str) -> Any:
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=executable_path, headless=True, args=CHROMIUM_ARGS
            )
        return self.browser

    def close(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.playwright.stop()


@pytest.fixture(scope="session")
def _launcher() -> Iterator[_Launcher]:
    launcher = _Launcher()
    yield launcher
    launcher.close()


@pytest.fixture
def browser(_launcher: _Launcher, chromium_path: str) -> Any:
    """The session's headless Chromium (skips, or fails under ISKRA_REQUIRE_BROWSER=1, without it)."""
    return _launcher.get(chromium_path)


@pytest.fixture
def demo(transactional_db: Any) -> None:
    """The demo organisation, seeded by the same function as ``iskra demo``."""
    from iskra.demo.seed import seed_demo

    seed_demo()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of pages, each in its own context (its own cookies), closed after the test."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
        )
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
