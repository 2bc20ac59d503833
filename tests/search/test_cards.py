"""Result cards are stored with the search index (issue 15) and follow what they show when it changes."""

import pytest
from wagtail.models import Page

from practices.models import Organisation, OrganisationPage, PracticePage
from search.models import PracticeText
from tests.conftest import practice

pytestmark = pytest.mark.django_db

NGO = {"slug": "kids-ngo", "name": {"en": "Kids NGO", "ja": "キッズNGO"}, "country": "JP"}


@pytest.fixture
def helpline(vocabulary, import_lines):
    import_lines(
        practice("chat-helpline", en=("Chat helpline", "Teenagers talk about cyberbullying."), organisation=NGO),
        practice("other-helpline", en=("Phone helpline", "Parents call about cyberbullying."), organisation=NGO),
    )
    return PracticePage.objects.get(slug="chat-helpline")


def card(client, q="cyberbullying", lang="en"):
    response = client.get("/api/search/", {"q": q, "lang": lang})
    assert response.status_code == 200, response.content
    return {result["slug"]: result for result in response.json()["results"]}["chat-helpline"]


def test_a_result_page_reads_the_stored_cards_not_the_pages(client, helpline, django_assert_max_num_queries):
    assert PracticeText.objects.get(page_id=helpline.pk).card["ja"]["organisation"]["name"] == "キッズNGO"
    client.get("/api/search/", {"q": "cyberbullying"})  # warm: snapshot, glossary, model
    with django_assert_max_num_queries(6):
        shown = card(client, lang="ja")
    assert shown["url"] == helpline.get_url().replace("/en/", "/ja/")
    assert shown["organisation"] == {"slug": "kids-ngo", "name": "キッズNGO"}


def test_renaming_the_organisation_changes_its_practices_cards(client, helpline):
    organisation = Organisation.objects.get(slug="kids-ngo")
    organisation.name_en = "Children's Net Safety"
    organisation.save()
    assert card(client)["organisation"]["name"] == "Children's Net Safety"
    assert card(client, lang="ja")["organisation"]["name"] == "キッズNGO"


def test_a_new_organisation_page_slug_changes_the_practices_urls(client, helpline):
    page = OrganisationPage.objects.get(organisation__slug="kids-ngo")
    page.slug = "kids-net"
    page.save_revision().publish()
    url = card(client)["url"]
    assert "/kids-net/chat-helpline/" in url
    assert client.get(url).status_code == 200


def test_a_moved_practice_shows_its_new_url(client, helpline, vocabulary, import_lines):
    import_lines(practice("seed", en=("Seed", "Other organisation."), organisation={**NGO, "slug": "other-ngo"}))
    destination = OrganisationPage.objects.get(organisation__slug="other-ngo")
    Page.objects.get(pk=helpline.pk).specific.move(destination, pos="last-child")
    url = card(client)["url"]
    assert "/other-ngo/chat-helpline/" in url
    assert client.get(url).status_code == 200
