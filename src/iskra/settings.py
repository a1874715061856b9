"""Iskra's one settings module, driven by environment variables.

``ISKRA_ENV`` chooses the mode: ``production`` (the default: secrets required, DEBUG off),
``development`` and ``demo`` (a secret key generated into the data folder), ``test``.
Every other setting has a documented variable; bad values stop start-up with a clear message.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url

from iskra.env import (
    ConfigurationError,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent

ISKRA_ENV = env_str("ISKRA_ENV", "production") or "production"
if ISKRA_ENV not in {"production", "development", "demo", "test"}:
    raise ConfigurationError(
        f"ISKRA_ENV={ISKRA_ENV!r} is not one of production, development, demo, test."
    )
IS_PRODUCTION = ISKRA_ENV == "production"

DATA_DIR = Path(env_str("ISKRA_DATA_DIR", "./var") or "./var").resolve()

DEBUG = env_bool("DEBUG", default=ISKRA_ENV == "development")
if IS_PRODUCTION and DEBUG:
    raise ConfigurationError(
        "DEBUG=1 is refused in production (it shows settings and data on error pages); "
        "unset DEBUG, or use ISKRA_ENV=development on your own machine."
    )


def _private_folder(path: Path) -> None:
    """Create the folder (and any missing parents) readable only by its owner (0700): it holds
    the database, whose file holds every ballot. An existing folder is left as it is (its
    owner may have chosen its permissions, e.g. for a backup group)."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened; be exact


