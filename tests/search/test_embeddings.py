"""Sentence embeddings of practices (search/embeddings.py), the worker that makes them, and what depends on them."""

import os

import numpy as np
import pytest
from django.core.management import call_command

from search import embeddings, fusion
from search.models import GlossaryEntry, PracticeVector
from search.tasks import embed_practices
from tests.conftest import practice

pytestmark = pytest.mark.django_db

SEXTORTION_EN = practice(
    "boys-blackmail-support",
    en=(
        "Support for boys blackmailed with intimate images",
        "A chat service helps teenage boys who are being blackmailed for money with their intimate photos.",
        "Counsellors explain how to stop replying, keep evidence and get images removed.",
    ),
)
EARTHQUAKE_JA = practice(
    "jishin-dema-jugyo",
    ja=("災害時のデマを見抜く授業", "地震のときにSNSで広がるうその情報を見分ける中学生向けの授業です。"),
)
GAMES_EN = practice("game-budget", en=("Game spending budgets", "Families agree a monthly budget for in-game purchases."))


@pytest.fixture
def embedded(vocabulary, import_lines, django_capture_on_commit_callbacks):
    """Import practices; the embedding tasks run (immediate backend) once the import commits."""

    def run(*records):
        with django_capture_on_commit_callbacks(execute=True):
            import_lines(*records)

    return run


def page_id(slug):
    from practices.models import PracticePage

    return PracticePage.objects.get(slug=slug).pk


def dense(text):
    return embeddings.VectorIndex.current().scores(embeddings.embed_query(text))


def test_each_language_version_is_embedded_on_its_own_with_names_in_that_language(vocabulary, import_lines):
    import_lines(
        practice("both", en=("Helpline", "Call us."), ja=("相談窓口", "お電話ください。"), topics=[{"slug": "cyberbullying"}])
    )
    from practices.models import PracticePage

    texts = embeddings.practice_texts(PracticePage.objects.get(slug="both"))
    assert set(texts) == {"en", "ja"}
    assert "Cyberbullying" in texts["en"] and "ネットいじめ" not in texts["en"]
    assert "ネットいじめ" in texts["ja"] and "相談窓口" in texts["ja"]


def test_publishing_queues_the_practice_and_the_worker_stores_a_vector_per_language(embedded):
    embedded(SEXTORTION_EN, practice("both", en=("Helpline", "Call us."), ja=("相談窓口", "お電話ください。")))
    stored = PracticeVector.objects.filter(page_id=page_id("both"))
    assert sorted(stored.values_list("language", flat=True)) == ["en", "ja"]
    vector = np.frombuffer(bytes(stored.first().vector), dtype=np.float16)
    assert vector.shape == (512,) and abs(float(np.linalg.norm(vector.astype(np.float32))) - 1) < 0.01
    assert embeddings.waiting() == 0


def test_a_japanese_question_finds_the_english_only_practice_once_it_is_embedded(embedded):
    embedded(SEXTORTION_EN, EARTHQUAKE_JA, GAMES_EN)
    question = "息子が裸の写真をネタにお金を要求されています"
    scores = dense(question)
    # Three practices are too few for the match threshold (z ≥ MATCH_Z); fusion ranks it first all the same.
    ranking = sorted(scores, key=lambda pk: -scores[pk][0])
    found = fusion.fuse([], ranking, "ja", {pk: {"en"} for pk in scores})
    assert found[0][0] == page_id("boys-blackmail-support")


def test_an_english_question_finds_the_japanese_only_practice(embedded):
    embedded(
        SEXTORTION_EN,
        EARTHQUAKE_JA,
        practice("game-kakin", ja=("ゲーム課金のルール", "家族で毎月のゲーム課金の上限を決めます。")),
        practice("router-filter", ja=("家庭のルーターでフィルタリング", "家のWi-Fiにつながるすべての機器を守ります。")),
    )
    scores = dense("fake rumours spreading on social media after an earthquake")
    japanese = [page_id(slug) for slug in ("jishin-dema-jugyo", "game-kakin", "router-filter")]
    assert max(japanese, key=lambda pk: scores[pk][0]) == page_id("jishin-dema-jugyo")
    assert scores[page_id("jishin-dema-jugyo")][0] > 1


def test_a_practice_waits_for_embedding_until_the_worker_has_run(vocabulary, import_lines):
    import_lines(GAMES_EN)  # the on-commit enqueue never runs inside the test's transaction
    assert embeddings.waiting() == 1
    embed_practices.enqueue([page_id("game-budget")])
    assert embeddings.waiting() == 0


def test_the_database_queue_holds_the_task_until_db_worker_runs_it(
    settings, vocabulary, import_lines, django_capture_on_commit_callbacks, monkeypatch
):
    # The worker drops connections it takes for obsolete; inside the test's transaction (not autocommit)
    # PostgreSQL's would look so and be closed under the test.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        import_lines(GAMES_EN)
    assert embeddings.waiting() == 1
    # As command-line arguments: the command checks its --backend default ("default") otherwise.
    call_command("db_worker", "--backend=embeddings", "--batch", "--no-startup-delay", stdout=open(os.devnull, "w"))
    assert embeddings.waiting() == 0


