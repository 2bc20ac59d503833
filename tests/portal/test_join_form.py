"""The join form as readers see it (issue 12): required markers, help tied to fields, countries in the reader's language."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def form_of(client, lang, data=None):
    response = client.post(f"/{lang}/join/", data) if data is not None else client.get(f"/{lang}/join/")
    return BeautifulSoup(response.content, "html.parser").select_one("form.join-form")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_aria_describedby_points_at_text_on_the_page(client, site, lang):
    for form in (form_of(client, lang), form_of(client, lang, {"organisation_name": ""})):
        described = form.select("[aria-describedby]")
        assert described
        for field in described:
            for ref in field["aria-describedby"].split():
                assert form.select_one(f"#{ref}") is not None, ref


def test_required_fields_say_so(client, site):
    form = form_of(client, "ja")
    label = form.select_one('label[for="id_organisation_name"]')
    assert "必須" in label.get_text()


def test_countries_come_in_the_readers_language_with_japan_first_on_japanese_pages(client, site):
    options = [o.get_text() for o in form_of(client, "ja").select("#id_country option") if o["value"]]
    assert options[0] == "日本"
    english = [o.get_text() for o in form_of(client, "en").select("#id_country option") if o["value"]]
    assert english == sorted(english) and "Japan" in english
