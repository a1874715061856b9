from __future__ import annotations

import logging

from iskra.core.logfilters import RedactCredentials, redact


def test_voting_link_credentials_are_redacted() -> None:
    assert redact("Forbidden: /ballots/12/v/AbC-123_x/") == "Forbidden: /ballots/12/v/[redacted]/"
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Forbidden", "/ballots/3/v/s3cr3t/"),
        None,
    )
    RedactCredentials().filter(record)
    assert "s3cr3t" not in record.getMessage()
    assert "/ballots/3/v/[redacted]/" in record.getMessage()
