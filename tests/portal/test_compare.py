"""/en/compare/<topic>/ and /ja/compare/<topic>/: a topic's EU and Japanese practices side by side.

Plain ORM queries: run this module with DATABASE_URL set to PostgreSQL too (the README says how).
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from practices.models import Scheme
from tests.conftest import practice

pytestmark = pytest.mark.django_db

CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
PEGI = {"slug": "pegi", "name": {"en": "PEGI"}}
EMA = {"slug": "ema", "name": {"en": "EMA certification", "ja": "EMA認定"}}
JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP"}


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice(
            "eu-helpline",
            en=("Helpline for teenagers", "A chat helpline."),
            countries=["BE", "IE"],
            topics=[CYBERBULLYING],
            schemes=[PEGI],
            audiences=["teenagers"],
            age_groups=["13-15"],
        ),
        practice(
            "jp-lesson",
            ja=("ネットいじめ対策の授業", "小学校で授業を行います。"),
            organisation=JP_NGO,
            countries=["JP"],
            topics=[CYBERBULLYING],
            schemes=[EMA],
            audiences=["children", "educators"],
            age_groups=["10-12"],
        ),
        practice(
            "both-regions",
            en=("Joint campaign", "Run in Belgium and Japan."),
            ja=("共同キャンペーン", "ベルギーと日本で実施。"),
            countries=["BE", "JP"],
            topics=[CYBERBULLYING],
            audiences=["teenagers"],
        ),
        practice(
            "other-topic",
            en=("Grooming guide", "Warning signs."),
            countries=["FR"],
            topics=[{"slug": "grooming", "name": {"en": "Grooming"}}],
        ),
    )
    import_lines(practice("eu-draft", en=("Unpublished", "Not public."), countries=["BE"], topics=[CYBERBULLYING]), draft=True)


def columns(client, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    sections = re.findall(r'<section class="compare-side" aria-labelledby="side-(\w+)">(.*?)</section>', content, re.S)
    return {key: body for key, body in sections}


def practice_links(body):
    # Practice pages, not the scheme pages a side links to for counterparts.
    return set(re.findall(r'<a href="/\w\w/practices/(?!schemes/)[\w-]+/([\w-]+)/"', body))


def test_practices_of_the_topic_are_split_by_region(client, practices):
    sides = columns(client, "/en/compare/cyberbullying/")
    assert practice_links(sides["eu"]) == {"eu-helpline", "both-regions"}
    assert practice_links(sides["jp"]) == {"jp-lesson", "both-regions"}


def test_counts_by_audience_and_age_link_into_search_with_the_same_filters(client, practices):
    sides = columns(client, "/en/compare/cyberbullying/")
    assert ">Teenagers (2)</a>" in sides["eu"]
    assert ">13–15 years (1)</a>" in sides["eu"]
    assert ">Children (1)</a>" in sides["jp"]
    href = re.search(r'<a href="([^"]+)">Teenagers \(2\)</a>', sides["eu"]).group(1).replace("&amp;", "&")
    url = urlsplit(href)
    assert url.path == "/en/search/"
    assert parse_qs(url.query) == {"topic": ["cyberbullying"], "country": ["BE", "IE"], "audience": ["teenagers"]}


def test_each_side_names_the_schemes_active_there(client, practices):
    sides = columns(client, "/ja/compare/cyberbullying/")
    pegi, ema = (Scheme.objects.get(slug=slug).name_in("ja") for slug in ("pegi", "ema"))
    assert f">{pegi}</a>" in sides["eu"] and ema not in sides["eu"]
    assert f">{ema}</a>" in sides["jp"] and pegi not in sides["jp"]


def test_search_link_of_a_side_finds_its_practices(client, practices):
    sides = columns(client, "/en/compare/cyberbullying/")
    href = re.search(r'<a href="([^"]+)">Search these practices</a>', sides["jp"]).group(1).replace("&amp;", "&")
    found = {result["slug"] for result in client.get(href).context["results"]}
    assert found == {"jp-lesson", "both-regions"}


def test_japanese_page_shows_titles_in_japanese_where_they_exist(client, practices):
    sides = columns(client, "/ja/compare/cyberbullying/")
    assert "共同キャンペーン" in sides["eu"]
    assert '<a href="/ja/practices/test-ngo/eu-helpline/" lang="en">Helpline for teenagers</a>' in sides["eu"]


def test_a_side_with_no_practices_says_so(client, practices):
    sides = columns(client, "/ja/compare/grooming/")
    assert "このテーマの公開中の取り組み事例はまだありません。" in sides["jp"]


def test_unknown_topic_answers_404(client, practices):
    assert client.get("/en/compare/no-such-topic/").status_code == 404


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_topic_page_links_to_its_comparison(client, practices, lang):
    assert f'href="/{lang}/compare/cyberbullying/"' in client.get(f"/{lang}/practices/topics/cyberbullying/").content.decode()
