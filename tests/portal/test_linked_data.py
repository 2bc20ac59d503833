"""Practice pages carry schema.org JSON-LD (CONTRACT §3a) and show the collection's licence."""

import json
import re

import pytest

from tests.conftest import practice

pytestmark = pytest.mark.django_db

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
JP_NGO = {"slug": "jp-ngo", "name": {"en": "Japan NGO", "ja": "日本のNGO"}, "country": "JP", "url": "https://ngo.example.jp/"}


@pytest.fixture
def practices(vocabulary, import_lines):
    import_lines(
        practice("bilingual-helpline", en=("Helpline for </script> teenagers", "A chat helpline."),
                 ja=("十代のための相談窓口", "チャットで相談できる窓口です。"), organisation=JP_NGO, countries=["JP"],
                 topics=[{"slug": "cyberbullying", "name": {"en": "Cyberbullying", "ja": "ネットいじめ"}}],
                 audiences=["teenagers"], age_groups=["13-15"], started="2012-04-01", url="https://helpline.example.jp/"),
        practice("japanese-only", ja=("ネットいじめ対策の授業", "小学校で授業を行います。")),
    )


def json_ld(client, url):
    content = client.get(url).content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def values(tagged):
    return {item["@language"]: item["@value"] for item in tagged}


def test_practice_page_describes_the_practice_as_a_creative_work(client, practices):
    data = json_ld(client, "/en/practices/jp-ngo/bilingual-helpline/")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CreativeWork"
    assert data["url"] == "http://testserver/en/practices/jp-ngo/bilingual-helpline/"
    assert values(data["name"]) == {"en": "Helpline for </script> teenagers", "ja": "十代のための相談窓口"}
    assert values(data["description"]) == {"en": "A chat helpline.", "ja": "チャットで相談できる窓口です。"}
    assert data["inLanguage"] == ["en", "ja"]
    assert data["license"] == CC_BY
    assert data["temporalCoverage"] == "2012-04-01/.."
    assert data["datePublished"] and data["dateModified"]
    assert data["sameAs"] == "https://helpline.example.jp/"
    assert data["spatialCoverage"] == [{"@type": "Country", "identifier": "JP", "name": "Japan"}]
    assert data["publisher"]["name"] == "Safer Internet Practice Exchange"


def test_json_ld_names_the_organisation_in_its_languages(client, practices):
    organisation = json_ld(client, "/ja/practices/jp-ngo/bilingual-helpline/")["sourceOrganization"]
    assert organisation["@type"] == "NGO"
    assert values(organisation["name"]) == {"en": "Japan NGO", "ja": "日本のNGO"}
    assert organisation["address"]["addressCountry"] == "JP"
    assert organisation["url"] == "http://testserver/ja/practices/jp-ngo/"


def test_single_language_practice_says_only_its_language(client, practices):
    data = json_ld(client, "/en/practices/test-ngo/japanese-only/")
    assert data["inLanguage"] == ["ja"]
    assert values(data["name"]) == {"ja": "ネットいじめ対策の授業"}
    assert "temporalCoverage" not in data


def test_text_cannot_end_the_script_element(client, practices):
    content = client.get("/en/practices/jp-ngo/bilingual-helpline/").content.decode()
    assert "Helpline for \\u003c/script\\u003e teenagers" in content


@pytest.mark.parametrize("lang, label", [("en", "Licence"), ("ja", "ライセンス")])
def test_practice_page_shows_the_licence(client, practices, lang, label):
    content = client.get(f"/{lang}/practices/test-ngo/japanese-only/").content.decode()
    assert f'<dt>{label}</dt><dd><a rel="license" href="{CC_BY}"' in content
