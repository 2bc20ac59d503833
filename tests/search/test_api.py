"""The search API as CONTRACT §4 describes it, on the embedded backend and on Elasticsearch."""

import pytest

from practices.models import PracticePage
from tests.conftest import practice

pytestmark = pytest.mark.django_db

CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
ICT = {"slug": "ict-coalition", "name": {"en": "ICT Coalition for Children Online", "ja": "ICTコアリション"}}
JP_NGO = {"slug": "jp-ngo", "name": {"ja": "子どもネット安全会"}, "country": "JP"}

RECORDS = [
    practice(
        "jp-bullying-class",
        ja=(
            "ネットいじめ対策の出前授業",
            "小学校で、ネットいじめ対策とスマホの使い方を学ぶ授業を行います。",
            "子どもたちを守ります。",
        ),
        organisation=JP_NGO, countries=["JP"], topics=[CYBERBULLYING], audiences=["educators"], age_groups=["10-12"],
        started="2016-04-01",
    ),
    practice(
        "jp-filtering-help",
        ja=("フィルタリングサービスの設定講座", "保護者向けに、こどものスマートフォンのフィルター設定を説明します。"),
        organisation=JP_NGO, countries=["JP"], audiences=["parents"], started="2018-06-01",
    ),
    practice(
        "eu-grooming-guide",
        en=("Grooming prevention guide for parents", "Parents learn the warning signs of online grooming and how to report it."),
        countries=["IE"], schemes=[ICT], audiences=["parents"], age_groups=["13-15"], started="2014-09-01",
    ),
    practice(
        "eu-filters",
        en=("Setting filters on children's devices", "Hands-on sessions where parents try filtering tools together."),
        countries=["BE"], audiences=["parents"], started="2020-01-15",
    ),
    practice(
        "bilingual-helpline",
        en=("Helpline for teenagers", "A chat helpline where teenagers talk about cyberbullying."),
        ja=("十代のための相談窓口", "ネットいじめなどについてチャットで相談できる窓口です。"),
        countries=["BE", "JP"], topics=[CYBERBULLYING], audiences=["teenagers"], started="2012-05-01",
    ),
]


@pytest.fixture
def practices(search_backend, vocabulary, import_lines, refresh):
    import_lines(*RECORDS)
    refresh()


