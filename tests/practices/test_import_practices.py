"""The JSON Lines importer as CONTRACT §5 describes it: validate every line, then write all or nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from modelsearch.backends import get_search_backend
from wagtail.models import Page, PageLogEntry, Revision

from practices.interchange.locking import import_lock
from practices.models import Organisation, OrganisationPage, PracticePage, Scheme, Topic
from tests.conftest import practice

pytestmark = pytest.mark.django_db

GOOD = practice("good-practice", en=("Helpline for teenagers", "A chat helpline for teenagers."))
CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
SCRIPT = "<script>alert(1)</script>"


def write_lines(tmp_path, *lines, name="practices.jsonl"):
    """A file of the given lines: dicts become JSON, strings are written as they are."""
    path = tmp_path / name
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run(path, **options):
    """Run the importer; return (stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_practices", str(path), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def rejected(path, **options):
    """Run an import that must fail with exit status 1; return its stderr."""
    stderr = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_practices", str(path), stdout=io.StringIO(), stderr=stderr, **options)
    assert failure.value.returncode == 1
    return stderr.getvalue()


def practice_slugs():
    return set(PracticePage.objects.values_list("slug", flat=True))


def search(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


# All or nothing ------------------------------------------------------------------------------


def test_a_file_with_one_bad_line_writes_nothing_and_exits_with_status_1(site, tmp_path):
    path = write_lines(tmp_path, GOOD, practice("bad-practice", en=("Title", "Summary"), countries=["US"]))
    stderr = rejected(path)
    assert "line 2: countries has unknown value 'US'" in stderr
    assert practice_slugs() == set()
    assert not Organisation.objects.filter(slug="test-ngo").exists()


def test_every_invalid_line_is_listed_with_its_number(site, tmp_path):
    path = write_lines(tmp_path, "{not json", GOOD, {"slug": "Bad Slug"}, "")
    stderr = rejected(path)
    assert [line.split(":")[0] for line in stderr.splitlines()] == ["line 1", "line 3"]


BAD_LINES = {
    "invalid JSON": ('{"slug": "x", "title": {"en": "T"', "invalid JSON"),
    "a JSON value that is not an object": ('["slug", "x"]', "must be a JSON object"),
    "title that is not an object": (practice("x", en=("T", "S"), title="Title"), "title must be an object"),
    "title text that is not text": (practice("x", en=("T", "S"), title={"en": 42}), "title.en must be text"),
    "countries that are not a list": (practice("x", en=("T", "S"), countries="JP"), "countries must be a list"),
    "topics that are not a list": (practice("x", en=("T", "S"), topics="cyberbullying"), "topics must be a list"),
    "a topic that is a number": (practice("x", en=("T", "S"), topics=[7]), "topics[0] must be a slug"),
    "an organisation that is a list": (practice("x", en=("T", "S"), organisation=["ngo"]), "organisation must be"),
    "unknown language key": (practice("x", en=("T", "S"), summary={"en": "S", "fr": "R"}), "unknown language key 'fr'"),
    "unknown language key in a topic name": (
        practice("x", en=("T", "S"), topics=[{"slug": "t", "name": {"de": "Thema"}}]),
        "unknown language key 'de'",
    ),
    "slug with spaces": (practice("Bad Slug", en=("T", "S")), "slug must be lower-case ASCII kebab-case"),
    "slug with non-ASCII letters": (practice("über-uns", en=("T", "S")), "slug must be lower-case ASCII"),
    "slug with a double hyphen": (practice("a--b", en=("T", "S")), "slug must be lower-case ASCII"),
    "slug that is a number": ({"slug": 12, "title": {"en": "T"}, "summary": {"en": "S"}}, "slug must be"),
    "missing slug": ({"title": {"en": "T"}, "summary": {"en": "S"}}, "slug is missing"),
    "bad topic slug": (practice("x", en=("T", "S"), topics=[{"slug": "Net Bullying"}]), "topics[0].slug must be"),
    "unknown country": (practice("x", en=("T", "S"), countries=["US"]), "countries has unknown value 'US'"),
    "unknown organisation country": (
        practice("x", en=("T", "S"), organisation={"slug": "ngo", "name": {"en": "NGO"}, "country": "CN"}),
        "organisation.country has unknown value 'CN'",
    ),
    "unknown audience": (practice("x", en=("T", "S"), audiences=["pets"]), "audiences has unknown value 'pets'"),
    "unknown age group": (practice("x", en=("T", "S"), age_groups=["18-99"]), "age_groups has unknown value '18-99'"),
    "impossible date": (practice("x", en=("T", "S"), started="2023-02-30"), "started '2023-02-30' is not a real date"),
    "date that is not a date": (practice("x", en=("T", "S"), ended="last year"), "ended 'last year' is not a"),
    "date in another ISO form": (practice("x", en=("T", "S"), started="20230101"), "started '20230101'"),
    "date that is a number": (practice("x", en=("T", "S"), started=2012), "started must be a date"),
    "ended before started": (
        practice("x", en=("T", "S"), started="2020-04-01", ended="2019-03-31"),
        "ended is before started",
    ),
    "javascript: URL": (practice("x", en=("T", "S"), url="javascript:alert(1)"), "url must be an http:// or https://"),
    "ftp: URL": (practice("x", en=("T", "S"), url="ftp://example.org/file"), "url must be an http:// or https://"),
    "organisation javascript: URL": (
        practice("x", en=("T", "S"), organisation={"slug": "ngo", "country": "BE", "url": "javascript:void(0)"}),
        "organisation.url must be an http:// or https://",
    ),
    "missing titles": ({"slug": "x", "summary": {"en": "S"}}, "at least one language needs both"),
    "empty title": (practice("x", en=("  ", "S")), "at least one language needs both"),
    "title without summary in a language": (
        practice("x", en=("T", "S"), title={"en": "T", "ja": "題"}),
        "title.ja and summary.ja go together",
    ),
    "title longer than 255 characters": (practice("x", en=("T" * 256, "S")), "title.en is longer than 255"),
    "unknown field": (practice("x", en=("T", "S"), colour="blue"), "unknown field 'colour'"),
    "unknown organisation field": (
        practice("x", en=("T", "S"), organisation={"slug": "ngo", "contry": "JP"}),
        "organisation has unknown field 'contry'",
    ),
    "URL longer than 500 characters": (
        practice("x", en=("T", "S"), url="https://example.org/" + "a" * 490),
        "url is longer than 500",
    ),
    "organisation URL longer than 200 characters": (
        practice("x", en=("T", "S"), organisation={"slug": "ngo", "country": "BE", "url": "https://e.org/" + "a" * 188}),
        "organisation.url is longer than 200",
    ),
    "topic name longer than 120 characters": (
        practice("x", en=("T", "S"), topics=[{"slug": "t", "name": {"en": "T" * 121}}]),
        "topics[0].name.en is longer than 120",
    ),
    "NUL character in text": (practice("x", en=("T", "S\u0000")), "summary.en contains a NUL character"),
    "text field longer than 100,000 characters": (
        practice("x", en=("T", "S", "B" * 100_001)),
        "body.en is longer than 100,000 characters",
    ),
    "21 topics": (
        practice("x", en=("T", "S"), topics=[f"topic-{i}" for i in range(21)]),
        "topics has 21 entries; a practice may have at most 20",
    ),
    "21 schemes": (
        practice("x", en=("T", "S"), schemes=[f"scheme-{i}" for i in range(21)]),
        "schemes has 21 entries; a practice may have at most 20",
    ),
    "unknown topic": (
        practice("x", en=("T", "S"), topics=[{"slug": "no-such-topic", "name": {"en": "No such topic"}}]),
        "topics[0]: unknown topic 'no-such-topic'",
    ),
    "unknown scheme": (practice("x", en=("T", "S"), schemes=["no-such-scheme"]), "schemes[0]: unknown scheme 'no-such-scheme'"),
    "JSON nested too deeply": ("[" * 100_000, "invalid JSON"),
}


@pytest.mark.parametrize("line, reason", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_each_kind_of_bad_line_is_named_and_nothing_is_written(site, tmp_path, line, reason):
    stderr = rejected(write_lines(tmp_path, GOOD, line))
    assert stderr.startswith("line 2: "), stderr
    assert reason in stderr
    assert practice_slugs() == set()


def test_a_slug_used_twice_in_one_file_is_named_with_its_first_line(site, tmp_path):
    stderr = rejected(write_lines(tmp_path, GOOD, GOOD))
    assert "line 2: slug 'good-practice' already used on line 1" in stderr
    assert practice_slugs() == set()


def test_a_practice_without_organisation_cannot_take_the_slug_of_an_organisation_page(client, site, tmp_path):
    run(write_lines(tmp_path, GOOD))
    stderr = rejected(write_lines(tmp_path, practice("test-ngo", en=("Orphan", "No organisation."), organisation=None)))
    assert stderr.startswith("line 1: ") and "test-ngo" in stderr
    assert client.get("/en/practices/test-ngo/").status_code == 200


def test_a_new_organisation_cannot_take_the_slug_of_a_practice_without_organisation(site, tmp_path):
    run(write_lines(tmp_path, practice("new-ngo", en=("Orphan", "No organisation."), organisation=None)))
    line = practice("x", en=("T", "S"), organisation={"slug": "new-ngo", "name": {"en": "New NGO"}, "country": "BE"})
    stderr = rejected(write_lines(tmp_path, line))
    assert stderr.startswith("line 1: ") and "new-ngo" in stderr
    assert not Organisation.objects.filter(slug="new-ngo").exists()


def good_line_then_latin1_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"slug": "caf\u00e9"}'.encode("latin-1") + b"\n")
    return path


def test_a_line_that_is_not_utf8_is_named_and_nothing_is_written(site, tmp_path):
    stderr = rejected(good_line_then_latin1_line(tmp_path))
    assert stderr.startswith("line 2: ") and "UTF-8" in stderr
    assert practice_slugs() == set()


def test_skip_invalid_skips_a_line_that_is_not_utf8(site, tmp_path):
    _stdout, stderr = run(good_line_then_latin1_line(tmp_path), skip_invalid=True)
    assert stderr.startswith("line 2: not UTF-8")
    assert practice_slugs() == {"good-practice"}


def test_a_missing_file_is_named_and_nothing_is_written(site, tmp_path):
    with pytest.raises(CommandError, match="no-such-file.jsonl: No such file") as failure:
        run(tmp_path / "no-such-file.jsonl")
    assert failure.value.returncode == 1
    assert practice_slugs() == set()


def test_a_new_organisation_without_a_country_is_named_and_nothing_is_written(site, tmp_path):
    path = write_lines(tmp_path, GOOD, practice("x", en=("T", "S"), organisation={"slug": "nowhere-ngo"}))
    stderr = rejected(path)
    assert stderr.startswith("line 2: ") and "organisation.country" in stderr
    assert practice_slugs() == set()


# Options -------------------------------------------------------------------------------------


def test_skip_invalid_writes_the_valid_lines_and_reports_the_others(site, tmp_path):
    path = write_lines(tmp_path, GOOD, practice("bad", en=("T", "S"), url="ftp://x.org"), "{oops")
    stdout, stderr = run(path, skip_invalid=True)
    assert practice_slugs() == {"good-practice"}
    assert stderr.splitlines()[0].startswith("line 2: url must be an http")
    assert stderr.splitlines()[1].startswith("line 3: invalid JSON")
    assert "1 created" in stdout and "2 invalid line(s) skipped" in stdout


def test_dry_run_writes_nothing(site, tmp_path):
    stdout, _stderr = run(write_lines(tmp_path, GOOD), dry_run=True)
    assert "nothing written" in stdout
    assert practice_slugs() == set()
    assert not Organisation.objects.exists()


def test_draft_saves_unpublished_practices_that_search_does_not_show(client, vocabulary, tmp_path):
    run(write_lines(tmp_path, GOOD), draft=True)
    page = PracticePage.objects.get(slug="good-practice")
    assert not page.live
    assert search(client, q="")["count"] == 0
    assert search(client, q="helpline")["count"] == 0


def test_importing_a_draft_again_without_draft_publishes_it(client, vocabulary, tmp_path):
    path = write_lines(tmp_path, GOOD)
    run(path, draft=True)
    run(path)
    assert PracticePage.objects.get(slug="good-practice").live
    assert search(client, q="helpline")["count"] == 1


# Upserts -------------------------------------------------------------------------------------


def content_state():
    pages = PracticePage.objects.order_by("slug")
    return (
        list(pages.values()),
        [sorted(page.topics.values_list("slug", flat=True)) for page in pages],
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        Organisation.objects.count(),
        Topic.objects.count(),
        Scheme.objects.count(),
    )


def test_importing_the_same_file_twice_changes_nothing(vocabulary, tmp_path):
    path = write_lines(
        tmp_path,
        practice("bilingual", en=("Title", "Summary", "One.\n\nTwo."), ja=("題", "概要"), topics=[CYBERBULLYING]),
        practice("japanese-only", ja=("題名", "概要です。")),
    )
    run(path)
    before = content_state()
    stdout, _stderr = run(path)
    assert "0 created, 0 updated, 2 unchanged" in stdout
    assert content_state() == before


def test_a_changed_line_updates_the_practice(client, vocabulary, tmp_path):
    run(write_lines(tmp_path, GOOD))
    changed = {**GOOD, "title": {"en": "Helpline for young people"}, "countries": ["IE"]}
    stdout, _stderr = run(write_lines(tmp_path, changed))
    assert "1 updated" in stdout
    page = PracticePage.objects.get(slug="good-practice")
    assert (page.title_en, page.countries, page.live) == ("Helpline for young people", ["IE"], True)
    assert PracticePage.objects.count() == 1
    assert [r["title"] for r in search(client, q="young")["results"]] == ["Helpline for young people"]


def test_missing_organisations_topics_and_schemes_are_created_with_create_vocabulary(site, tmp_path):
    scheme = {"slug": "new-scheme", "name": {"en": "New scheme", "ja": "新しい枠組み"}}
    topic = {"slug": "new-topic", "name": {"ja": "新しいテーマ"}}
    run(write_lines(tmp_path, practice("x", en=("T", "S"), topics=[topic], schemes=[scheme])), create_vocabulary=True)
    assert Topic.objects.get(slug="new-topic").name_ja == "新しいテーマ"
    assert Scheme.objects.get(slug="new-scheme").name_en == "New scheme"
    organisation = Organisation.objects.get(slug="test-ngo")
    assert (organisation.name_en, organisation.name_ja, organisation.country) == ("Test NGO", "テストNGO", "BE")
    assert PracticePage.objects.get(slug="x").get_parent().specific.organisation == organisation


def test_existing_organisations_topics_and_schemes_are_found_by_slug(vocabulary, tmp_path):
    topics = Topic.objects.count()
    renamed = {"slug": "cyberbullying", "name": {"en": "Something else"}}
    run(write_lines(tmp_path, practice("one", en=("T", "S"), topics=[CYBERBULLYING])))
    run(write_lines(tmp_path, practice("two", en=("T", "S"), topics=[renamed], organisation={"slug": "test-ngo"})))
    assert Topic.objects.count() == topics
    assert Topic.objects.get(slug="cyberbullying").name_en == "Cyberbullying"
    assert Organisation.objects.count() == 1
    assert PracticePage.objects.get(slug="two").organisation.slug == "test-ngo"


def test_imported_practices_are_searchable_at_once(client, vocabulary, tmp_path):
    run(write_lines(tmp_path, GOOD, practice("jp", ja=("相談窓口のチャット", "十代の相談を受けます。"))))
    assert {r["slug"] for r in search(client, q="helpline")["results"]} == {"good-practice", "jp"}
    assert "jp" in [r["slug"] for r in search(client, q="相談窓口")["results"]]


def test_imported_organisations_topics_and_schemes_are_in_the_admin_search(site, tmp_path):
    scheme = {"slug": "new-scheme", "name": {"en": "Quokka scheme", "ja": "新しい枠組み"}}
    topic = {"slug": "new-topic", "name": {"en": "Quokka topic"}}
    organisation = {"slug": "quokka-ngo", "name": {"en": "Quokka NGO"}, "country": "BE"}
    line = practice("x", en=("T", "S"), topics=[topic], schemes=[scheme], organisation=organisation)
    run(write_lines(tmp_path, line), create_vocabulary=True)
    assert [o.slug for o in get_search_backend().search("quokka", Organisation)] == ["quokka-ngo"]
    assert [t.slug for t in get_search_backend().search("quokka", Topic)] == ["new-topic"]
    assert [s.slug for s in get_search_backend().search("quokka", Scheme)] == ["new-scheme"]
    assert [p.slug for p in OrganisationPage.objects.search("quokka")] == ["quokka-ngo"]


def test_a_japanese_only_line_gets_no_english_title(site, tmp_path):
    run(write_lines(tmp_path, practice("jp", ja=("題名", "概要です。"))))
    page = PracticePage.objects.get(slug="jp")
    assert (page.title_en or "", page.title_ja, page.languages) == ("", "題名", ["ja"])


def test_an_updated_japanese_only_line_still_has_no_english_title(site, tmp_path):
    run(write_lines(tmp_path, practice("jp", ja=("題名", "概要です。"))))
    with translation.override("en"):
        run(write_lines(tmp_path, practice("jp", ja=("新しい題名", "概要です。"))))
    page = PracticePage.objects.get(slug="jp")
    assert (page.title_en or "", page.title_ja) == ("", "新しい題名")


# Markup is text ------------------------------------------------------------------------------


@pytest.fixture
def scripted(vocabulary, tmp_path):
    record = practice("scripted", en=(f"Title {SCRIPT}", f"Summary {SCRIPT}", f"Body {SCRIPT}\n\nMore"))
    run(write_lines(tmp_path, record))
    return PracticePage.objects.get(slug="scripted")


def test_markup_in_imported_text_is_shown_as_text_on_the_practice_page(client, scripted):
    content = client.get(scripted.get_url()).content.decode()
    assert SCRIPT not in content
    assert content.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_markup_in_imported_text_is_shown_as_text_in_search_results(client, scripted):
    content = client.get("/en/search/", {"q": "alert"}).content.decode()
    assert "/en/practices/test-ngo/scripted/" in content
    assert SCRIPT not in content


def test_markup_in_imported_text_comes_out_of_the_api_as_text(client, scripted):
    response = client.get("/api/search/", {"q": ""})
    assert response["Content-Type"] == "application/json"
    result = response.json()["results"][0]
    assert (result["title"], result["summary"]) == (f"Title {SCRIPT}", f"Summary {SCRIPT}")
    assert SCRIPT not in result["snippet"]


# What a line may not do (issue 9 §3, §4) --------------------------------------------------------


OTHER_NGO = {"slug": "other-ngo", "name": {"en": "Other NGO"}, "country": "JP"}


def test_a_line_cannot_take_over_a_practice_of_another_organisation(site, tmp_path):
    run(write_lines(tmp_path, GOOD))
    taken = {**GOOD, "title": {"en": "Ours now"}, "organisation": OTHER_NGO}
    stderr = rejected(write_lines(tmp_path, taken))
    assert "line 1: slug 'good-practice' belongs to organisation 'test-ngo'" in stderr
    page = PracticePage.objects.get(slug="good-practice")
    assert (page.title_en, page.organisation.slug) == ("Helpline for teenagers", "test-ngo")
    assert not Organisation.objects.filter(slug="other-ngo").exists()


def test_a_line_without_organisation_cannot_take_a_practice_out_of_its_organisation(site, tmp_path):
    run(write_lines(tmp_path, GOOD))
    stderr = rejected(write_lines(tmp_path, {**GOOD, "organisation": None}))
    assert "line 1: slug 'good-practice' belongs to organisation 'test-ngo'" in stderr
    assert PracticePage.objects.get(slug="good-practice").organisation.slug == "test-ngo"


def test_allow_move_moves_a_practice_to_another_organisation(site, tmp_path):
    run(write_lines(tmp_path, GOOD))
    run(write_lines(tmp_path, {**GOOD, "organisation": OTHER_NGO}), allow_move=True)
    page = PracticePage.objects.get(slug="good-practice")
    assert page.organisation.slug == "other-ngo"
    assert page.get_parent().specific.organisation.slug == "other-ngo"


def test_unknown_vocabulary_is_not_created_and_nothing_is_written(site, tmp_path):
    topic = {"slug": "new-topic", "name": {"en": "New topic"}}
    stderr = rejected(write_lines(tmp_path, GOOD, practice("x", en=("T", "S"), topics=[topic])))
    assert stderr.startswith("line 2: topics[0]: unknown topic 'new-topic'") and "--create-vocabulary" in stderr
    assert not Topic.objects.filter(slug="new-topic").exists()
    assert practice_slugs() == set()


def test_skip_invalid_skips_a_line_with_unknown_vocabulary(vocabulary, tmp_path):
    topics = Topic.objects.count()
    path = write_lines(tmp_path, practice("x", en=("T", "S"), topics=["new-topic"]), GOOD)
    _stdout, stderr = run(path, skip_invalid=True)
    assert stderr.startswith("line 1: topics[0]: unknown topic 'new-topic'")
    assert practice_slugs() == {"good-practice"}
    assert Topic.objects.count() == topics


def test_twenty_topics_and_schemes_are_allowed(vocabulary, tmp_path):
    topics = list(Topic.objects.values_list("slug", flat=True)[:20])
    schemes = list(Scheme.objects.values_list("slug", flat=True)[:20])
    run(write_lines(tmp_path, practice("x", en=("T", "S"), topics=topics, schemes=schemes)))
    page = PracticePage.objects.get(slug="x")
    assert (page.topics.count(), page.schemes.count()) == (len(topics), len(schemes))


@pytest.fixture
def another_import(db):
    """Hold the import lock as a second import would: on PostgreSQL from a connection of its own."""
    from django.db import connection

    holder = connection.copy() if connection.vendor == "postgresql" else connection
    with import_lock(holder):
        yield
    if holder is not connection:
        holder.close()


def test_an_import_while_another_runs_says_so_and_writes_nothing(site, tmp_path, another_import):
    with pytest.raises(CommandError, match="another import is running") as failure:
        run(write_lines(tmp_path, GOOD))
    assert failure.value.returncode == 1
    assert practice_slugs() == set()


def test_an_import_after_another_has_finished_runs(site, tmp_path):
    with import_lock():
        pass
    run(write_lines(tmp_path, GOOD))
    assert practice_slugs() == {"good-practice"}


# Revisions -----------------------------------------------------------------------------------


def test_an_imported_practice_has_a_live_revision_like_one_published_in_the_admin(vocabulary, tmp_path):
    run(write_lines(tmp_path, practice("x", en=("T", "S"), topics=[CYBERBULLYING])))
    page = PracticePage.objects.get(slug="x")
    revision = page.latest_revision
    assert revision is not None and page.live_revision == revision
    assert page.latest_revision_created_at == revision.created_at
    assert revision.as_object().topics.get().slug == "cyberbullying"
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", revision=revision).exists()


def test_an_imported_draft_has_a_revision_and_no_live_revision(site, tmp_path):
    run(write_lines(tmp_path, GOOD), draft=True)
    page = PracticePage.objects.get(slug="good-practice")
    assert page.latest_revision is not None and page.live_revision is None


def test_the_page_tree_has_no_problems_after_an_import(vocabulary, tmp_path):
    run(write_lines(tmp_path, GOOD, practice("loose", en=("T", "S"), organisation=None), practice("jp", ja=("題名", "概要"))))
    run(write_lines(tmp_path, {**GOOD, "title": {"en": "Changed"}}, practice("second", en=("T", "S"))))
    assert Page.find_problems() == ([], [], [], [], [])



def test_practices_written_in_several_batches_are_pages_like_any_other(client, vocabulary, tmp_path, monkeypatch):
    # New practices are inserted a batch at a time (importer.INSERT_BATCH); an update relating to one of
    # them comes after every batch is in.
    monkeypatch.setattr("practices.interchange.importer.INSERT_BATCH", 2)
    run(write_lines(tmp_path, GOOD))
    lines = [
        practice(
            f"batch-{n}",
            en=(f"Quokka helpline {n}", "A chat helpline."),
            ja=(f"クオッカ相談 {n}", "チャット相談です。"),
            organisation=None if n % 2 else GOOD["organisation"],
        )
        for n in range(5)
    ]
    updated = {**GOOD, "related": [{"slug": "batch-4", "relation": "inspired-by"}]}
    assert run(write_lines(tmp_path, *lines, updated))[0].startswith("5 created, 1 updated")
    assert Page.find_problems() == ([], [], [], [], [])
    for n in range(5):
        page = PracticePage.objects.get(slug=f"batch-{n}")
        owner = "test-ngo/" if n % 2 == 0 else ""
        assert page.url_path.endswith(f"/practices/{owner}batch-{n}/")
        assert page.live_revision == page.latest_revision and page.latest_revision.as_object().title_ja == f"クオッカ相談 {n}"
        for lang in ("en", "ja"):
            with translation.override(lang):
                url = page.get_url()
            assert url == f"/{lang}/practices/{owner}batch-{n}/"
            assert client.get(url).status_code == 200
    assert {r["slug"] for r in search(client, q="quokka")["results"]} == {f"batch-{n}" for n in range(5)}
    assert {r["slug"] for r in search(client, q="クオッカ")["results"]} == {f"batch-{n}" for n in range(5)}
    assert {p.slug for p in PracticePage.objects.search("quokka")} == {f"batch-{n}" for n in range(5)}
    assert [r.target.slug for r in PracticePage.objects.get(slug="good-practice").relations.all()] == ["batch-4"]


# Translation provenance (docs/data-formats.md) ----------------------------------------------------

TRANSLATED = practice(
    "translated-class",
    en=("Smartphone safety class", "Parents and children learn together."),
    ja=("スマホ安全教室", "親子でスマホの使い方を学びます。"),
    translations={"title": {"en": {"by": "Aiko Sato", "reviewed": True}}, "summary": {"en": {"by": "Aiko Sato"}}},
)


def test_translation_provenance_is_imported_and_shown_to_readers(client, tmp_path):
    run(write_lines(tmp_path, TRANSLATED))
    page = PracticePage.objects.get(slug="translated-class")
    assert page.translation_provenance == {
        "title_en": {"by": "Aiko Sato", "reviewed": True},
        "summary_en": {"by": "Aiko Sato", "reviewed": False},
    }
    html = client.get("/en/practices/test-ngo/translated-class/").content.decode()
    assert "Title and summary translated from Japanese by Aiko Sato." in html


@pytest.mark.parametrize(
    ("translations", "reason"),
    [
        ({"title": {"en": {"reviewed": True}}}, '"translations.title.en" needs "by"'),
        ({"title": {"fr": {"by": "X"}}}, "unknown language 'fr'"),
        ({"body": {"en": {"by": "X"}}}, "unknown field 'body'"),
        ({"title": {"en": {"by": "X", "reviewed": "yes"}}}, "reviewed\" must be true or false"),
        ({"title": {"en": {"by": "X"}, "ja": {"by": "Y"}}}, "at least one language must be the original"),
        ("Aiko Sato", '"translations" must be an object'),
    ],
)
def test_invalid_translation_provenance_names_its_line_and_writes_nothing(site, tmp_path, translations, reason):
    stderr = rejected(write_lines(tmp_path, GOOD, {**TRANSLATED, "translations": translations}))
    assert stderr.startswith("line 2: ") and reason in stderr, stderr
    assert practice_slugs() == set()


def test_provenance_for_a_language_without_text_is_invalid(site, tmp_path):
    only_japanese = practice("jp-only", ja=("題名", "概要"), translations={"title": {"en": {"by": "X"}}})
    assert "line 1: " in rejected(write_lines(tmp_path, only_japanese))