def _private_file(path: Path) -> None:
    """Create the SQLite database file empty, readable and writable only by its owner (0600),
    before SQLite creates it with the umask's permissions (usually 0644: readable by every
    account on the machine). SQLite gives its -wal and -shm files the database file's
    permissions. An existing file is left as it is."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
    path.chmod(0o600)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if IS_PRODUCTION and len(key) < 50:
            raise ConfigurationError("SECRET_KEY must be at least 50 characters in production.")
        return key
    if IS_PRODUCTION:
        raise ConfigurationError(
            "SECRET_KEY is required in production (ISKRA_ENV=production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if ISKRA_ENV == "test":
        return "test-only-secret-key-" + "x" * 40
    # Demo and development keep a generated key in the data folder so sessions survive restarts.
    _private_folder(DATA_DIR)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# Behind a reverse proxy (nginx, Caddy) that sets X-Forwarded-For and X-Forwarded-Proto: the
# client address for sign-in limits is the one the proxy gives; TRUSTED_PROXY_COUNT proxies
# in a chain. Production assumes a proxy unless BEHIND_PROXY=0.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=IS_PRODUCTION)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("ALLOWED_HOSTS is required in production, e.g. iskra.example.org.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (
    env_str("SITE_URL")
    or (f"https://{ALLOWED_HOSTS[0]}" if IS_PRODUCTION else "http://127.0.0.1:8000")
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "anymail",
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN
    "iskra.core",
    "iskra.audit",
    "iskra.accounts",
    "iskra.organisation",
    "iskra.members",
    "iskra.motions",
    "iskra.meetings",
    "iskra.decisions",
    "iskra.ballots",
    "iskra.representation",
    "iskra.press",
    "iskra.newsletter",
    "iskra.campaigns",
    "iskra.privacy",
    "iskra.home",
    "iskra.demo",
    "iskra.ops",
    "iskra.search",
    "iskra.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iskra.core.middleware.SecurityHeadersMiddleware",
    "iskra.core.middleware.PageMethodsMiddleware",
    "iskra.accounts.middleware.NoStoreMiddleware",
    "iskra.apikit.middleware.ApiJsonErrorsMiddleware",
    "iskra.core.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iskra.accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "iskra.core.middleware.IskraLoginRequiredMiddleware",
    "iskra.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
# django-axes counts failed sign-ins (and refuses while locked out) before the usual backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "iskra.urls"
WSGI_APPLICATION = "iskra.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iskra.organisation.context_processors.iskra",
                "iskra.core.context_processors.notifications",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url is None:
        _private_folder(DATA_DIR)
        url = f"sqlite:///{DATA_DIR / 'iskra.sqlite3'}"
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ConfigurationError(
            f"DATABASE_URL={url!r}: only sqlite:///path and postgres://… are supported."
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj-database-url raises several types for malformed URLs.
        raise ConfigurationError(f"DATABASE_URL={url!r} is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            _private_folder(Path(name).parent)
            _private_file(Path(name))
        # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write
        # lock up front so concurrent writers queue (for up to 20 s) instead of failing.
        # secure_delete zeroes deleted content instead of leaving it readable in free space
        # (the close deletes and rewrites every ballot: docs/ballots.md).
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The largest file any form or API call may upload (bytes): larger ones are dropped while the
# request is read, never stored (iskra.core.uploads). Pictures for the paper are resized anyway.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's list of 20 000 common passwords, the ones found first in breaches.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London") or "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic gathers files here in production; elsewhere whitenoise reads the apps directly.
STATIC_ROOT = (DATA_DIR / "static") if IS_PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, whitenoise serves static files straight from the apps without collectstatic.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_URL = env_str("EMAIL_URL", "console://" if not IS_PRODUCTION else None)
if EMAIL_URL is None:
    raise ConfigurationError(
        "EMAIL_URL is required in production, e.g. smtp+tls://user:pass@host:587."
    )
DEFAULT_FROM_EMAIL = "Iskra <noreply@localhost>"
if IS_PRODUCTION and EMAIL_URL.split(":", 1)[0] in {"console", "file"}:
    raise ConfigurationError(
        f"EMAIL_URL={EMAIL_URL.split(':', 1)[0]}:// is refused in production (emails with "
        "sign-in and voting links would go to the log or a file); use smtp+tls://, smtps:// or "
        "smtp://."
    )
globals().update(parse_email_url(EMAIL_URL))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The currency of the paper's sales and fighting fund (an ISO 4217 code).
CURRENCY = env_str("CURRENCY", "GBP") or "GBP"

# The newsletter (iskra.newsletter): messages a second each worker sends (0: as fast as the
# mail server takes them), how many workers share a send, the bounce score that stops delivery
# to an address (a hard bounce counts 1, a soft one 0.5), and the sender's address.
NEWSLETTER_RATE = env_float("NEWSLETTER_RATE", 50.0)
NEWSLETTER_WORKERS = env_int("NEWSLETTER_WORKERS", 1)
NEWSLETTER_BOUNCE_LIMIT = env_float("NEWSLETTER_BOUNCE_LIMIT", 5.0)
NEWSLETTER_FROM = env_str("NEWSLETTER_FROM", "") or parseaddr(DEFAULT_FROM_EMAIL)[1]
# A provider's bounce and complaint webhooks (django-anymail) are served when this is set: the
# "user:password" the provider sends with each call.
ANYMAIL = {"WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET", "") or None}
# Emails that must never be queued in the database (a voter's tracker code) are sent by a
# thread of each app server process, outside the request; off, they are sent in the request.
ISKRA_EMAIL_IN_BACKGROUND = env_bool("ISKRA_EMAIL_IN_BACKGROUND", True)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after ISKRA_SESSION_IDLE_MINUTES without a request (iskra.accounts
# middleware, sliding), and at the latest SESSION_COOKIE_AGE after sign-in.
ISKRA_SESSION_IDLE_MINUTES = env_int("ISKRA_SESSION_IDLE_MINUTES", 30)
if ISKRA_SESSION_IDLE_MINUTES < 1:
    raise ConfigurationError("ISKRA_SESSION_IDLE_MINUTES must be at least 1.")
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in limits (django-axes): after LOGIN_RATE_LIMIT failed passwords for one email address
# from one client address, that pair is refused for LOGIN_RATE_WINDOW_SECONDS. Failures from
# other addresses never lock the right person out. Behind a proxy the client address is the
# one the proxy gives (iskra.core.ratelimit.client_address).
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 5)
LOGIN_RATE_WINDOW_SECONDS = env_int("LOGIN_RATE_WINDOW_SECONDS", 15 * 60)
AXES_FAILURE_LIMIT = LOGIN_RATE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_RATE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "iskra.accounts.services.axes_username"
AXES_CLIENT_IP_CALLABLE = "iskra.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "iskra.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_SUCCESS_LOG = True  # no record of every sign-in's address
AXES_VERBOSE = False
# Anonymous endpoints (join, applications, password reset): requests per client address in
# the window (iskra.core.ratelimit).
ANON_RATE_LIMIT = env_int("ANON_RATE_LIMIT", 10)
ANON_RATE_WINDOW_SECONDS = env_int("ANON_RATE_WINDOW_SECONDS", 15 * 60)
# Password-reset emails per email address in the same window.
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A voting link's path is a voter's credential: it never reaches the logs.
    "filters": {
        "redact_credentials": {"()": "iskra.core.logfilters.RedactCredentials"},
        "quiet_forbidden": {"()": "iskra.core.logfilters.QuietForbidden"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_credentials"]}},
    # A refused request (403) is logged as one line, without a traceback.
    "loggers": {"django.request": {"filters": ["quiet_forbidden"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING") or "WARNING"},
}
