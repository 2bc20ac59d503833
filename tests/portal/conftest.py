"""The demo accounts of tests/practices, for the portal's tests of lock-outs and limits."""

import pytest
from django.core.cache import cache

from tests.practices.conftest import accounts  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def fresh_cache():
    # The generation of cached page fragments (practices/page_cache.py) outlives a test's rolled-back database.
    cache.clear()
