"""Lock-outs and rate limits hit only the client that earned them, behind a proxy or not (issue 9 §2, §5)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from portal.client import client_ip
from practices.models import JoinApplication
from tests.practices.conftest import PASSWORD
from tests.practices.test_join import APPLICATION

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def behind_proxy(client_address):
    """A test client whose requests reach the portal through one proxy, as the client at `client_address`."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def login(client, username, password):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password})


def test_without_a_proxy_a_forwarded_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_proxies_the_address_the_outermost_proxy_saw_is_the_client(settings):
    settings.PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the address it really saw.
    assert client_ip(request_from(PROXY, "203.0.113.1, 198.51.100.7")) == "198.51.100.7"
    settings.PROXY_COUNT = 2
    assert client_ip(request_from(PROXY, "203.0.113.1, 198.51.100.7, 10.0.0.3")) == "198.51.100.7"


def test_a_request_that_bypassed_the_proxies_or_sent_garbage_counts_as_its_own_address(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request_from("198.51.100.9", "203.0.113.1")) == "198.51.100.9"
    settings.PROXY_COUNT = 1
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY


@pytest.mark.django_db
def test_behind_the_proxy_an_attacker_does_not_lock_the_moderator_out(accounts, settings):
    settings.PROXY_COUNT = 1
    attacker = behind_proxy("198.51.100.66")
    for _attempt in range(6):
        login(attacker, "moderator", "wrong-password")
    assert login(attacker, "moderator", PASSWORD).status_code == 429
    assert login(behind_proxy("203.0.113.20"), "moderator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_a_forged_header_does_not_escape_the_lock_out(accounts, settings):
    settings.PROXY_COUNT = 0
    for attempt in range(5):
        login(Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}"), "moderator", "wrong")
    forged = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert login(forged, "moderator", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_a_lock_out_ends_an_hour_after_it_began_even_while_attempts_go_on(accounts, monkeypatch):
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"])
    monkeypatch.setattr("axes.attempts.now", lambda: clock["now"])
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: clock["now"])
    client = Client(REMOTE_ADDR="198.51.100.66")
    for _attempt in range(5):
        login(client, "moderator", "wrong-password")
    for minutes in (20, 40, 59):
        clock["now"] = start + timedelta(minutes=minutes)
        assert login(client, "moderator", "wrong-password").status_code == 429
    clock["now"] = start + timedelta(minutes=61)
    assert login(client, "moderator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_honeypot_hits_cost_a_real_applicant_behind_the_same_address_nothing(accounts, settings):
    settings.JOIN_FORM_RATE_LIMIT = (2, 3600)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _bot in range(5):
        client.post("/en/join/", {**APPLICATION, "phone": "+1 555 0100"})
    assert client.post("/en/join/", APPLICATION).status_code == 302
    assert JoinApplication.objects.count() == 1


@pytest.mark.django_db
def test_the_join_forms_limit_is_per_client_behind_the_proxy(accounts, settings):
    settings.PROXY_COUNT = 1
    settings.JOIN_FORM_RATE_LIMIT = (2, 3600)
    busy = behind_proxy("198.51.100.7")
    for _application in range(2):
        assert busy.post("/en/join/", APPLICATION).status_code == 302
    assert busy.post("/en/join/", APPLICATION).status_code == 429
    assert behind_proxy("203.0.113.20").post("/en/join/", APPLICATION).status_code == 302


@pytest.mark.django_db
def test_password_reset_requests_are_throttled_per_client(accounts, settings):
    settings.RATELIMIT_PASSWORD_RESET = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = reverse("wagtailadmin_password_reset")
    for _request in range(2):
        assert client.post(url, {"email": "moderator@example.org"}).status_code == 302
    assert client.post(url, {"email": "moderator@example.org"}).status_code == 429
    # Reading the form is not a request to reset, and another client is not held back.
    assert client.get(url).status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.20").post(url, {"email": "moderator@example.org"}).status_code == 302


@pytest.mark.django_db
def test_search_api_and_autocomplete_answer_429_with_a_json_error_past_the_limit(site, settings):
    settings.RATELIMIT_SEARCH = "3/h"  # a minute window could roll over between requests on a busy machine
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.get("/api/search/", {"q": "filter"}).status_code == 200
    assert client.get("/api/search/autocomplete/", {"q": "fil"}).status_code == 200
    assert client.get("/api/search/", {"q": "filter"}).status_code == 200
    for url in ("/api/search/", "/api/search/autocomplete/"):
        response = client.get(url, {"q": "filter"})
        assert response.status_code == 429
        assert response.json()["error"]
    assert Client(REMOTE_ADDR="203.0.113.20").get("/api/search/", {"q": "filter"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_search_page_past_the_limit_is_a_friendly_page_in_the_readers_language(site, settings, lang):
    settings.RATELIMIT_SEARCH = "1/h"
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.get(f"/{lang}/search/", {"q": "filter"}).status_code == 200
    response = client.get(f"/{lang}/search/", {"q": "filter"})
    assert response.status_code == 429
    with translation.override(lang):
        assert translation.gettext("Too many requests") in response.content.decode()
    assert f'<html lang="{lang}">' in response.content.decode()


def test_a_request_without_a_valid_address_is_counted_not_refused_with_an_error(client, db):
    # A WSGI server that passes no REMOTE_ADDR once made every rate-limited view answer 500.
    assert client_ip(request_from("")) == "0.0.0.0"
    assert client.get("/api/search/", {"q": "filter"}, REMOTE_ADDR="").status_code == 200
