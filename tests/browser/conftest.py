"""Browser fixtures: Debian's Chromium driven by Playwright against the live server with the demo content."""

import json
import os
import sqlite3
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.utils import translation
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from portal.helplines import load_helplines
from portal.journeys import load_journeys
from portal.setup import ensure_page_tree
from practices.loaders import DEMO_PRACTICES_FILE, load_schemes, load_topics
from search import glossary
from tests.conftest import missing_service

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


def demo_practices():
    """The demo records the site serves, by slug, as the importer read them."""
    with open(DEMO_PRACTICES_FILE, encoding="utf-8") as lines:
        return {record["slug"]: record for record in map(json.loads, lines)}


def translated(message, lang):
    """The interface string as the server renders it in `lang`, whether the catalogue has it or not."""
    with translation.override(lang):
        return translation.gettext(message)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; Playwright's own browser download is never used."""
    if not os.access(CHROMIUM, os.X_OK):
        missing_service("Chromium", "tests/browser.sh ensure")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
        # the database calls the fixtures make from it. Only while the browser is up.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def practices_wait_for_the_embedding_worker(settings):
    """Published practices queue for embedding instead of being embedded at once (the immediate backend of the
    other tests): the browser tests meet the site as it is before the worker has run, found lexically, and the
    demo import skips embedding 42 language versions. The hybrid has its own tests."""
    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class SerialWSGIServer(WSGIServer):
    """Django's live server, answering one request at a time (Django closes each connection for it)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)  # the server's thread already uses the overriding connections


@pytest.fixture(scope="session")
def server(django_db_setup):
    """Django's live server, for the whole run (pytest-django's live_server would make every test flush the database).

    Serial: on in-memory SQLite every request thread shares the test's one connection, and two requests at
    once (the browser's background requests beside a form's submission) failed with "cannot release
    savepoint - SQL statements in progress".
    """
    server = LiveServer("localhost", start=False)
    server.thread.server_class = SerialWSGIServer
    server.start()
    yield server
    server.stop()


def load_demo_site():
    """The 30 demo practices, the vocabulary, helplines and journeys, as the site serves them."""
    ensure_page_tree()
    load_topics()
    load_schemes()
    glossary.load_file()
    call_command("import_practices", str(DEMO_PRACTICES_FILE), stdout=open(os.devnull, "w"))
    load_helplines()
    load_journeys()


@pytest.fixture(scope="session")
def snapshots():
    """Copies of the test database as the run set it up and with the demo site loaded (in-memory SQLite; else serialized)."""
    copies = {}
    yield copies
    for copy in copies.values():
        if isinstance(copy, sqlite3.Connection):
            copy.close()


@pytest.fixture
def db(django_db_setup, django_db_blocker, snapshots, practices_wait_for_the_embedding_worker):
    """The demo site, committed, for the live server to serve; the database is as before the test afterwards.

    Importing the demo takes seconds, and flushing the database then restoring what the migrations made
    (TransactionTestCase) a few more: on in-memory SQLite (tests/run.sh) the first test copies the database
    before and after importing, and each test starts from the second copy and ends by restoring the first.
    """
    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            yield from flushed_demo_site(connection, snapshots)
            return
        connection.ensure_connection()
        if "demo" in snapshots:
            snapshots["demo"].backup(connection.connection)
        else:
            snapshots["clean"] = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshots["clean"])
            load_demo_site()
            snapshots["demo"] = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshots["demo"])
        yield
        snapshots["clean"].backup(connection.connection)
        forget_cached_state()


def flushed_demo_site(connection, snapshots):
    """Other databases: the demo imported for each test, then the database flushed and refilled as it was before."""
    if "serialized" not in snapshots:
        snapshots["serialized"] = connection.creation.serialize_db_to_string()
    load_demo_site()
    yield
    call_command("flush", verbosity=0, interactive=False, database=connection.alias)
    connection.creation.deserialize_db_from_string(snapshots["serialized"])
    forget_cached_state()


def forget_cached_state():
    """What the process remembers of the database the test changed (the glossary, cached site roots)."""
    glossary.forget()
    cache.clear()


@pytest.fixture
def site_url(server, db):
    """The live server's root URL, serving the 30 demo practices."""
    return server.url
