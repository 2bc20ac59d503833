"""Readers' routes (issue 12): the home page sends parents, teachers and organisations to their own page."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from portal.helplines import load_helplines
from portal.journeys import load_journeys
from portal.models import Journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def routes(demo):
    load_helplines()
    load_journeys()


def test_loader_adds_three_routes_once_and_keeps_moderators_edits(site):
    assert load_journeys() == 3
    Journey.objects.filter(slug="parents").update(intro_en="Edited")
    assert load_journeys() == 0
    assert Journey.objects.get(slug="parents").intro_en == "Edited"


def test_a_route_with_an_unknown_audience_is_refused():
    with pytest.raises(ValidationError) as problem:
        Journey(slug="x", title_en="X", audiences="parents, aliens").full_clean()
    assert "audiences" in problem.value.message_dict


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_home_page_says_who_it_is_for_and_offers_three_routes(client, routes, lang):
    soup = BeautifulSoup(client.get(f"/{lang}/").content, "html.parser")
    links = [a["href"] for a in soup.select("nav.journeys a")]
    assert links == [f"/{lang}/for/parents/", f"/{lang}/for/schools/", f"/{lang}/for/organisations/"]
    assert soup.select_one(".audience-line").get_text(strip=True)


def test_parents_route_lists_guidance_help_topics_and_only_parents_practices(client, routes):
    response = client.get("/ja/for/parents/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "保護者・養育者の方へ"
    assert len(soup.select(".guidance li")) == 4
    assert "get-help--prominent" in soup.select_one("#get-help")["class"]
    assert response.context["count"] > 0
    from practices.models import PracticePage

    for result in response.context["results"]:
        audiences = set(PracticePage.objects.get(pk=result["id"]).audiences)
        assert audiences & {"parents", "children"}, result["slug"]
    assert soup.select(".chips a[href*='/topics/']")


def test_an_unknown_route_answers_404(client, routes):
    assert client.get("/en/for/nobody/").status_code == 404


def test_a_route_with_a_bad_filter_answers_400_with_the_reason(client, routes):
    response = client.get("/en/for/schools/", {"page": "0"})
    assert response.status_code == 400
