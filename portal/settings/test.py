"""Tests: fast hashing, in-memory cache, mail kept in memory."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Per-client limits far above what the suite sends from one address; tests of the limits lower them.
RATELIMIT_SEARCH = "100000/m"
RATELIMIT_PASSWORD_RESET = "100000/h"
RATELIMIT_CONTACT = "100000/h"
# Background tasks run at once, in the test's own transaction.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "embeddings": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
