"""The hybrid search wired into the engines: lexical ranking fused with the embeddings (issue 11)."""

import os

import pytest
from django.core.management import call_command

from practices.models import PracticePage
from search import engine, fusion
from search.forms import SearchRequest
from search.query import Query
from tests.conftest import DEMO_PRACTICES_FILE

from .test_embeddings import EARTHQUAKE_JA, SEXTORTION_EN, page_id

pytestmark = pytest.mark.django_db

QUESTION_JA = "息子が裸の写真をネタにお金を要求されています"


@pytest.fixture
def catalogue(vocabulary, import_lines, django_capture_on_commit_callbacks):
    """The demo practices and two single-language ones, all embedded by the (immediate) worker on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_practices", str(DEMO_PRACTICES_FILE), stdout=open(os.devnull, "w"))
        import_lines(SEXTORTION_EN, EARTHQUAKE_JA)


def search(q, **options):
    request = SearchRequest(q=q, page_size=options.pop("page_size", 100), **options)
    outcome = engine.run(request, Query.parse(q))
    assert not outcome.degraded  # Elasticsearch answered, not the database in its place
    return outcome


def ids(outcome):
    return [pk for pk, _score in outcome.hits]


def test_a_japanese_question_ranks_the_english_only_practice_first(catalogue, search_backend, refresh):
    refresh()
    assert ids(search(QUESTION_JA))[0] == page_id("boys-blackmail-support")


def test_an_english_question_finds_the_japanese_only_practice(catalogue, search_backend, refresh):
    refresh()
    found = ids(search("fake rumours spreading on social media after an earthquake"))
    assert page_id("jishin-dema-jugyo") in found[:3]


def test_lexical_only_when_the_hybrid_is_switched_off(catalogue, search_backend, refresh, settings):
    refresh()
    settings.SEARCH_HYBRID = False
    assert page_id("boys-blackmail-support") not in ids(search(QUESTION_JA))[:1]


def test_count_facets_and_pages_are_one_set(catalogue, search_backend, refresh):
    refresh()
    everything = search(QUESTION_JA)
    assert everything.count == len(everything.hits) < PracticePage.objects.live().count()
    assert sum(everything.facets["language"].values()) >= everything.count
    second = search(QUESTION_JA, page=2, page_size=3)
    assert ids(second) == ids(everything)[3:6] and second.count == everything.count


def test_sorting_by_date_keeps_the_fused_set_newest_first(catalogue, search_backend, refresh):
    refresh()
    by_relevance, by_date = search(QUESTION_JA), search(QUESTION_JA, sort="date")
    assert set(ids(by_date)) == set(ids(by_relevance)) and by_date.count == by_relevance.count
    newest = [pk for pk in ids(search("")) if pk in set(ids(by_date))]
    assert ids(by_date) == newest


@pytest.mark.parametrize("vague", ["どうしたらいい", "ぬるぽ"])
def test_a_query_with_no_searchable_words_never_lists_the_catalogue(catalogue, search_backend, refresh, vague):
    refresh()
    assert not Query.parse(vague).clauses
    outcome = search(vague)
    assert outcome.count <= fusion.DENSE_LIMIT and outcome.count < PracticePage.objects.live().count() // 2
    assert all(score >= fusion.VAGUE_Z for _pk, score in outcome.hits)


def test_empty_query_still_lists_everything_newest_first(catalogue):
    outcome = search("")
    assert outcome.count == PracticePage.objects.live().count()


def test_the_worker_path_publish_embed_then_found_by_a_question_in_the_other_language(
    settings, vocabulary, import_lines, search_backend, refresh, django_capture_on_commit_callbacks, monkeypatch
):
    """Published → queued → embedded by `db_worker` (the real queue) → found by a Japanese question."""
    from search import embeddings

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_practices", str(DEMO_PRACTICES_FILE), stdout=open(os.devnull, "w"))
        import_lines(SEXTORTION_EN, draft=True)
    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        PracticePage.objects.get(slug="boys-blackmail-support").save_revision().publish()
    refresh()
    blackmail = page_id("boys-blackmail-support")
    assert embeddings.waiting() == 1
    assert ids(search(QUESTION_JA))[0] != blackmail  # published, found by the glossary's お金 → money alone
    call_command("db_worker", "--backend=embeddings", "--batch", "--no-startup-delay", stdout=open(os.devnull, "w"))
    refresh()
    assert embeddings.waiting() == 0
    assert ids(search(QUESTION_JA))[0] == blackmail


def test_elasticsearch_documents_carry_a_vector_per_language_version(catalogue, elasticsearch, refresh):
    from search import embeddings

    refresh()
    index = elasticsearch.index_name(PracticePage)
    fields = list(embeddings.VECTOR_FIELDS.values())
    source = elasticsearch.es.get(index=index, id=str(page_id("jishin-dema-jugyo")), source_includes=fields)["_source"]
    assert set(source) == {"vector_ja"} and len(source["vector_ja"]) == 512


def test_a_version_removed_loses_its_vector_in_the_elasticsearch_document(
    elasticsearch, vocabulary, import_lines, refresh, django_capture_on_commit_callbacks
):
    from tests.conftest import practice

    both = practice("helpline", en=("Helpline", "Call us any day."), ja=("相談窓口", "毎日お電話ください。"))
    with django_capture_on_commit_callbacks(execute=True):
        import_lines(both)
    with django_capture_on_commit_callbacks(execute=True):
        import_lines({**both, "title": {"en": "Helpline"}, "summary": {"en": "Call us any day."}, "body": {}})
    refresh()
    index = elasticsearch.index_name(PracticePage)
    source = elasticsearch.es.get(index=index, id=str(page_id("helpline")))["_source"]
    assert len(source["vector_en"]) == 512 and source.get("vector_ja") is None


@pytest.mark.parametrize("q", [QUESTION_JA, "fake rumours spreading on social media after an earthquake"])
def test_elasticsearch_knn_finds_exactly_the_dense_matches_the_database_engines_count(catalogue, elasticsearch, refresh, q):
    from search import embeddings

    refresh()
    found, _languages = engine.elasticsearch_engine().dense_scores(SearchRequest(q=q), Query.parse(q))
    in_memory = embeddings.VectorIndex.current().scores(embeddings.embed_query(q), floor=fusion.MATCH_Z)
    assert found and set(found) == set(in_memory)
    assert all(found[pk][0] == pytest.approx(in_memory[pk][0], abs=1e-3) for pk in found)


def test_an_index_built_before_the_vector_fields_answers_lexically_until_it_is_rebuilt(
    catalogue, elasticsearch, refresh, monkeypatch
):
    from search import embeddings

    refresh()
    monkeypatch.setattr(embeddings, "VECTOR_FIELDS", {"en": "vector_old_en", "ja": "vector_old_ja"})
    outcome = search(QUESTION_JA)
    assert outcome.backend == "elasticsearch" and outcome.count
    assert ids(outcome)[0] != page_id("boys-blackmail-support")  # the lexical ranking, as with SEARCH_HYBRID off
