"""Keep secrets out of logs: a voting link's path is the voter's credential."""

from __future__ import annotations

import logging
import re

_CREDENTIAL_PATH = re.compile(r"(/ballots/\d+/v/)[^/\s\"']+")


def redact(text: str) -> str:
    return _CREDENTIAL_PATH.sub(r"\1[redacted]", text)


class RedactCredentials(logging.Filter):
    """Rewrite any voting-link credential in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, tuple):
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {
                    k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
                }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # Django's request logger formats the path from the request object too.
            record.msg = redact(str(record.msg))
        return True


class QuietForbidden(logging.Filter):
    """Log a refused request (403) as its one line, without the exception's traceback.

    Django logs ``PermissionDenied`` on ``django.request`` with the exception attached, so
    every refused page filled the log with a traceback of normal, expected behaviour.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
