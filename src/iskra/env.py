"""Typed reading of environment variables that fails loudly on bad values."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
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


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a number.") from None
    if number < 0 or number != number:
        raise ConfigurationError(f"{name}={value!r} must be zero or more.")
    return number


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


# ``iskra demo`` leaves this file in its data folder. A later ``iskra`` command started in
# the same folder without ISKRA_ENV runs as the demo, on the demo's database (see
# ``iskra.cli``). Servers started by ``gunicorn iskra.wsgi`` never look at it.
DEMO_MARKER = "ISKRA_DEMO"


def data_dir() -> Path:
    """The data folder, as settings.py chooses it: ISKRA_DATA_DIR, else ./var."""
    return Path(env_str("ISKRA_DATA_DIR", "./var") or "./var").resolve()


def database_fingerprint() -> str:
    """Which database the environment points at: a hash of DATABASE_URL (which may hold a
    password), or ``default`` for the SQLite file in the data folder."""
    url = env_str("DATABASE_URL")
    if url is None:
        return "default"
    return "sha256:" + hashlib.sha256(url.encode()).hexdigest()


def write_demo_marker(*, site_url: str) -> None:
    """Mark the data folder as holding the demo of the database the environment names."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    marker = {
        "about": "This folder holds an Iskra demo. iskra commands run here use its database.",
        "database": database_fingerprint(),
        "site_url": site_url,
    }
    (folder / DEMO_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def demo_marker() -> dict[str, str] | None:
    """The data folder's demo marker, if it marks the database the environment names.

    A marker for another database (DATABASE_URL changed since the demo, e.g. to a
    production server's) does not count, so a forgotten demo folder never turns a
    production command into a demo one.
    """
    try:
        marker = json.loads((data_dir() / DEMO_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("database") != database_fingerprint():
        return None
    return {k: v for k, v in marker.items() if isinstance(k, str) and isinstance(v, str)}