def test_practices_published_together_are_queued_together(
    settings, vocabulary, import_lines, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from practices.models import PracticePage

    monkeypatch.setattr("search.tasks.TASK_PRACTICES", 2)
    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        import_lines(GAMES_EN, SEXTORTION_EN, EARTHQUAKE_JA)
    queued = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.all()]
    # Three practices in one import: two tasks of at most two, every practice in exactly one.
    assert sorted(len(ids) for ids in queued) == [1, 2]
    assert sorted(pk for ids in queued for pk in ids) == sorted(PracticePage.objects.values_list("pk", flat=True))
    # A single publish afterwards is queued on its own, not with those already queued.
    page = PracticePage.objects.get(slug="game-budget")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert sorted(len(task.args_kwargs["args"][0]) for task in DBTaskResult.objects.all()) == [1, 1, 2]
    assert DBTaskResult.objects.filter(args_kwargs__args=[[page.pk]]).exists()


def test_a_publish_after_a_rolled_back_one_is_still_queued(
    settings, vocabulary, import_lines, django_capture_on_commit_callbacks
):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from practices.models import PracticePage

    settings.TASKS = {**settings.TASKS, "embeddings": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        import_lines(GAMES_EN, SEXTORTION_EN)
    DBTaskResult.objects.all().delete()
    games, sextortion = (PracticePage.objects.get(slug=slug) for slug in ("game-budget", "boys-blackmail-support"))
    with pytest.raises(RuntimeError), transaction.atomic():
        games.save_revision().publish()
        raise RuntimeError("the editor's request failed after publishing")
    with django_capture_on_commit_callbacks(execute=True):
        sextortion.save_revision().publish()
    assert [task.args_kwargs["args"][0] for task in DBTaskResult.objects.all()] == [[sextortion.pk]]


def test_embedding_again_an_unchanged_practice_makes_no_new_vector(embedded):
    from practices.models import PracticePage

    embedded(GAMES_EN)
    assert embeddings.embed_practice(PracticePage.objects.get(slug="game-budget")) == 0


def test_an_unpublished_practice_is_not_scored(embedded):
    from practices.models import PracticePage

    embedded(GAMES_EN, SEXTORTION_EN)
    PracticePage.objects.get(slug="game-budget").unpublish()
    assert page_id("game-budget") not in dense("budget for in-game purchases")


def test_embed_practices_command_embeds_everything_and_reports_what_waits(vocabulary, import_lines, capsys):
    import_lines(GAMES_EN, EARTHQUAKE_JA)
    call_command("embed_practices")
    out, err = capsys.readouterr()
    assert "2 vectors made for 2 practices; 0 practices wait for embedding" in out
    assert "2/2" in err


def test_statistics_standardise_exactly_as_the_in_memory_scores_do(embedded):
    embedded(
        SEXTORTION_EN, EARTHQUAKE_JA, GAMES_EN, practice("both", en=("Helpline", "Call us."), ja=("相談窓口", "お電話ください。"))
    )
    query = embeddings.embed_query("help for a blackmailed teenager")
    index = embeddings.VectorIndex.current()
    statistics = embeddings.language_statistics()
    rows = index.by_language["en"]
    expected = embeddings.standardise(index.matrix[rows] @ query)
    assert np.allclose(embeddings.standardise_with(statistics, "en", query, index.matrix[rows] @ query), expected, atol=1e-4)


def test_the_match_cosine_is_where_the_standardised_score_reaches_the_threshold(embedded):
    embedded(SEXTORTION_EN, GAMES_EN, practice("x", en=("Router filters", "Filters on the home router.")))
    query = embeddings.embed_query("blackmail")
    statistics = embeddings.language_statistics()
    cosine = embeddings.match_cosines(statistics, query, fusion.MATCH_Z)["en"]
    assert embeddings.standardise_with(statistics, "en", query, [cosine])[0] == pytest.approx(fusion.MATCH_Z, abs=1e-4)


def test_elasticsearch_gets_a_cosine_knn_vector_per_language():
    mapping = embeddings.elasticsearch_mapping(512)
    assert mapping["vector_ja"] == {
        "type": "dense_vector", "dims": 512, "index": True, "similarity": "cosine", "index_options": {"type": "hnsw"}
    }
    assert set(mapping) == {"vector_en", "vector_ja"}


def test_the_knn_clause_carries_the_filters_and_the_match_cosine():
    filters = [{"term": {"live": True}}, {"terms": {"facet_country": ["JP"]}}]
    clause = embeddings.elasticsearch_knn("ja", np.full(512, 0.04, dtype=np.float32), filters, k=50, min_cosine=0.31)
    assert clause["field"] == "vector_ja" and clause["k"] == 50 and clause["num_candidates"] >= 50
    assert clause["filter"] == {"bool": {"filter": filters}}
    assert clause["similarity"] == pytest.approx(0.31) and len(clause["query_vector"]) == 512
    assert embeddings.cosine_from_score(0.8) == pytest.approx(0.6)


def test_an_unknown_embedding_model_is_refused_by_name(settings):
    settings.SEARCH_EMBEDDING_MODEL = "no-such-model"
    with pytest.raises(ValueError, match="no-such-model"):
        embeddings.model()


def test_a_merely_migrated_database_has_the_shipped_glossary_and_vocabulary():
    from practices.models import Scheme, Topic
    from search.glossary import read_file

    assert GlossaryEntry.objects.count() == len(read_file())
    assert Topic.objects.filter(slug="cyberbullying", name_ja="ネットいじめ").exists()
    assert Scheme.objects.filter(slug="ict-coalition").exists()


def test_healthz_reports_the_glossary_size_and_practices_waiting(client, vocabulary, import_lines):
    import_lines(GAMES_EN)
    body = client.get("/healthz").json()
    assert body["glossary_entries"] == GlossaryEntry.objects.count() > 1000
    assert body["embeddings"] == {"model": "usem3", "waiting": 1}
