"""Phone-first listings and smaller defects (issue 12): filters, titles, footer, dates, error pages."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def options(soup, facet):
    return {box["value"]: box.has_attr("checked") for box in soup.select(f'.facets input[name="{facet}"]')}


def test_ticking_one_country_keeps_the_other_countries_to_tick(client, demo):
    everything = options(soup_of(client.get("/en/search/")), "country")
    assert {"JP", "BE"} <= set(everything)
    ticked = options(soup_of(client.get("/en/search/", {"country": "JP"})), "country")
    assert set(ticked) == set(everything)
    assert ticked["JP"] and not ticked["BE"]


def test_country_counts_stay_those_of_each_country_when_one_is_ticked(client, demo):
    def counts(response):
        return {o["value"]: o["count"] for g in response.context["facet_groups"] if g["name"] == "country" for o in g["options"]}

    assert counts(client.get("/en/search/", {"country": "JP"})) == counts(client.get("/en/search/"))


def test_filters_fold_behind_a_toggle_that_counts_the_choices_and_say_how_they_combine(client, demo):
    soup = soup_of(client.get("/en/search/", {"country": ["JP", "BE"], "q": "filtering"}))
    details = soup.select_one("details.filters")
    assert details is not None and not details.has_attr("open")
    assert "(2 chosen)" in details.summary.get_text()
    assert "any of them" in details.select_one("#facets-how").get_text()
    # Without JavaScript the form still submits.
    assert details.select_one("button[type=submit]") is not None


def test_the_home_page_title_names_the_site_once(client, site):
    for lang in ("en", "ja"):
        title = soup_of(client.get(f"/{lang}/")).title.get_text()
        assert " · " not in title, title


def test_the_footer_offers_parents_no_search_api_link_but_keeps_it_for_developers(client, site):
    soup = soup_of(client.get("/en/"))
    footer = soup.select_one("footer")
    main_line = footer.select_one(".footer-main")
    assert main_line.select_one('a[href="/api/search/"]') is None
    assert footer.select_one('.developers a[href="/api/search/"]') is not None
