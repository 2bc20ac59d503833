"""/sitemap.xml (CONTRACT §3): each public page once per language, with hreflang alternates and x-default."""

from collections import Counter
from xml.etree import ElementTree

import pytest
from django.conf import settings

from tests.conftest import practice

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = settings.WAGTAILADMIN_BASE_URL  # the configured public address, whatever Host a request sent


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice("bilingual-helpline", en=("Helpline for teenagers", "A chat helpline."),
                 ja=("十代のための相談窓口", "チャットで相談できる窓口です。"),
                 topics=[{"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}]),
        practice("japanese-only", ja=("ネットいじめ対策の授業", "小学校で授業を行います。")),
    )
    import_lines(practice("draft-only", en=("Unpublished idea", "Not yet public.")), draft=True)


@pytest.fixture
def urls(client, practices):
    """{location: {hreflang: href}} of every <url> in the sitemap."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    found = {}
    locations = []
    for url in root.findall("s:url", NS):
        location = url.find("s:loc", NS).text
        locations.append(location)
        found[location] = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
    assert [loc for loc, n in Counter(locations).items() if n > 1] == [], "a URL listed twice"
    return found


def test_each_practice_is_listed_once_per_language(urls):
    path = "/practices/test-ngo/bilingual-helpline/"
    assert f"{BASE}/en{path}" in urls and f"{BASE}/ja{path}" in urls


def test_each_url_names_both_languages_and_x_default_as_its_pages_do(urls):
    path = "/practices/test-ngo/japanese-only/"
    expected = {"en": f"{BASE}/en{path}", "ja": f"{BASE}/ja{path}", "x-default": f"{BASE}/en{path}"}
    assert urls[f"{BASE}/en{path}"] == expected
    assert urls[f"{BASE}/ja{path}"] == expected


def test_listing_topic_pages_and_home_are_listed(urls):
    for path in ("/", "/practices/", "/practices/topics/cyberbullying/", "/practices/test-ngo/"):
        assert f"{BASE}/ja{path}" in urls, path


def test_drafts_are_not_listed(urls):
    assert not [location for location in urls if "draft-only" in location]


def test_every_listed_url_answers_200(client, urls):
    for location in urls:
        assert client.get(location.removeprefix(BASE)).status_code == 200, location
