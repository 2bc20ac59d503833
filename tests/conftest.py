"""Shared fixtures: the page tree, vocabulary, practices made through the real importer, real services."""

import json
import os
import uuid

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from elastic_transport import JsonSerializer
from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models

from portal.setup import ensure_page_tree
from practices.loaders import DEMO_PRACTICES_FILE, load_schemes, load_topics
from search import embeddings, glossary
from search.backends.elasticsearch import drop_indexes
from tests.services import elasticsearch_unavailable

ELASTICSEARCH_TEST_URL = os.environ.get("ELASTICSEARCH_TEST_URL", "")


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="deselect the tests that never touch the test database (tests/run.sh's second database run)",
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    keep, drop = [], []
    for item in items:
        # db, transactional_db and the live-server fixtures all go through pytest-django's helper.
        touches = item.get_closest_marker("django_db") or "_django_db_helper" in item.fixturenames
        (keep if touches else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def missing_service(name, hint):
    """Under CI=true a missing service fails the test (CONTRACT §1); elsewhere it is skipped, saying why."""
    message = f"{name} is not available: {hint}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the page tree once in the test database, so that each test's rollback keeps it."""
    with django_db_blocker.unblock():
        ensure_page_tree()


@pytest.fixture(autouse=True)
def fresh_cache():
    # The cache outlives a test's rolled-back database: rate-limit counts, and the generation of cached page
    # fragments (practices/page_cache.py).
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def embeddings_remembered():
    """The model encodes each text once per test process: many tests import the demo, whose 42 language versions
    took ~1 s to encode each time. The vectors are the model's own, as search/embeddings.py normalises them."""

    def remembering(load):
        def wrapped():
            embedder = load()
            encode, vectors = embedder._encode, {}

            def remembered(texts):
                if new := [text for text in dict.fromkeys(texts) if text not in vectors]:
                    vectors.update(zip(new, np.asarray(encode(new)).reshape(len(new), embedder.dims), strict=True))
                return np.array([vectors[text] for text in texts]).reshape(len(texts), embedder.dims)

            embedder._encode = remembered
            return embedder

        return wrapped

    with pytest.MonkeyPatch.context() as patch:
        for name, load in list(embeddings.MODELS.items()):
            patch.setitem(embeddings.MODELS, name, remembering(load))
        embeddings._load.cache_clear()
        yield
    embeddings._load.cache_clear()


@pytest.fixture
def site(db):
    # Transactional tests flush the database: then the tree is built again.
    return ensure_page_tree()


@pytest.fixture
def vocabulary(site):
    load_topics()
    load_schemes()
    glossary.load_file()
    yield
    glossary.forget()


@pytest.fixture
def demo(vocabulary):
    call_command("import_practices", str(DEMO_PRACTICES_FILE), stdout=open(os.devnull, "w"))


@pytest.fixture
def import_lines(site, tmp_path):
    """Import practices given as dicts through the real importer; return its output."""

    def run(*records, **options):
        path = tmp_path / f"{uuid.uuid4().hex}.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
        call_command("import_practices", str(path), stdout=open(os.devnull, "w"), **options)
        return path

    return run


def practice(slug, en=None, ja=None, **fields):
    """A practice record for the importer: en/ja are (title, summary[, body]) tuples."""
    record = {"slug": slug, "title": {}, "summary": {}, "body": {}}
    for code, texts in (("en", en), ("ja", ja)):
        if texts:
            record["title"][code], record["summary"][code] = texts[0], texts[1]
            if len(texts) > 2:
                record["body"][code] = texts[2]
    record.setdefault("organisation", {"slug": "test-ngo", "name": {"en": "Test NGO", "ja": "テストNGO"}, "country": "BE"})
    record.update(fields)
    return record


@pytest.fixture(scope="session")
def elasticsearch_indexes():
    """This test process's index prefix: its indexes are created by the first test that needs them and
    removed when the process ends. Creating them (update_index) takes ~2 s; refilling them, for each test, a fraction."""
    state = {"prefix": f"test_{uuid.uuid4().hex[:10]}_", "created": False}
    yield state
    if state["created"]:
        drop_indexes(Elasticsearch(ELASTICSEARCH_TEST_URL), state["prefix"])


def wanted_documents(backend):
    """{(index, id): document} as update_index would write them now; a page indexed under several models keeps the last."""
    wanted = {}

    def collect(es, actions, index):
        for action in actions:
            document = dict(action)
            wanted[index, document.pop("_id")] = document

    backend.bulk = collect  # add_items builds the documents exactly as indexing does, and hands them to bulk
    try:
        for model in get_indexed_models():
            if objects := list(model.get_indexed_objects()):
                backend.get_index_for_model(model).add_items(model, objects)
    finally:
        del backend.bulk
    return wanted


def refill(backend, prefix):
    """The indexes hold what the database holds now. Most of it (the 1,303 glossary entries) is what the last
    test left, so only the documents that differ are written, and those that should not be there removed."""
    es = backend.es
    names = {index: index for index in es.indices.get(index=f"{prefix}*", expand_wildcards="all")}
    for index, aliases in es.indices.get_alias(index=f"{prefix}*").items():
        for alias in aliases["aliases"]:
            names[index] = alias  # a rebuild leaves the documents in a new index behind the model's alias
    es.indices.refresh(index=f"{prefix}*")  # what the last test wrote, searchable or not yet
    hits = es.search(index=f"{prefix}*", query={"match_all": {}}, size=10000)["hits"]["hits"]
    held = {(names[hit["_index"]], hit["_id"]): hit["_source"] for hit in hits}
    wanted = wanted_documents(backend)
    actions = [{"_op_type": "delete", "_index": index, "_id": id_} for index, id_ in held.keys() - wanted.keys()]
    serializer = JsonSerializer()  # the client's: dates and the like compare as Elasticsearch stored them
    for (index, id_), document in wanted.items():
        if held.get((index, id_)) != serializer.loads(serializer.dumps(document)):
            actions.append({"_op_type": "index", "_index": index, "_id": id_, "_source": document})
    if actions:
        bulk(es, actions, refresh=True)


@pytest.fixture
def elasticsearch(settings, elasticsearch_indexes):
    """Point the site at the test Elasticsearch, in this process's indexes, holding what the test's database holds."""
    if not ELASTICSEARCH_TEST_URL:
        missing_service("Elasticsearch", "run pytest with --elasticsearch or set ELASTICSEARCH_TEST_URL (make test does)")
    if reason := elasticsearch_unavailable(ELASTICSEARCH_TEST_URL):
        missing_service("Elasticsearch", reason)
    prefix = elasticsearch_indexes["prefix"]
    settings.ELASTICSEARCH_URL = ELASTICSEARCH_TEST_URL
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends", "URLS": [ELASTICSEARCH_TEST_URL], "INDEX_PREFIX": prefix, "TIMEOUT": 10},
        "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
    }
    backend = get_search_backend("default")
    try:
        backend.es.cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as error:  # the client raises several kinds for an engine that is not there
        missing_service("Elasticsearch", f"{ELASTICSEARCH_TEST_URL} does not answer ({error})")
    if elasticsearch_indexes["created"]:
        refill(backend, prefix)
    else:
        call_command("update_index", backend_name="default", stdout=open(os.devnull, "w"))
        elasticsearch_indexes["created"] = True
    return backend


# tests/run.sh's PostgreSQL run takes only the database backend: the Elasticsearch variants answer the
# same whatever database holds the pages, and the SQLite run has already run them against the engine.
SEARCH_BACKENDS = os.environ.get("TEST_SEARCH_BACKENDS", "database,elasticsearch").split(",")


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request, db):
    """Run the test once on the embedded database backend and once on Elasticsearch."""
    if request.param == "elasticsearch":
        return request.getfixturevalue("elasticsearch")
    return None


@pytest.fixture
def refresh(settings):
    """Make what was just indexed searchable (Elasticsearch refreshes about once a second)."""

    def run():
        if settings.ELASTICSEARCH_URL:
            get_search_backend("default").refresh_indexes()

    return run
