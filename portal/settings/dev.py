"""Development: the embedded set-up `make run` serves."""

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
# Development only: production refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-6f1c0d6e8b7a4e2c9d3f"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
DEMO_CONTENT = True

# The SQLite database, collected static files and uploads live here; a fresh clone has none yet.
VAR_DIR.mkdir(exist_ok=True)  # noqa: F405
