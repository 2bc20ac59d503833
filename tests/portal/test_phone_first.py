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


@pytest.mark.parametrize("lang, heading", [("en", "Page not found"), ("ja", "ページが見つかりません")])
def test_a_missing_page_is_the_sites_own_404_in_the_readers_language(client, site, settings, lang, heading):
    settings.DEBUG = False
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    soup = soup_of(response)
    assert soup.html["lang"] == lang
    assert soup.h1.get_text() == heading
    assert soup.select_one("#get-help") is not None


@pytest.mark.parametrize("lang, phone", [("en", "tel:116111"), ("ja", "tel:0120078310")])
def test_a_server_error_is_the_sites_own_500_with_help(rf, lang, phone):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(lang):
        response = server_error(rf.get(f"/{lang}/"))
    assert response.status_code == 500
    soup = soup_of(response)
    assert soup.html["lang"] == lang
    assert soup.select_one(f'a[href="{phone}"]') is not None


def test_practice_page_has_breadcrumbs_japanese_dates_and_list_separators(client, demo):
    from practices.models import PracticePage

    practice = PracticePage.objects.live().exclude(started=None).exclude(countries=[]).first()
    response = client.get(practice.url.replace("/en/", "/ja/", 1))
    soup = soup_of(response)
    crumbs = [li.get_text(strip=True) for li in soup.select("nav.breadcrumbs li")]
    assert len(crumbs) == 4 and crumbs[1] == "取り組み事例"
    text = response.content.decode()
    assert f"{practice.started.year}年{practice.started.month}月〜" in text
    assert ", " not in "".join(dd.get_text() for dd in soup.select(".practice-facts dd"))
