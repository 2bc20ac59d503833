"""Elasticsearch as the engine for scale: its index, atomic rebuilds, and surviving an outage."""

import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from elasticsearch import Elasticsearch

from practices.models import PracticePage
from search.backends.elasticsearch import drop_indexes
from search.models import PendingIndexUpdate
from search.node import ElasticsearchNode
from tests.conftest import ELASTICSEARCH_TEST_URL, missing_service, practice
from tests.services import Relay

pytestmark = pytest.mark.django_db(transaction=True)

BULLYING = practice(
    "jp-bullying", ja=("ネットいじめ対策の出前授業", "小学校でネットいじめの防ぎ方を学びます。"), countries=["JP"]
)
FILTERS = practice("eu-filters", en=("Filtering tools for families", "Parents set up filters together."))


def search(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_index_takes_the_projects_analysed_terms(elasticsearch, vocabulary, import_lines):
    import_lines(BULLYING)
    index = elasticsearch.index_name(PracticePage)
    mapping = next(iter(elasticsearch.es.indices.get_mapping(index=index).values()))["mappings"]["properties"]
    analysed = [name for name, field in mapping.items() if "index_title" in name or "index_text" in name]
    assert analysed and all(mapping[name]["analyzer"] == "whitespace" for name in analysed)
    assert "raw_ja" in mapping


def test_rebuilding_the_index_keeps_answering(client, elasticsearch, vocabulary, import_lines, refresh):
    import_lines(
        *[practice(f"eu-practice-{n}", en=(f"Filtering workshop {n}", "Parents learn to set filters.")) for n in range(30)]
    )
    refresh()
    before = elasticsearch.es.indices.get_alias(index=elasticsearch.index_name(PracticePage))
    failures, counts, done = [], [], threading.Event()

    def query_until_done():
        reader = Client()
        while not done.is_set():
            response = reader.get("/api/search/", {"q": "filtering"})
            data = response.json() if response.status_code == 200 else {}
            if response.status_code != 200 or data.get("backend") != "elasticsearch":
                failures.append((response.status_code, data.get("backend")))
            counts.append(data.get("count", 0))
        connection.close()  # this thread's own connection, or the test database could not be dropped

    reader = threading.Thread(target=query_until_done)
    reader.start()
    try:
        call_command("update_index", backend_name="default", stdout=open(os.devnull, "w"))
    finally:
        done.set()
        reader.join()
    after = elasticsearch.es.indices.get_alias(index=elasticsearch.index_name(PracticePage))
    assert set(before) != set(after)  # a new index took the alias
    assert len(counts) > 5 and not failures
    assert set(counts) == {30}


@pytest.fixture
def outage_engine(settings, vocabulary, elasticsearch_indexes):
    """The run's Elasticsearch behind a relay the test may cut and restore, with indexes of the test's own."""
    if not ELASTICSEARCH_TEST_URL:
        missing_service("Elasticsearch", "run pytest with --elasticsearch (make test does)")
    relay = Relay(ELASTICSEARCH_TEST_URL)
    prefix = f"{elasticsearch_indexes['prefix']}outage_"

    def control(action):
        getattr(relay, action)()
        assert bool(ElasticsearchNode(relay.port).healthy(2)) == (action == "start")

    control("start")
    settings.ELASTICSEARCH_URL = relay.url
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends", "URLS": [relay.url], "INDEX_PREFIX": prefix, "TIMEOUT": 5},
        "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
    }
    call_command("update_index", backend_name="default", stdout=open(os.devnull, "w"))
    yield control
    relay.stop()
    drop_indexes(Elasticsearch(ELASTICSEARCH_TEST_URL), prefix)


def test_site_survives_an_elasticsearch_outage_and_catches_up(client, outage_engine, import_lines, refresh):
    import_lines(BULLYING)
    refresh()
    assert search(client, q="cyberbullying")["backend"] == "elasticsearch"

    outage_engine("stop")
    page = client.get("/en/practices/test-ngo/jp-bullying/")
    assert page.status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["search"] == {"backend": "elasticsearch", "status": "degraded"}
    data = search(client, q="cyberbullying")
    assert data["backend"] in ("sqlite", "postgresql") and data["degraded"] is True
    assert [r["slug"] for r in data["results"]] == ["jp-bullying"]
    notice = client.get("/en/search/", {"q": "cyberbullying"})
    assert b"reduced mode" in notice.content

    import_lines(FILTERS)  # imported while the engine is down: remembered, not lost
    assert PendingIndexUpdate.objects.count() == 1
    assert [r["slug"] for r in search(client, q="filtering")["results"]] == ["eu-filters"]
    assert b"reduced mode" in client.get("/en/practices/").content

    outage_engine("start")
    call_command("sync_search_index", stdout=open(os.devnull, "w"))
    assert PendingIndexUpdate.objects.count() == 0
    data = search(client, q="filtering")
    assert data["backend"] == "elasticsearch" and [r["slug"] for r in data["results"]] == ["eu-filters"]
    # The listing answered in reduced mode was not kept for the next reader (practices/models/pages.py).
    assert b"reduced mode" not in client.get("/en/practices/").content
