"""/en/statistics/ and /ja/statistics/: charts drawn as accessible SVG on the server, with the figures as tables."""

import re
from xml.etree import ElementTree

import pytest

from tests.conftest import practice

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP"}


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice("bilingual-helpline", en=("Helpline for teenagers", "A chat helpline.", "Body in English."),
                 ja=("十代のための相談窓口", "チャットで相談できる窓口です。"), countries=["BE", "JP"],
                 topics=[CYBERBULLYING], schemes=[{"slug": "pegi", "name": {"en": "PEGI"}}], started="2012-04-01"),
        practice("english-only", en=("Grooming guide", "Warning signs."), countries=["IE"], started="2012-09-01"),
        practice("japanese-only", ja=("ネットいじめ対策の授業", "小学校で授業を行います。"), organisation=JP_NGO,
                 countries=["JP"], topics=[CYBERBULLYING], started="2019-01-01"),
    )
    import_lines(practice("draft-only", en=("Unpublished", "Not public."), countries=["JP"]), draft=True)


def page(client, lang):
    response = client.get(f"/{lang}/statistics/")
    assert response.status_code == 200
    return response.content.decode()


def tables(content):
    """{caption: {row label: value}} of each data table."""
    found = {}
    for caption, body in re.findall(r"<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>", content, re.S):
        found[caption] = dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', body))
    return found


def test_figures_count_published_practices_only(client, practices):
    figures = tables(page(client, "en"))
    assert figures["Practices by region"] == {"European Union": "2", "Japan": "2"}
    assert figures["Practices by topic"] == {"Cyberbullying": "2"}
    assert figures["Practices by language written in"] == {"English and Japanese": "1", "English only": "1", "Japanese only": "1"}
    assert figures["Practices by year started"] == {"2012": "2", "2019": "1"}
    # Of the three with a title, one has both; of the one with a description, none has both.
    assert figures["Translation coverage"]["Title"] == "33%"
    assert figures["Translation coverage"]["Description"] == "0%"


def test_japanese_page_labels_charts_in_japanese(client, practices):
    figures = tables(page(client, "ja"))
    assert figures["テーマ別の取り組み事例"] == {"ネットいじめ": "2"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_chart_is_an_accessible_svg_image_with_a_title(client, practices, lang):
    content = page(client, lang)
    svgs = re.findall(r"<svg .*?</svg>", content, re.S)
    assert len(svgs) == 6
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img"
        title = root.find(f"{SVG}title")
        assert title is not None and title.text
        assert title.get("id") in root.get("aria-labelledby").split()
        assert root.findall(f"{SVG}g/{SVG}rect")


def test_bars_are_as_long_as_their_numbers(client, practices):
    svg = re.search(r'<svg [^>]*aria-labelledby="chart-year-title.*?</svg>', page(client, "en"), re.S).group(0)
    widths = [float(w) for w in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_the_page_is_complete_without_javascript(client, practices):
    assert "<script" not in page(client, "en")


def test_empty_collection_says_so(client, site):
    assert "Nothing to count yet." in page(client, "en")
