"""Browser fixtures: Debian's Chromium driven by Playwright against the live server with the demo content."""

import json
import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import translation
from playwright.sync_api import sync_playwright

from practices.loaders import DEMO_PRACTICES_FILE
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
    # Between calls Playwright marks its event loop as running in this thread, so Django hands out
    # new connection objects from then on; they must still restore what the migrations made.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all(initialized_only=True)
        if hasattr(connection, "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
        # the database calls the fixtures make from it. Only while the browser is up.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
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
    demo import each test makes skips embedding 42 language versions. The hybrid has its own tests."""
    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def site_url(live_server, transactional_db, django_db_serialized_rollback, demo):
    """The live server's root URL, serving the 30 demo practices.

    The live server reads committed data, so the database is flushed after each test; the
    serialized rollback brings back what the migrations made (Wagtail's root page and locale).
    """
    from portal.helplines import load_helplines
    from portal.journeys import load_journeys

    load_helplines()
    load_journeys()
    return live_server.url
