"""Atom feeds of newly published practices (CONTRACT §3, issue 13): valid Atom, the reader's language, 404s."""

import re
from xml.etree import ElementTree

import pytest

from tests.conftest import practice

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CYBERBULLYING = {"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}
PEGI = {"slug": "pegi", "name": {"en": "PEGI", "ja": "PEGI"}}
JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP"}


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice(
            "bilingual-helpline",
            en=("Helpline for teenagers", "A chat helpline <for> teenagers."),
            ja=("十代のための相談窓口", "チャットで相談できる窓口です。"),
            topics=[CYBERBULLYING],
            schemes=[PEGI],
        ),
        practice("english-only", en=("Grooming guide for parents", "Warning signs of grooming.")),
        practice(
            "japanese-only",
            ja=("ネットいじめ対策の授業", "小学校で授業を行います。"),
            organisation=JP_NGO,
            topics=[CYBERBULLYING],
        ),
    )
    import_lines(practice("draft-only", en=("Unpublished idea", "Not yet public.")), draft=True)


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root


def entries(root):
    """{slug: (title, entry language or None, summary)} of each entry."""
    found = {}
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        link = entry.find(f"{ATOM}link").get("href")
        slug = re.search(r"/([^/]+)/$", link).group(1)
        found[slug] = (entry.find(f"{ATOM}title").text, entry.get(XML_LANG), entry.find(f"{ATOM}summary").text)
    return found


def test_feed_of_all_practices_is_valid_atom_with_every_published_practice(client, practices):
    root = feed(client, "/en/feeds/practices/")
    assert root.get(XML_LANG) == "en"
    assert set(entries(root)) == {"bilingual-helpline", "english-only", "japanese-only"}


def test_entries_come_in_the_readers_language_where_a_version_exists(client, practices):
    english = entries(feed(client, "/en/feeds/practices/"))
    assert english["bilingual-helpline"][:2] == ("Helpline for teenagers", None)
    assert english["japanese-only"][:2] == ("ネットいじめ対策の授業", "ja")
    japanese = entries(feed(client, "/ja/feeds/practices/"))
    assert japanese["bilingual-helpline"][:2] == ("十代のための相談窓口", None)
    assert japanese["english-only"][:2] == ("Grooming guide for parents", "en")


def test_entry_links_lead_to_the_practice_in_the_readers_language(client, practices):
    root = feed(client, "/ja/feeds/practices/")
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert "http://testserver/ja/practices/test-ngo/bilingual-helpline/" in links


def test_summary_is_plain_text_escaped_once_for_atoms_html_summary(client, practices):
    summary = entries(feed(client, "/en/feeds/practices/"))["bilingual-helpline"][2]
    assert summary == "A chat helpline &lt;for&gt; teenagers."


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/en/feeds/topics/cyberbullying/", {"bilingual-helpline", "japanese-only"}),
        ("/en/feeds/schemes/pegi/", {"bilingual-helpline"}),
        ("/ja/feeds/organisations/jp-ngo/", {"japanese-only"}),
        ("/en/feeds/languages/ja/", {"bilingual-helpline", "japanese-only"}),
        ("/ja/feeds/languages/en/", {"bilingual-helpline", "english-only"}),
    ],
)
def test_each_subject_feed_lists_only_its_practices(client, practices, url, expected):
    assert set(entries(feed(client, url))) == expected


def test_feed_title_is_in_the_readers_language(client, practices):
    assert "ネットいじめ" in feed(client, "/ja/feeds/topics/cyberbullying/").find(f"{ATOM}title").text


@pytest.mark.parametrize(
    "url",
    ["/en/feeds/topics/no-such-topic/", "/ja/feeds/schemes/nope/", "/en/feeds/organisations/nope/", "/en/feeds/languages/fr/"],
)
def test_unknown_subject_answers_404(client, practices, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_advertises_the_feed(client, practices, lang):
    content = client.get(f"/{lang}/practices/test-ngo/bilingual-helpline/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in content
    assert f'href="/{lang}/feeds/practices/"' in content


def test_topic_page_advertises_its_own_feed(client, practices):
    content = client.get("/ja/practices/topics/cyberbullying/").content.decode()
    assert (
        'type="application/atom+xml" title="新着の取り組み事例：ネットいじめ" href="/ja/feeds/topics/cyberbullying/"' in content
    )