def slugs(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return [result["slug"] for result in response.json()["results"]]


def test_response_has_the_contract_shape(client, practices):
    data = client.get("/api/search/", {"q": "grooming", "lang": "en"}).json()
    assert set(data) >= {"query", "lang", "count", "page", "page_size", "backend", "results", "facets"}
    assert (data["query"], data["lang"], data["page"], data["page_size"]) == ("grooming", "en", 1, 20)
    assert data["backend"] in ("sqlite", "postgresql", "elasticsearch")
    result = data["results"][0]
    assert result["slug"] == "eu-grooming-guide"
    assert set(result) >= {"id", "slug", "url", "title", "summary", "languages", "organisation", "countries",
                           "topics", "schemes", "score"}
    assert result["url"] == "/en/practices/test-ngo/eu-grooming-guide/"
    assert result["schemes"] == ["ict-coalition"] and result["countries"] == ["IE"]
    assert result["organisation"] == {"slug": "test-ngo", "name": "Test NGO"}
    assert set(data["facets"]) == {"topic", "scheme", "country", "audience", "age", "language"}


def test_empty_query_lists_all_published_practices_newest_first(client, practices):
    assert slugs(client, q="") == ["eu-filters", "jp-filtering-help", "jp-bullying-class", "eu-grooming-guide",
                                    "bilingual-helpline"]


def test_english_query_finds_japanese_only_practice(client, practices):
    assert "jp-bullying-class" in slugs(client, q="cyberbullying")


def test_japanese_query_finds_english_only_practice(client, practices):
    assert slugs(client, q="グルーミング")[0] == "eu-grooming-guide"


def test_japanese_word_is_found_inside_a_compound(client, practices):
    assert "jp-bullying-class" in slugs(client, q="いじめ")
    assert "jp-filtering-help" in slugs(client, q="フィルタリング")


def test_inflected_japanese_verb_meets_its_dictionary_form(client, practices):
    assert "jp-bullying-class" in slugs(client, q="守る")


@pytest.mark.parametrize("query", ["子ども", "子供", "こども"])
def test_spelling_variants_of_kodomo_meet(client, practices, query):
    found = slugs(client, q=query)
    assert "jp-filtering-help" in found and "jp-bullying-class" in found


@pytest.mark.parametrize("query", ["スマホ", "スマートフォン", "ｽﾏﾎ"])
def test_smartphone_variants_meet(client, practices, query):
    found = slugs(client, q=query)
    assert "jp-filtering-help" in found and "jp-bullying-class" in found


def test_filter_and_filta_variants_meet(client, practices):
    assert "jp-filtering-help" in slugs(client, q="フィルタ")


def test_full_width_space_separates_words(client, practices):
    found = slugs(client, q="フィルター\u3000保護者")
    assert found[0] == "jp-filtering-help"


@pytest.mark.parametrize("query", ["filter", "filtering", "filters", "FILTERED"])
def test_english_words_are_stemmed_and_case_folded(client, practices, query):
    assert "eu-filters" in slugs(client, q=query)


def test_filters_narrow_results_and_facets_count_them(client, practices):
    data = client.get("/api/search/", {"q": "", "country": "JP"}).json()
    assert data["count"] == 3
    assert data["facets"]["country"]["JP"] == 3
    assert data["facets"]["language"] == {"ja": 3, "en": 1}
    assert data["facets"]["topic"] == {"cyberbullying": 2}
    assert slugs(client, q="", country="JP", language="en") == ["bilingual-helpline"]
    assert slugs(client, q="", scheme="ict-coalition") == ["eu-grooming-guide"]
    assert set(slugs(client, q="", audience=["parents", "teenagers"], age="13-15")) == {"eu-grooming-guide"}


def test_title_and_summary_come_in_the_readers_language_where_they_exist(client, practices):
    results = {r["slug"]: r for r in client.get("/api/search/", {"q": "", "lang": "ja"}).json()["results"]}
    assert results["bilingual-helpline"]["title"] == "十代のための相談窓口"
    assert results["eu-grooming-guide"]["title"] == "Grooming prevention guide for parents"
    assert results["eu-grooming-guide"]["languages"] == ["en"]
    assert results["bilingual-helpline"]["languages"] == ["en", "ja"]
    assert results["jp-bullying-class"]["url"].startswith("/ja/practices/")


def test_unpublished_practice_never_appears(client, practices, refresh):
    PracticePage.objects.get(slug="eu-grooming-guide").unpublish()
    refresh()
    assert "eu-grooming-guide" not in slugs(client, q="grooming")
    assert "eu-grooming-guide" not in slugs(client, q="")


def test_pages_of_results(client, practices):
    first = slugs(client, q="", page_size=2)
    second = slugs(client, q="", page_size=2, page=2)
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
    assert slugs(client, q="", page=50) == []


@pytest.mark.parametrize(
    "params",
    [
        {"lang": "fr"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"page_size": "1000"},
        {"page_size": "0"},
        {"topic": "no-such-topic"},
        {"scheme": "no-such-scheme"},
        {"country": "US"},
        {"audience": "pets"},
        {"age": "18-99"},
        {"language": "de"},
        {"sort": "random"},
        {"q": "x" * 501},
        {"q": "a\x00"},
        {"topic": "\x00"},
        {"organisation": "ngo\x00"},
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, practices, params):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_glossary_phrase_found_nowhere_is_tried_word_by_word(client, search_backend, vocabulary, import_lines, refresh):
    import_lines(
        practice("jp-game-sleep", ja=("ゲームと睡眠の講座", "ゲームの時間と、スマホへの依存について保護者と話します。")),
        practice("eu-gaming-disorder", en=("Gaming disorder clinic", "Help for young people with a gaming disorder.")),
    )
    refresh()
    # ゲーム依存 is a glossary phrase (gaming disorder, game addiction, …): found as a phrase, no relaxing.
    whole = client.get("/api/search/", {"q": "ゲーム依存"}).json()
    assert [r["slug"] for r in whole["results"]] == ["eu-gaming-disorder"]
    assert whole["relaxed"] is False
    # "addiction to games" is no phrase anywhere: its words still find the practice, and the API says so.
    parts = client.get("/api/search/", {"q": "game addiction", "language": "ja", "lang": "ja"}).json()
    assert [r["slug"] for r in parts["results"]] == ["jp-game-sleep"]
    assert parts["relaxed"] is True
    assert "<mark>" in parts["results"][0]["snippet"]


def test_the_search_page_says_when_it_found_only_the_words_of_a_phrase(client, search_backend, vocabulary, import_lines, refresh):
    import_lines(practice("jp-game-sleep", ja=("ゲームと睡眠の講座", "ゲームの時間と、スマホへの依存について保護者と話します。")))
    refresh()
    page = client.get("/ja/search/", {"q": "ゲーム依存"}).content.decode()
    assert "jp-game-sleep" in page
    assert "語句全体に一致する事例はありません" in page


# 500 characters of words most practices contain, more distinct words than a query may use.
COMMON_WORDS = (
    "children parents online safety school teachers internet smartphone games bullying privacy photos "
    "friends chat apps filtering passwords learning family help report 子ども 保護者 学校 スマホ "
)


def test_a_long_query_of_common_words_answers_and_says_what_it_ignored(client, practices):
    q = (COMMON_WORDS * 5)[:500]
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200
    assert response.json()["truncated"] is True and response.json()["count"] > 0
    assert client.get("/api/search/", {"q": "filters"}).json()["truncated"] is False
    page = client.get("/ja/search/", {"q": q})
    assert page.status_code == 200
    assert "最初の 16 語（句）だけで検索し" in page.content.decode()
    assert "only its first 16 words or phrases" in client.get("/en/search/", {"q": q}).content.decode()
