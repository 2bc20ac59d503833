"""How the search backends are configured: the database index's own tables, Elasticsearch analysis."""

import os

import pytest
from django.core.management import call_command

from practices.models import PracticePage
from search.analysis import digest
from search.backends.elasticsearch import raw_text_analyzer
from search.models import FacetValue, GlossaryEntry, PracticeText
from tests.conftest import practice


@pytest.mark.django_db
def test_update_index_rebuilds_the_practice_search_tables(client, vocabulary, import_lines):
    import_lines(practice("eu-filters", en=("Filtering tools for families", "Parents set filters.")))
    PracticeText.objects.all().delete()
    FacetValue.objects.all().delete()
    assert client.get("/api/search/", {"q": "filtering"}).json()["count"] == 0
    call_command("update_index", stdout=open(os.devnull, "w"))
    assert [r["slug"] for r in client.get("/api/search/", {"q": "filtering"}).json()["results"]] == ["eu-filters"]


@pytest.mark.django_db
def test_the_index_stores_each_summary_s_tokens_for_highlighting(client, vocabulary, import_lines):
    import_lines(
        practice("jp-filters", ja=("フィルタリング", "保護者がフィルターを設定します。"), en=("Filters", "Parents set filters."))
    )
    stored = PracticeText.objects.get(page__slug="jp-filters").summary_tokens
    assert stored["en"]["digest"] == digest("Parents set filters.")
    assert [tuple(token[:2]) for token in stored["en"]["tokens"]] == [(0, 7), (8, 11), (12, 19)]
    assert ["filter"] in [token[2] for token in stored["en"]["tokens"]]
    assert stored["ja"]["digest"] == digest("保護者がフィルターを設定します。")
    snippet = client.get("/api/search/", {"q": "filter", "lang": "ja"}).json()["results"][0]["snippet"]
    assert snippet == "保護者が<mark>フィルター</mark>を設定します。"


@pytest.mark.django_db
def test_deleting_another_model_with_a_practice_s_id_keeps_the_practice_searchable(client, vocabulary, import_lines):
    import_lines(practice("eu-filters", en=("Filtering tools for families", "Parents set filters.")))
    page_id = PracticePage.objects.get(slug="eu-filters").pk
    entry = GlossaryEntry.objects.filter(pk=page_id).first()
    entry = entry or GlossaryEntry.objects.create(pk=page_id, terms_en="zebra crossing", terms_ja="横断歩道")
    entry.delete()
    assert [r["slug"] for r in client.get("/api/search/", {"q": "filtering"}).json()["results"]] == ["eu-filters"]


@pytest.mark.parametrize(
    ("modules", "analyzer"),
    [
        ({"analysis-kuromoji", "analysis-common"}, "kuromoji_tokenizer"),
        ({"analysis-common"}, "cjk"),
        (set(), "standard"),
    ],
)
def test_raw_japanese_text_gets_the_best_analyzer_the_cluster_has(modules, analyzer):
    assert analyzer in raw_text_analyzer(modules).values()
