"""The Japanese admin along an NGO editor's and a moderator's paths: no English left that a Japanese editor must read."""

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from practices.models import OrganisationPage, PracticePage
from tests.practices.conftest import add_translation, edit_form_data

pytestmark = pytest.mark.django_db

# English that Wagtail and wagtail-modeltranslation left untranslated before the project's catalogue did (issue 10).
KNOWN_ENGLISH = [
    "Collapse all",
    "Autosave is paused",
    "Search all pages",
    "In Moderation",
    "Remember me",
    "View / edit fields for",
    "Toggle section",
    "Practice reviewに提出する",
    "Keyboard shortcuts",
    "Your pages and snippets in a workflow",
    "Locked by workflow",
    "Visible to all",
    "View history",
    "Preview in mobile size",
    "Content metrics",
    "Show filters",
    "Profile picture",
    "Theme preferences",
    "Translation complete",
    "Request changes",
    "Approve with comment",
    "Workflow history",
]
# Short words are matched only as whole texts or labels (">Help<", '"Help"'), not inside other words.
KNOWN_ENGLISH_WORDS = ["Help", "Password", "Saved", "Profile", "Notifications", "Compare", "Back"]


def english_left(html):
    found = [text for text in KNOWN_ENGLISH if text in html]
    found += [word for word in KNOWN_ENGLISH_WORDS if re.search(rf'(>\s*{word}\s*<|"{word}")', html)]
    return found


@pytest.fixture
def japanese_moderator(accounts):
    profile = UserProfile.get_for_user(accounts["moderator"])
    profile.preferred_language = "ja"
    profile.save()


@pytest.fixture
def submitted(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    new = PracticePage(title_ja="スマホ安全教室", summary_ja="親子でスマホの使い方を学びます。")
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    assert signed_in("ngo_jp").post(url, edit_form_data(new, slug="", **{"action-submit": "1"})).status_code == 302
    return PracticePage.objects.get(title_ja="スマホ安全教室")


def test_editor_path_is_japanese(signed_in, accounts, jp_draft, submitted):
    client = signed_in("ngo_jp")
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    urls = [
        "/admin/",
        reverse("wagtailadmin_explore", args=[parent.pk]),
        reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk]),
        reverse("wagtailadmin_pages:edit", args=[jp_draft.pk]),
        reverse("wagtailadmin_pages:edit", args=[submitted.pk]),
        reverse("wagtailadmin_pages:history", args=[jp_draft.pk]),
        "/admin/pages/search/?q=スマホ",
        "/admin/account/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_left(response.content.decode()) == [], url


def assert_japanese(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.json()["html"] if response["Content-Type"].startswith("application/json") else response.content.decode()
        assert english_left(html) == [], url


def test_moderator_path_is_japanese(signed_in, japanese_moderator, submitted):
    client = signed_in("moderator")
    translation = submitted.current_workflow_task_state
    assert_japanese(
        client,
        [
            "/admin/",
            reverse("wagtailadmin_pages:edit", args=[submitted.pk]),
            reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "reject", translation.pk]),
            reverse("wagtailadmin_pages:workflow_history", args=[submitted.pk]),
            reverse("wagtailadmin_reports:workflow"),
            reverse("wagtailadmin_reports:workflow_tasks"),
            reverse("practices_reports:translation_gaps"),
            reverse("practices_reports:stale"),
            "/admin/snippets/practices/topic/",
            "/admin/snippets/search/glossaryentry/",
        ],
    )
    # The moderator supplies the English title and summary: the practice moves on to their review.
    add_translation(client, submitted)
    review = PracticePage.objects.get(pk=submitted.pk).current_workflow_task_state
    assert_japanese(
        client,
        [
            "/admin/",
            reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", review.pk]),
            reverse("wagtailadmin_pages:workflow_preview", args=[submitted.pk, review.task_id]),
        ],
    )


def test_sign_in_page_is_japanese(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "パスワード" in html and english_left(html) == []


def test_admin_scripts_speak_japanese(signed_in, accounts):
    catalogue = signed_in("ngo_jp").get("/admin/jsi18n/").content.decode()
    assert "\\u3059\\u3079\\u3066\\u6298\\u308a\\u305f\\u305f\\u3080" in catalogue or "すべて折りたたむ" in catalogue


def test_japanese_title_field_has_a_border(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    html = (
        signed_in("ngo_jp").get(reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])).content.decode()
    )
    assert "practices/editor.css" in html
    from django.contrib.staticfiles import finders

    css = open(finders.find("practices/editor.css"), encoding="utf-8").read()
    # More specific than Wagtail's rule that makes a title's border transparent (the browser test measures it).
    assert ".w-panel.title input:is(#id_title_en, #id_title_ja) {" in css and "border: 1px solid" in css
