"""export_practices (CONTRACT §5): JSON Lines that import back to the same content, and a flat CSV."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from practices.models import Organisation, PracticeIndexPage, PracticePage, Scheme, Topic
from tests.conftest import practice

pytestmark = pytest.mark.django_db


def export(format="jsonl"):
    stdout = io.StringIO()
    call_command("export_practices", format=format, stdout=stdout)
    return stdout.getvalue()


def import_text(tmp_path, text, **options):
    path = tmp_path / "export.jsonl"
    path.write_text(text, encoding="utf-8")
    stdout = io.StringIO()
    call_command("import_practices", str(path), stdout=stdout, **options)
    return stdout.getvalue()


def empty_the_database():
    """Remove every practice, organisation, topic and scheme: what a fresh installation holds."""
    PracticeIndexPage.objects.first().get_descendants().delete()
    for model in (Organisation, Topic, Scheme):
        model.objects.all().delete()


def test_jsonl_export_of_the_demo_imports_into_an_empty_database_to_identical_content(demo, tmp_path):
    exported = export()
    empty_the_database()
    assert PracticePage.objects.count() == 0
    # The export carries the names of its topics and schemes, so it can bring them into a fresh database.
    assert "30 created" in import_text(tmp_path, exported, create_vocabulary=True)
    assert export() == exported


def test_jsonl_export_imports_back_into_the_same_database_unchanged(demo, tmp_path):
    assert "0 created, 0 updated, 30 unchanged" in import_text(tmp_path, export())


def test_jsonl_export_writes_one_line_per_practice_in_the_import_format(import_lines):
    import_lines(
        practice(
            "jp-only",
            ja=("題名", "概要", "一段落目。\n二行目。\n\n二段落目 <b>太字</b> & 記号"),
            organisation={"slug": "jp-ngo", "name": {"ja": "日本のNGO"}, "country": "JP", "url": "https://jp.example"},
            countries=["JP"],
            topics=[{"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}],
            audiences=["parents"],
            age_groups=["10-12"],
            started="2012-04-01",
            ended="2019-03-31",
            url="https://example.org/practice",
        ),
        create_vocabulary=True,
    )
    assert json.loads(export()) == {
        "slug": "jp-only",
        "title": {"ja": "題名"},
        "summary": {"ja": "概要"},
        "body": {"ja": "一段落目。\n二行目。\n\n二段落目 <b>太字</b> & 記号"},
        "organisation": {"slug": "jp-ngo", "name": {"ja": "日本のNGO"}, "country": "JP", "url": "https://jp.example"},
        "countries": ["JP"],
        "topics": [{"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}],
        "audiences": ["parents"],
        "age_groups": ["10-12"],
        "started": "2012-04-01",
        "ended": "2019-03-31",
        "url": "https://example.org/practice",
    }


def test_csv_has_a_header_and_one_row_per_published_practice(demo):
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert len(rows) == PracticePage.objects.live().count() == 30
    assert list(rows[0]) == [
        "slug", "title_en", "title_ja", "summary_en", "summary_ja", "organisation", "countries", "topics",
        "schemes", "audiences", "age_groups", "started", "ended", "url", "languages",
    ]


def test_csv_joins_lists_with_semicolons(demo):
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(export("csv")))}
    row = rows["demo-jp-eu-japan-community-site-seminars"]
    assert (row["organisation"], row["countries"], row["schemes"]) == ("demo-ngo-jp", "JP;BE", "ema;ict-coalition")
    assert row["languages"] == "en;ja"
    assert rows["demo-jp-peer-supporter-chat"]["title_en"] == ""
    assert rows["demo-jp-peer-supporter-chat"]["languages"] == "ja"


def test_drafts_are_not_exported(import_lines):
    import_lines(practice("published", en=("Published", "Live.")))
    import_lines(practice("draft", en=("Draft", "Not yet.")), draft=True)
    assert [json.loads(line)["slug"] for line in export().splitlines()] == ["published"]
    assert [row["slug"] for row in csv.DictReader(io.StringIO(export("csv")))] == ["published"]


def test_translation_provenance_is_exported_and_imports_back_unchanged(import_lines, tmp_path):
    provenance = {
        "title": {"en": {"by": "Aiko Sato", "reviewed": True}},
        "summary": {"en": {"by": "Aiko Sato", "reviewed": False}},
    }
    texts = {"en": ("Safety class", "Learn together."), "ja": ("安全教室", "一緒に学ぶ。")}
    import_lines(practice("translated", **texts, translations=provenance))
    exported = export()
    assert json.loads(exported)["translations"] == provenance
    empty_the_database()
    assert "1 created" in import_text(tmp_path, exported)
    assert PracticePage.objects.get(slug="translated").translation_provenance["title_en"] == {"by": "Aiko Sato", "reviewed": True}
    assert export() == exported
