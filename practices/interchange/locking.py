"""One import at a time: a second one is told plainly that another is running, not left to fail midway."""

import contextlib
import fcntl
import os
import tempfile
import zlib
from pathlib import Path

from django.db import connection as default_connection

# Any constant key will do; this one is the CRC of a name nobody else would take.
ADVISORY_KEY = zlib.crc32(b"practices.interchange.import")


class ImportRunning(Exception):
    """Another import holds the lock."""

    def __str__(self):
        return "another import is running; nothing was imported. Try again when it has finished."


@contextlib.contextmanager
def import_lock(connection=None):
    """Hold the import lock for this database, or raise ImportRunning at once.

    PostgreSQL: a session advisory lock, seen by every process and container using the database.
    SQLite: an exclusive lock on a file beside the database file (or per process for an in-memory one).
    """
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            if not cursor.fetchone()[0]:
                raise ImportRunning
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        return
    with open(_lock_file(connection), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_file(connection):
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db():
        return Path(tempfile.gettempdir()) / f"portal-import-{os.getpid()}.lock"
    return Path(f"{name}.import-lock")
