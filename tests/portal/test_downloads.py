"""The whole collection as a download (JSONL and CSV, CONTRACT §5) and the open-data page linked from the footer."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.conftest import practice

pytestmark = pytest.mark.django_db

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice("bilingual-helpline", en=("Helpline for teenagers", "A chat helpline."),
                 ja=("十代のための相談窓口", "チャットで相談できる窓口です。")),
        practice("japanese-only", ja=("ネットいじめ対策の授業", "小学校で授業を行います。")),
    )
    import_lines(practice("draft-only", en=("Unpublished idea", "Not yet public.")), draft=True)


def exported(format):
    out = io.StringIO()
    call_command("export_practices", format=format, stdout=out)
    return out.getvalue()


def test_jsonl_download_is_the_exporters_output_and_imports_back(client, practices, import_lines, tmp_path):
    response = client.get("/open-data/practices.jsonl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert 'attachment; filename="safer-internet-practices.jsonl"' == response["Content-Disposition"]
    body = response.content.decode()
    assert body == exported("jsonl")
    records = [json.loads(line) for line in body.splitlines()]
    assert [r["slug"] for r in records] == ["bilingual-helpline", "japanese-only"]
    assert records[1]["title"] == {"ja": "ネットいじめ対策の授業"}


def test_csv_download_has_a_header_and_a_row_per_published_practice(client, practices):
    response = client.get("/open-data/practices.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["bilingual-helpline", "japanese-only"]
    assert rows[0]["title_ja"] == "十代のための相談窓口"


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_download_states_its_licence(client, practices, format):
    assert client.get(f"/open-data/practices.{format}")["Link"] == f'<{CC_BY}>; rel="license"'


def test_unknown_format_answers_404(client, practices):
    assert client.get("/open-data/practices.xlsx").status_code == 404


def test_a_newly_published_practice_is_in_the_next_download(client, practices, import_lines):
    assert "late-arrival" not in client.get("/open-data/practices.jsonl").content.decode()
    import_lines(practice("late-arrival", en=("Late arrival", "Published after the first download.")))
    assert "late-arrival" in client.get("/open-data/practices.jsonl").content.decode()


@pytest.mark.parametrize("lang, label", [("en", "Open data"), ("ja", "オープンデータ")])
def test_footer_links_to_the_open_data_page(client, practices, lang, label):
    content = client.get(f"/{lang}/").content.decode()
    assert f'<a href="/{lang}/open-data/">{label}</a>' in content


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_open_data_page_links_downloads_feeds_and_api_and_states_the_licence(client, practices, lang):
    response = client.get(f"/{lang}/open-data/")
    assert response.status_code == 200
    content = response.content.decode()
    for href in ("/open-data/practices.jsonl", "/open-data/practices.csv", f"/{lang}/feeds/practices/",
                 f"/{lang}/feeds/languages/ja/", "/api/openapi.json", CC_BY):
        assert f'href="{href}"' in content, href
