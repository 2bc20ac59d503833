"""Public pages in /en/ and /ja/ (CONTRACT §3): languages, alternates, fallback, filters, the content API."""

import re

import pytest

from practices.models import PracticePage
from tests.conftest import practice

pytestmark = pytest.mark.django_db

CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
ICT = {"slug": "ict-coalition", "name": {"en": "ICT Coalition for Children Online", "ja": "ICTコアリション"}}
JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP"}
RECORDS = [
    practice(
        "bilingual-helpline",
        en=("Helpline for teenagers", "A chat helpline for teenagers."),
        ja=("十代のための相談窓口", "チャットで相談できる窓口です。"),
        countries=["BE", "JP"], topics=[CYBERBULLYING], schemes=[ICT],
    ),
    practice("english-only", en=("Grooming guide for parents", "Warning signs of grooming."), countries=["IE"]),
    practice("japanese-only", ja=("ネットいじめ対策の授業", "小学校で授業を行います。"), organisation=JP_NGO,
             countries=["JP"], topics=[CYBERBULLYING]),
]
PAGES = {
    "home": "",
    "practice listing": "practices/",
    "topic page": "practices/topics/cyberbullying/",
    "scheme page": "practices/schemes/ict-coalition/",
    "organisation page": "practices/test-ngo/",
    "practice page": "practices/test-ngo/bilingual-helpline/",
    "search page": "search/",
}


@pytest.fixture
def practices(import_lines):
    """Three practices whose import also creates the topic, scheme and organisations the pages show."""
    import_lines(*RECORDS, create_vocabulary=True)


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def alternates(content):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="http://testserver([^"]+)"', content))


def switcher_links(content):
    nav = re.search(r'<nav class="language-switcher".*?</nav>', content, re.S).group(0)
    return dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', nav))


def result_slugs(response):
    return {result["slug"] for result in response.context["results"]}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_every_page_type_answers_in_both_languages_with_html_lang_and_hreflang(client, practices, path, lang):
    content = get(client, f"/{lang}/{path}")
    assert f'<html lang="{lang}">' in content
    assert alternates(content) == {"en": f"/en/{path}", "ja": f"/ja/{path}", "x-default": f"/en/{path}"}


@pytest.mark.parametrize("accept, target", [("ja", "/ja/"), ("ja-JP,ja;q=0.9,en;q=0.5", "/ja/"), ("en", "/en/")])
def test_root_redirects_by_accept_language(client, site, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_language_switcher_links_to_the_same_page_in_the_other_language(client, practices):
    assert switcher_links(get(client, "/en/practices/test-ngo/bilingual-helpline/")) == {
        "ja": "/ja/practices/test-ngo/bilingual-helpline/"
    }
    assert switcher_links(get(client, "/ja/practices/topics/cyberbullying/")) == {
        "en": "/en/practices/topics/cyberbullying/"
    }


def test_language_switcher_keeps_the_search_query(client, practices):
    assert switcher_links(get(client, "/en/search/", q="grooming"))["ja"] == "/ja/search/?q=grooming"


def test_japanese_only_practice_under_en_shows_the_notice_and_marks_its_text_japanese(client, practices):
    content = get(client, "/en/practices/jp-ngo/japanese-only/")
    assert "This practice is written in Japanese only." in content
    assert '<h1 lang="ja">ネットいじめ対策の授業</h1>' in content
    assert '<p class="lead" lang="ja">小学校で授業を行います。</p>' in content


def test_english_only_practice_under_ja_shows_the_notice_and_marks_its_text_english(client, practices):
    content = get(client, "/ja/practices/test-ngo/english-only/")
    assert '<p class="notice" role="note">' in content
    assert '<h1 lang="en">Grooming guide for parents</h1>' in content


def test_bilingual_practice_under_ja_shows_the_japanese_title_without_a_notice(client, practices):
    content = get(client, "/ja/practices/test-ngo/bilingual-helpline/")
    assert "<h1>十代のための相談窓口</h1>" in content
    assert '<p class="notice" role="note">' not in content


def test_every_demo_practice_listed_by_the_search_api_answers_at_its_url(client, demo):
    for lang in ("en", "ja"):
        data = client.get("/api/search/", {"q": "", "lang": lang, "page_size": 100}).json()
        assert data["count"] == len(data["results"]) >= 24
        for result in data["results"]:
            assert result["url"].startswith(f"/{lang}/practices/")
            assert client.get(result["url"]).status_code == 200, result["url"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"topic": "cyberbullying"}, {"bilingual-helpline", "japanese-only"}),
        ({"country": "IE"}, {"english-only"}),
        ({"topic": "cyberbullying", "country": "BE"}, {"bilingual-helpline"}),
        ({"language": "ja"}, {"bilingual-helpline", "japanese-only"}),
    ],
)
def test_listing_filters_narrow_the_listing(client, practices, params, expected):
    assert result_slugs(client.get("/en/practices/")) == {"bilingual-helpline", "english-only", "japanese-only"}
    assert result_slugs(client.get("/en/practices/", params)) == expected


def test_topic_page_lists_only_practices_of_its_topic(client, practices):
    assert result_slugs(client.get("/ja/practices/topics/cyberbullying/")) == {"bilingual-helpline", "japanese-only"}


def test_organisation_page_lists_only_its_practices(client, practices):
    assert result_slugs(client.get("/en/practices/jp-ngo/")) == {"japanese-only"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_unknown_filter_value_answers_400_with_the_message_on_the_page(client, practices, lang):
    content = get(client, f"/{lang}/practices/", status=400, topic="no-such-topic")
    assert re.search(r'<p class="notice error" role="alert">[^<]*no-such-topic[^<]*</p>', content)


def test_content_api_lists_only_live_pages(client, practices, import_lines):
    import_lines(practice("draft-practice", en=("Draft", "Not yet published.")), draft=True)
    PracticePage.objects.get(slug="english-only").unpublish()
    data = client.get("/api/v2/pages/", {"type": "practices.PracticePage"}).json()
    assert {item["meta"]["slug"] for item in data["items"]} == {"bilingual-helpline", "japanese-only"}
    assert client.get("/api/v2/pages/", {"slug": "draft-practice"}).json()["meta"]["total_count"] == 0
