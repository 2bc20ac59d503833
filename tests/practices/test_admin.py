"""The admin itself: the editor form with wagtail-modeltranslation on Wagtail 8 (STYLE.md asks for a smoke
test), and the vocabulary snippets moderators maintain."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from practices.models import Organisation, OrganisationPage, PracticePage, Topic
from tests.practices.conftest import edit_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username, organisation", [("ngo_jp", "demo-ngo-jp"), ("ngo_eu", "demo-ngo-eu")])
def test_japanese_only_practice_saves_from_the_editor_form_with_an_empty_english_title(
    signed_in, accounts, username, organisation
):
    """In either interface language (ngo_jp works in Japanese, ngo_eu in English)."""
    parent = OrganisationPage.objects.get(slug=organisation)
    client = signed_in(username)
    add_url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    form = client.get(add_url).content.decode()
    assert 'name="title_ja"' in form and 'name="summary_ja"' in form and 'name="title_en"' in form

    new = PracticePage(slug="smoke-ja-only", title_ja="日本語だけの事例", summary_ja="英語のタイトルはありません。")
    assert client.post(add_url, edit_form_data(new)).status_code == 302
    page = PracticePage.objects.get(slug="smoke-ja-only")
    draft = page.get_latest_revision_as_object()
    assert (draft.title_ja, draft.summary_ja) == ("日本語だけの事例", "英語のタイトルはありません。")
    assert not draft.title_en and not page.title_en
    assert page.organisation.slug == organisation

    # Saving it again from the edit form keeps the English title empty.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, edit_form_data(draft, summary_ja="二度目の保存です。")).status_code == 302
    again = PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert not again.title_en and again.summary_ja == "二度目の保存です。"


def test_editor_form_explains_what_is_missing(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-eu")
    add_url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    response = signed_in("ngo_eu").post(add_url, edit_form_data(PracticePage(slug="no-text")))
    assert response.status_code == 200
    assert "Write the title and summary in at least one language" in response.content.decode()
    assert not PracticePage.objects.filter(slug="no-text").exists()


SNIPPETS = ["practices/topic", "practices/scheme", "practices/organisation", "search/glossaryentry"]


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_moderators_maintain_the_vocabulary(signed_in, accounts, snippet):
    assert signed_in("moderator").get(f"/admin/snippets/{snippet}/").status_code == 200


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_editors_cannot_change_the_vocabulary(signed_in, accounts, snippet):
    assert signed_in("ngo_eu").get(f"/admin/snippets/{snippet}/add/").status_code in (302, 403)


def test_a_new_topic_is_saved_and_logged(signed_in, accounts):
    topic = {"slug": "sextortion", "name_en": "Sextortion", "name_ja": "セクストーション"}
    response = signed_in("moderator").post("/admin/snippets/practices/topic/add/", topic)
    assert response.status_code == 302
    topic = Topic.objects.get(slug="sextortion")
    assert ModelLogEntry.objects.filter(object_id=str(topic.pk), action="wagtail.create", user__username="moderator").exists()


def test_an_organisation_with_a_page_is_not_deleted(signed_in, accounts):
    organisation = Organisation.objects.get(slug="demo-ngo-eu")
    response = signed_in("moderator").post(f"/admin/snippets/practices/organisation/delete/{organisation.pk}/", follow=True)
    assert response.status_code == 200
    assert "Delete the organisation&#x27;s page and practices first." in response.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).exists()
