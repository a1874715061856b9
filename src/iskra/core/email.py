"""Sending email: every message is a subject/text/HTML template triple, sent after commit."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import engines
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping: a name typed as "Tom & Jo" or
    "<b>" reads as typed in a subject line or a text part, not as ``&amp;`` or ``&lt;b&gt;``."""
    text: str = (
        engines["django"]
        .from_string("{% autoescape off %}{% include iskra_text_template %}{% endautoescape %}")
        .render({**context, "iskra_text_template": template_name})
    )
    return text


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    # One line whatever a value in it held (a header with a line break is refused by Django).
    subject = " ".join(render_text(f"{template}_subject.txt", context).split())
    text = render_text(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def send_now(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


class _Sender:
    """One thread per process that sends the emails handed to it, in order, from memory.

    For messages that must never be written to the database, not even as a queued task (a
    voter's tracker code: with the published board it would record how they voted), and whose
    sending should not hold up the request (an SMTP exchange takes far longer than casting a
    vote). Nothing is kept on disk: if the process dies first, the message is lost, and the
    caller's page has shown its content already. When the process exits normally, what is
    still queued is sent first (for up to ``DRAIN_SECONDS``).
    """

    DRAIN_SECONDS = 10.0

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            # A forked worker (gunicorn) starts its own thread: threads do not survive a fork.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._jobs = queue.Queue()
                self._thread = threading.Thread(target=self._run, name="iskra-email", daemon=True)
                self._thread.start()
            self._jobs.put(job)

    def _run(self) -> None:
        jobs = self._jobs
        while True:
            job = jobs.get()
            try:
                job()
            except Exception:
                logger.warning("an email sent in the background failed", exc_info=True)
            finally:
                jobs.task_done()

    def drain(self, timeout: float) -> bool:
        """Wait until everything submitted by this process has been sent (or ``timeout``)."""
        if self._thread is None or self._pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        while self._jobs.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


_sender = _Sender()
atexit.register(lambda: _sender.drain(_Sender.DRAIN_SECONDS))


def send_from_memory(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Render and send an email outside the request, from this process's memory only (see
    ``_Sender``); at once, in the caller's thread, where ``ISKRA_EMAIL_IN_BACKGROUND`` is off
    (the test suite)."""

    def job() -> None:
        send_now(to=to, template=template, context=context)

    if getattr(settings, "ISKRA_EMAIL_IN_BACKGROUND", True):
        _sender.submit(job)
    else:
        job()


def drain_background_email(timeout: float = _Sender.DRAIN_SECONDS) -> bool:
    return _sender.drain(timeout)
