"""WSGI entry point for production servers: ``gunicorn iskra.wsgi``."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from iskra.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    # A bad setting stops the server with one line saying which, not a traceback.
    sys.stderr.write(f"iskra: configuration error: {exc}\n")
    raise SystemExit(2) from None


def _warm_up() -> None:
    """Load now what a worker's first requests would otherwise wait for: the URL patterns (with
    the API's schemas) and WeasyPrint with its fonts -- about 2.5 s on 2 CPUs, which the first
    leaflet or print PDF of each worker paid. Before the worker takes any request (a thread
    beside the first request slowed it instead: 3 s on a busy machine)."""
    try:
        from django.urls import get_resolver

        from iskra.core import pdf

        get_resolver().url_patterns  # noqa: B018 -- loading them is the point
        pdf.warm_up()
    except Exception as exc:  # a warm-up that fails changes nothing; the request will say
        sys.stderr.write(f"iskra: warm-up skipped: {exc}\n")


if os.environ.get("ISKRA_WARM_UP", "1") != "0":
    _warm_up()
