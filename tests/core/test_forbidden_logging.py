"""A refused request (403) is logged as one line, without a traceback; other errors keep
theirs."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from tests.conftest import World


def _client(world_user: object) -> Client:
    client = Client()
    client.force_login(world_user)  # type: ignore[arg-type]
    return client


def test_a_403_is_one_line_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the configured root handler (the one a server's log gets) and as recorded."""
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    # Swapped directly: ``setStream`` flushes the old stream, which an earlier test that
    # configured logging again (an in-process command) may have left closed.
    saved = handler.stream  # type: ignore[attr-defined]
    handler.stream = stream  # type: ignore[attr-defined]
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            assert _client(world.member).get("/settings/").status_code == 403
    finally:
        handler.stream = saved  # type: ignore[attr-defined]
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in records] == ["Forbidden (Permission denied): /settings/"]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
    assert stream.getvalue() == "Forbidden (Permission denied): /settings/\n"


def test_the_allowed_request_logs_nothing(world: World, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert _client(world.admin).get("/settings/").status_code == 200
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_other_errors_keep_their_traceback() -> None:
    from iskra.core.logfilters import QuietForbidden

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    QuietForbidden().filter(record)
    assert record.exc_info is not None
