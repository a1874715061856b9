"""Emails sent from memory by a thread of the process (a voter's tracker code): outside the
request, in order, never in the database, and one failure does not stop the rest."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings

from iskra.core import email
from iskra.core.email import drain_background_email, send_from_memory

TRACKER = {"name": "Mo", "ballot": "Strike ballot", "tracker": "ABCD-EFGH-JKLM", "ballot_url": "/"}


@override_settings(ISKRA_EMAIL_IN_BACKGROUND=True)
def test_sent_by_the_process_thread_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real = email.send_now

    def recording(**kwargs: Any) -> None:
        threads.append(threading.current_thread().name)
        real(**kwargs)

    monkeypatch.setattr(email, "send_now", recording)
    mail.outbox.clear()
    for n in range(5):
        send_from_memory(
            to=f"v{n}@example.org",
            template="ballots/email/tracker",
            context={**TRACKER, "tracker": f"T{n}"},
        )
    assert drain_background_email(30)
    assert threads == ["iskra-email"] * 5
    assert [m.to for m in mail.outbox] == [[f"v{n}@example.org"] for n in range(5)]
    assert all(f"T{n}" in mail.outbox[n].body for n in range(5))


@override_settings(ISKRA_EMAIL_IN_BACKGROUND=True)
def test_a_failed_message_does_not_stop_the_next(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = email.send_now

    def flaky(**kwargs: Any) -> None:
        if kwargs["to"] == "broken@example.org":
            raise OSError("connection refused")
        real(**kwargs)

    monkeypatch.setattr(email, "send_now", flaky)
    mail.outbox.clear()
    send_from_memory(to="broken@example.org", template="ballots/email/tracker", context=TRACKER)
    send_from_memory(to="ok@example.org", template="ballots/email/tracker", context=TRACKER)
    assert drain_background_email(30)
    assert [m.to for m in mail.outbox] == [["ok@example.org"]]
    assert "an email sent in the background failed" in caplog.text


def test_in_the_callers_thread_when_switched_off() -> None:
    mail.outbox.clear()
    send_from_memory(to="v@example.org", template="ballots/email/tracker", context=TRACKER)
    assert [m.to for m in mail.outbox] == [["v@example.org"]]
