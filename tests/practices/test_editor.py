"""Writing a practice in one language in the admin: no slug to type, the writer's language first, errors in place."""

import re

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from practices.models import OrganisationPage, PracticePage
from practices.slugs import slug_from_titles
from tests.practices.conftest import edit_form_data

pytestmark = pytest.mark.django_db


def add_url(organisation):
    parent = OrganisationPage.objects.get(slug=organisation)
    return reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])


def test_japanese_title_is_romanised_into_the_slug():
    assert slug_from_titles("", "ネットいじめ対策の出前授業") == "netto-ijime-taisaku-no-demae-jugyou"
    assert slug_from_titles("Safer Smartphones", "スマホ教室") == "safer-smartphones"


def test_japanese_only_practice_is_created_without_a_slug_and_gets_a_romanised_one(signed_in, accounts):
    new = PracticePage(title_ja="スマホ安全教室", summary_ja="親子でスマホの使い方を学びます。")
    response = signed_in("ngo_jp").post(add_url("demo-ngo-jp"), edit_form_data(new, slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = PracticePage.objects.get(title_ja="スマホ安全教室")
    assert page.slug == "sumaho-anzen-kyoushitsu"
    assert not page.title_en


def test_english_only_practice_is_created_without_a_slug(signed_in, accounts):
    new = PracticePage(title_en="Safer smartphones for families", summary_en="Parents learn the settings.")
    assert signed_in("ngo_eu").post(add_url("demo-ngo-eu"), edit_form_data(new, slug="")).status_code == 302
    assert PracticePage.objects.get(slug="safer-smartphones-for-families").summary_en == "Parents learn the settings."


def test_a_second_practice_with_the_same_title_gets_a_slug_of_its_own(signed_in, accounts):
    client = signed_in("ngo_jp")
    for summary in ("一回目です。", "二回目です。"):
        new = PracticePage(title_ja="親子のスマホ教室", summary_ja=summary)
        assert client.post(add_url("demo-ngo-jp"), edit_form_data(new, slug="")).status_code == 302
    assert PracticePage.objects.filter(slug__startswith="oyako-no-sumaho-kyoushitsu").count() == 2
    assert PracticePage.objects.filter(slug="oyako-no-sumaho-kyoushitsu-2").exists()


def test_japanese_only_practice_is_submitted_and_previewed_without_a_slug(signed_in, accounts):
    client = signed_in("ngo_jp")
    new = PracticePage(title_ja="ネット見守り講座", summary_ja="保護者向けのフィルタリング講座です。")
    data = edit_form_data(new, slug="")
    preview = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["practices", "practicepage", OrganisationPage.objects.get(slug="demo-ngo-jp").pk],
    )
    assert client.post(preview, data).json() == {"is_valid": True, "is_available": True}
    assert client.post(add_url("demo-ngo-jp"), {**data, "action-submit": "1"}).status_code == 302
    page = PracticePage.objects.get(slug="netto-mimamori-kouza")
    assert page.current_workflow_state is not None
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.start").exists()


def test_missing_title_is_reported_at_the_japanese_title_in_japanese(signed_in, accounts):
    response = signed_in("ngo_jp").post(add_url("demo-ngo-jp"), edit_form_data(PracticePage(), slug=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert not PracticePage.objects.filter(organisation__slug="demo-ngo-jp", title_ja="").exists()
    # The message sits in the title_ja field's own error list, in Japanese.
    errors = re.search(r'id="[^"]*-child-title_ja-errors">(.*?)</div>', html, re.S)
    assert errors and "少なくとも1つの言語" in errors.group(1)
    assert "Write the title and summary" not in html


def test_editor_shows_the_writers_language_first(signed_in, accounts):
    ja_form = signed_in("ngo_jp").get(add_url("demo-ngo-jp")).content.decode()
    en_form = signed_in("ngo_eu").get(add_url("demo-ngo-eu")).content.decode()
    for field in ("title", "summary", "body"):
        assert ja_form.index(f'name="{field}_ja"') < ja_form.index(f'name="{field}_en"')
        assert en_form.index(f'name="{field}_en"') < en_form.index(f'name="{field}_ja"')


def test_editor_says_a_title_in_one_language_is_required(signed_in, accounts):
    form = signed_in("ngo_jp").get(add_url("demo-ngo-jp")).content.decode()
    assert "少なくとも1つの言語" in form
