"""Typed reading of environment variables that fails loudly on bad values."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse


class ConfigurationError(Exception):
    """A setting in the environment is missing or malformed; the message says which and why."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_email_url(url: str) -> dict[str, object]:
    """Turn EMAIL_URL into Django email settings.

    Supported: ``console://``, ``locmem://``, ``dummy://``, ``file:///path``,
    ``smtp://user:pass@host:port`` (plain), ``smtp+tls://…`` (STARTTLS), ``smtps://…`` (SSL).
    A ``?from=`` query parameter sets the default sender.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme
    query = parse_qs(parsed.query)
    settings: dict[str, object] = {}
    if "from" in query:
        settings["DEFAULT_FROM_EMAIL"] = query["from"][0]
    if scheme == "console":
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    elif scheme == "locmem":
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    elif scheme == "dummy":
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    elif scheme == "file":
        if not parsed.path:
            raise ConfigurationError(
                "EMAIL_URL=file:// needs a folder, e.g. file:///var/iskra/mail."
            )
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        settings["EMAIL_FILE_PATH"] = parsed.path
    elif scheme in {"smtp", "smtp+tls", "smtps"}:
        if not parsed.hostname:
            raise ConfigurationError(f"EMAIL_URL={url!r} has no host.")
        settings["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        settings["EMAIL_HOST"] = parsed.hostname
        try:
            port = parsed.port
        except ValueError:
            raise ConfigurationError(f"EMAIL_URL={url!r} has a bad port.") from None
        settings["EMAIL_PORT"] = port or (
            465 if scheme == "smtps" else 587 if scheme == "smtp+tls" else 25
        )
        settings["EMAIL_HOST_USER"] = unquote(parsed.username or "")
        settings["EMAIL_HOST_PASSWORD"] = unquote(parsed.password or "")
        settings["EMAIL_USE_TLS"] = scheme == "smtp+tls"
        settings["EMAIL_USE_SSL"] = scheme == "smtps"
    else:
        raise ConfigurationError(
            f"EMAIL_URL={url!r}: unknown scheme {scheme!r} "
            "(use console://, smtp://, smtp+tls://, smtps://, file:///path or locmem://)."
        )
    return settings
