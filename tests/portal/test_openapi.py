"""/api/openapi.json describes the search API truly (CONTRACT §3): real responses validate against it,
and Schemathesis fuzzing the running API in-process finds nothing with its default checks."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from schemathesis.core.failures import FailureGroup
from schemathesis.engine import Status, events

from tests.conftest import practice

pytestmark = pytest.mark.django_db

JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP"}


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice("helpline", en=("Helpline for teenagers", "A chat helpline about cyberbullying."),
                 ja=("十代のための相談窓口", "ネットいじめについて相談できます。"), countries=["BE", "JP"],
                 topics=["cyberbullying"], schemes=["ict-coalition"], audiences=["teenagers"]),
        practice("filtering", ja=("フィルタリング講座", "保護者向けのスマホ設定講座です。"), countries=["JP"],
                 organisation=JP_NGO, audiences=["parents"], age_groups=["10-12"], started="2018-06-01"),
    )


@pytest.fixture
def api_schema(practices):
    # The test client does the same: closing "old" connections between requests would end the
    # test's transaction, and with it the practices above.
    request_started.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)


def test_openapi_description_is_served_as_json(client, practices):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/api/search/", "/api/search/autocomplete/"}


def test_filter_values_are_those_the_database_knows(client, practices):
    parameters = client.get("/api/openapi.json").json()["components"]["parameters"]
    assert "cyberbullying" in parameters["topic"]["schema"]["items"]["enum"]
    assert "jp-ngo" in parameters["organisation"]["schema"]["items"]["enum"]
    assert parameters["country"]["schema"]["items"]["enum"][-2:] == ["JP", ""]


@pytest.mark.parametrize(
    "path, query",
    [
        ("/api/search/", {"q": "cyberbullying", "lang": "ja"}),
        ("/api/search/", {"q": "", "country": ["JP"], "page_size": 1}),
        ("/api/search/", {"q": "いじめ", "topic": ["cyberbullying"], "sort": "date"}),
        ("/api/search/", {"q": "nothing-matches-this"}),
        ("/api/search/", {"lang": "fr"}),
        ("/api/search/", {"page_size": 1000}),
        ("/api/search/autocomplete/", {"q": "Help", "lang": "en"}),
        ("/api/search/autocomplete/", {"q": "フィル", "lang": "ja"}),
        ("/api/search/autocomplete/", {"q": "x", "topic": ["no-such-topic"]}),
    ],
)
def test_real_responses_validate_against_the_description(api_schema, path, query):
    case = api_schema[path]["GET"].Case(query=query)
    response = case.call()
    assert response.status_code in (200, 400)
    case.validate_response(response)


def test_results_match_the_description_when_there_are_some(api_schema):
    case = api_schema["/api/search/"]["GET"].Case(query={"q": "helpline"})
    response = case.call()
    assert response.json()["count"] >= 1
    case.validate_response(response)


def test_a_response_that_breaks_the_description_is_caught(api_schema):
    # The validation above can fail: a result without its required "score" is reported.
    case = api_schema["/api/search/"]["GET"].Case(query={"q": "helpline"})
    response = case.call()
    body = response.json()
    del body["results"][0]["score"]
    response.content = json.dumps(body).encode()
    with pytest.raises(FailureGroup) as failures:
        case.validate_response(response)
    assert '"score" is a required property' in str(failures.value.exceptions[0])


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_failure_with_its_default_checks(api_schema):
    # Schemathesis's own engine, as its command line runs it (examples, coverage, fuzzing,
    # stateful phases; default checks), against the WSGI application in this process. It works
    # in threads of its own, which see the practices because this test commits them.
    api_schema.config.update(workers=1)
    api_schema.config.generation.update(max_examples=60, deterministic=True, database="none")
    problems, requests = [], 0
    for event in schemathesis.engine.from_schema(api_schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
        if isinstance(event, events.ScenarioFinished) and event.status in (Status.FAILURE, Status.ERROR):
            for check in (c for checks in event.recorder.checks.values() for c in checks):
                if check.failure_info is not None:
                    problems.append(f"{event.label}: {check.failure_info.failure.title} ({check.failure_info.code_sample})")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            problems.append(f"{getattr(event, 'label', '')}: {event.info.format()}")
        elif isinstance(event, events.EngineFinished):
            finished = event
    assert problems == [], "\n".join(problems)
    assert finished.stop_reason == "completed"
    assert requests > 200  # it did try the API, many times
