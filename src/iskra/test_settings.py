"""Settings for the test suite: the same module as production, with fast, local stand-ins."""

import os

os.environ.setdefault("ISKRA_ENV", "test")

from iskra.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tracker emails are sent in the caller's thread, so tests see them in mail.outbox at once.
ISKRA_EMAIL_IN_BACKGROUND = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
