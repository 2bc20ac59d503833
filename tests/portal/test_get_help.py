"""The "get help now" block (CONTRACT §3a): on every public page, in the reader's language and region."""

import pytest
from bs4 import BeautifulSoup

from portal.helplines import load_helplines

pytestmark = pytest.mark.django_db


@pytest.fixture
def helplines(vocabulary):
    load_helplines()


def block(response):
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select("#get-help")
    assert len(found) == 1
    return found[0]


def tel_links(element):
    return {a["href"] for a in element.select('a[href^="tel:"]')}


def test_japanese_pages_show_japans_helplines_in_japanese(client, helplines):
    help_block = block(client.get("/ja/"))
    assert {"tel:0120078310", "tel:189"} <= tel_links(help_block)
    assert "tel:116111" not in tel_links(help_block)
    assert "24時間子供SOSダイヤル" in help_block.get_text()


def test_english_pages_show_116_111_and_a_country_chooser_that_works_without_javascript(client, helplines):
    help_block = block(client.get("/en/practices/"))
    assert "tel:116111" in tel_links(help_block)
    chooser = help_block.select_one("form.country-chooser")
    assert chooser["method"] == "get" and chooser["action"] == "/en/help/"
    assert chooser.select_one('option[value="JP"]') is not None


def test_choosing_a_country_remembers_it_and_shows_its_numbers(client, helplines):
    response = client.get("/en/help/", {"country": "fr", "next": "/en/practices/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/practices/#get-help"
    assert client.cookies["help_country"].value == "FR"
    help_block = block(client.get("/en/practices/"))
    assert {"tel:3018", "tel:119", "tel:116111"} <= tel_links(help_block)


def test_japan_can_be_chosen_on_english_pages(client, helplines):
    client.get("/en/help/", {"country": "JP", "next": "/en/"})
    help_block = block(client.get("/en/"))
    assert "tel:189" in tel_links(help_block)
    assert "Children's Human Rights Hotline" in help_block.get_text()


def test_an_unknown_country_answers_400_and_still_shows_help(client, helplines):
    response = client.get("/en/help/", {"country": "XX<script>", "next": "/en/"})
    assert response.status_code == 400
    assert "help_country" not in response.cookies
    text = response.content.decode()
    assert "We do not know the country" in text and "<script>" not in text.split("<main", 1)[1].split("</main>")[0]
    assert "tel:116111" in tel_links(block(response))


def test_the_chooser_never_sends_the_reader_to_another_site(client, helplines):
    response = client.get("/en/help/", {"country": "DE", "next": "https://evil.example/"})
    assert response["Location"] == "/en/help/#get-help"


def test_help_block_is_compact_on_ordinary_pages_and_expanded_on_emergency_topics(client, helplines):
    assert "get-help--compact" in block(client.get("/en/practices/topics/gaming/"))["class"]
    assert "get-help--prominent" in block(client.get("/en/practices/topics/grooming/"))["class"]
    assert "get-help--prominent" in block(client.get("/ja/practices/topics/cyberbullying/"))["class"]


def test_practices_of_an_emergency_topic_show_help_expanded(client, helplines, demo):
    from practices.models import PracticePage

    urgent = PracticePage.objects.live().filter(topics__slug="sexual-exploitation").first()
    assert urgent is not None
    help_block = block(client.get(urgent.url))
    assert "get-help--prominent" in help_block["class"]


def test_help_comes_before_the_main_content(client, helplines):
    html = client.get("/ja/").content.decode()
    assert html.index('id="get-help"') < html.index('<main')


@pytest.mark.parametrize(
    "path, query, phone",
    [
        ("/en/search/", "someone is blackmailing my son with photos", "tel:116111"),
        ("/ja/search/", "子どもが脅されている", "tel:189"),
    ],
)
def test_a_distress_search_shows_help_expanded_above_the_results_that_are_still_there(
    client, helplines, demo, path, query, phone
):
    response = client.get(path, {"q": query})
    help_block = block(response)
    assert "get-help--prominent" in help_block["class"]
    assert phone in tel_links(help_block)
    html = response.content.decode()
    assert response.context["count"] > 0
    assert html.index('id="get-help"') < html.index('class="practice-card"')


def test_an_ordinary_search_keeps_help_compact(client, helplines, demo):
    response = client.get("/en/search/", {"q": "parental controls"})
    assert "get-help--compact" in block(response)["class"]
    assert response.context["distress"] is False
