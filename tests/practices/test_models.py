"""The practice content model: translated fields, what the search index holds, and the rules clean() keeps."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.search import index

from practices.models import Organisation, OrganisationPage, PracticePage, Scheme, Topic
from tests.conftest import practice

pytestmark = pytest.mark.django_db

ANALYSED_FIELDS = {"index_title", "index_summary", "index_names", "index_text"}


def field_names(model):
    return {field.name for field in model._meta.get_fields()}


def new_practice(**fields):
    values = {"slug": "new-practice", "title_en": "Title", "summary_en": "Summary."}
    return PracticePage(**{**values, **fields})


def errors_of(page):
    with pytest.raises(ValidationError) as failure:
        page.clean()
    return failure.value.message_dict


# Translation options -------------------------------------------------------------------------


def test_practice_page_has_english_and_japanese_versions_of_its_text_fields():
    texts = ("title", "summary", "body", "objectives", "outcomes", "lessons", "transfer", "image_alt")
    assert {f"{name}_{code}" for name in texts for code in ("en", "ja")} <= field_names(PracticePage)


@pytest.mark.parametrize("model", [Topic, Scheme, Organisation])
def test_topics_schemes_and_organisations_are_named_in_both_languages(model):
    assert {"name_en", "name_ja", "description_en", "description_ja"} <= field_names(model)


def test_schemes_have_their_operator_in_both_languages():
    assert {"operator_en", "operator_ja"} <= field_names(Scheme)


def test_language_neutral_fields_are_not_translated():
    assert not {"countries_en", "slug_en", "website_en", "started_en"} & field_names(PracticePage)


# Search fields -------------------------------------------------------------------------------


def test_practice_search_indexes_the_analysed_fields_of_both_languages():
    searched = {f.field_name for f in PracticePage.get_search_fields() if isinstance(f, index.SearchField)}
    assert ANALYSED_FIELDS <= searched


def test_practice_titles_are_searched_through_the_analysed_title_not_the_plain_one():
    fields = [f for f in PracticePage.get_search_fields() if isinstance(f, index.SearchField)]
    boosts = {f.field_name: f.boost or 1 for f in fields}
    plain_titles = {"title", "title_en", "title_ja"} & set(boosts)
    assert all(boosts["index_title"] > boosts[name] for name in plain_titles)

def test_practice_title_autocomplete_reads_an_analysed_field_too():
    autocompleted = {f.field_name for f in PracticePage.get_search_fields() if isinstance(f, index.AutocompleteField)}
    assert any(name.startswith("index_") for name in autocompleted)


def test_indexed_title_holds_both_languages_whichever_language_is_active(import_lines):
    import_lines(practice("bilingual", en=("Helpline", "Summary."), ja=("相談窓口", "概要。")))
    page = PracticePage.objects.get(slug="bilingual")
    with translation.override("en"):
        in_english = page.index_title()
    with translation.override("ja"):
        in_japanese = page.index_title()
    assert in_english == in_japanese
    assert "helplin" in in_english and "相談" in in_english


# Languages and status ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, languages",
    [
        ({"title_ja": "題", "summary_ja": "概要"}, ["en", "ja"]),
        ({}, ["en"]),
        ({"title_en": "", "summary_en": "", "title_ja": "題", "summary_ja": "概要"}, ["ja"]),
        ({"title_ja": "題"}, ["en"]),
    ],
)
def test_languages_are_those_with_both_title_and_summary(fields, languages):
    assert new_practice(**fields).languages == languages


def test_practice_without_end_date_is_ongoing():
    assert new_practice(started=datetime.date(2012, 4, 1)).status == "ongoing"


def test_practice_whose_end_date_has_passed_has_ended():
    assert new_practice(ended=timezone.localdate() - datetime.timedelta(days=1)).status == "ended"


def test_practice_whose_end_date_is_still_ahead_is_ongoing():
    assert new_practice(ended=timezone.localdate() + datetime.timedelta(days=30)).status == "ongoing"


# clean() -------------------------------------------------------------------------------------


def test_practice_without_title_and_summary_in_any_language_is_refused(site):
    assert "title_en" in errors_of(new_practice(title_en="", summary_en=""))


def test_practice_without_any_language_is_refused_at_the_title_in_the_writers_language(site):
    with translation.override("ja"):
        errors = errors_of(new_practice(title_en="", summary_en=""))
    assert list(errors) == ["title_ja"]


def test_summary_without_title_in_its_language_is_refused(site):
    assert "title_ja" in errors_of(new_practice(summary_ja="概要"))


def test_practice_that_ends_before_it_started_is_refused(site):
    page = new_practice(started=datetime.date(2020, 4, 1), ended=datetime.date(2019, 3, 31))
    assert "ended" in errors_of(page)


def test_practice_with_the_slug_of_another_practice_is_refused(import_lines):
    import_lines(practice("taken", en=("Title", "Summary.")))
    assert "slug" in errors_of(new_practice(slug="taken"))


def test_complete_practice_is_accepted(site):
    new_practice(started=datetime.date(2019, 3, 31), ended=datetime.date(2020, 4, 1)).clean()


def test_japanese_only_page_cleaned_with_the_english_interface_keeps_title_en_empty(import_lines):
    import_lines(practice("jp", ja=("題名", "概要です。")))
    page = PracticePage.objects.get(slug="jp")
    with translation.override("en"):
        page.full_clean()
        page.save_revision().publish()
    page.refresh_from_db()
    assert (page.title_en or "", page.title_ja) == ("", "題名")


@pytest.mark.parametrize("model", [Topic, Scheme, Organisation])
def test_topics_schemes_and_organisations_need_a_name_in_at_least_one_language(model):
    with pytest.raises(ValidationError):
        model(slug="nameless").clean()


# Organisations -------------------------------------------------------------------------------


def test_saving_an_organisation_gives_it_a_page_titled_in_both_languages(site):
    organisation = Organisation(slug="ngo", name_en="An NGO", name_ja="あるNGO", country="BE")
    organisation.save()
    page = OrganisationPage.objects.get(organisation=organisation)
    assert (page.slug, page.title_en, page.title_ja, page.live) == ("ngo", "An NGO", "あるNGO", True)


def test_an_organisation_page_with_its_practices_can_be_deleted(import_lines):
    import_lines(practice("one", en=("Title", "Summary.")))
    OrganisationPage.objects.get(slug="test-ngo").delete()
    assert not PracticePage.objects.filter(slug="one").exists()
