"""/healthz (CONTRACT §3): what the database and the search engine say, 200 while pages can be served."""

import pytest
from django.db import DatabaseError, connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded_search(settings):
    settings.ELASTICSEARCH_URL = ""


def test_healthz_answers_200_with_database_and_search_ok(client, embedded_search):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["database"], body["search"]) == ("ok", {"backend": "database", "status": "ok"})


def test_healthz_is_never_cached(client, embedded_search):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_answers_503_with_database_error_when_the_database_fails(client, embedded_search, monkeypatch):
    # A real outage cannot happen inside the test's transaction; a cursor that raises stands in for it.
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["database"] == "error"
    assert set(data["search"]) == {"backend", "status"}
