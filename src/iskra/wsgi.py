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
