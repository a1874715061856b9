"""The client's address, and a small limiter for anonymous endpoints (join, applications,
password reset).

Sign-in failures are limited by django-axes (per email address and client address together).
The anonymous endpoints have no account to key on, so they are limited per client address
(and, for password reset, per email address too) with fixed-window counters in Django's cache:
nothing about who asked is written to the database, and a counter costs one cache round trip.
With the default in-process cache each app server process counts on its own (four workers:
up to four times the limit); a shared cache (``CACHES``) makes the limit exact.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _ip(value: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the person's computer, or None when there is none to trust (a request
    over a Unix socket without a proxy header, a test request).

    Without a proxy, ``REMOTE_ADDR``. Behind one (``BEHIND_PROXY``), the address the proxy
    appended to ``X-Forwarded-For``: the right-most entry, or the n-th from the right with
    ``TRUSTED_PROXY_COUNT`` = n proxies in a chain. Entries further left were written by the
    client and are ignored (they could name anyone). A missing or malformed header falls back
    to ``REMOTE_ADDR``.
    """
    remote = _ip(request.META.get("REMOTE_ADDR") or "")
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [h for h in hops if h]
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    if len(hops) < count:
        return remote
    return _ip(hops[-count]) or remote


def _name(scope: str, key: str, window: int) -> str:
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    return f"iskra-rl:{scope}:{digest}:{bucket}"


def used(scope: str, key: str, *, window: int) -> int:
    """How many requests for ``key`` in ``scope`` were counted in the current window (without
    counting one more): for limits that count only failures, asked before trying."""
    return int(cache.get(_name(scope, key, window)) or 0)


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request for ``key`` in ``scope``; False once more than ``limit`` came in the
    current window of ``window`` seconds."""
    name = _name(scope, key, window)
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window + 1)
        count = 1
    return int(count) <= limit


def allow_anonymous(request: HttpRequest, scope: str) -> bool:
    """The limit for an anonymous endpoint, per client address (``ANON_RATE_LIMIT`` requests
    per ``ANON_RATE_WINDOW_SECONDS``)."""
    return allow(
        scope,
        client_address(request) or "unknown",
        limit=settings.ANON_RATE_LIMIT,
        window=settings.ANON_RATE_WINDOW_SECONDS,
    )


TOO_MANY = "Too many requests from your address. Wait a few minutes and try again."
