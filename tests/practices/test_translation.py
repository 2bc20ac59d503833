"""Translating a practice's title and summary: provenance shown to readers, requests counted, the gaps report (issue 10)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState

from practices.models import OrganisationPage, PracticePage, TranslationRequest
from practices.permissions import add_to_group
from practices.translation_workflow import TRANSLATORS, translators_group, updated_provenance
from practices.workflows import MODERATOR_REVIEW, TRANSLATION
from tests.practices.conftest import edit_form_data

pytestmark = pytest.mark.django_db

TITLE_JA, SUMMARY_JA = "スマホ安全教室", "親子でスマホの使い方を学びます。"


@pytest.fixture
def submitted(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    new = PracticePage(title_ja=TITLE_JA, summary_ja=SUMMARY_JA)
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    assert signed_in("ngo_jp").post(url, edit_form_data(new, slug="", **{"action-submit": "1"})).status_code == 302
    return PracticePage.objects.get(title_ja=TITLE_JA)


def translate(client, page, **changes):
    draft = page.get_latest_revision_as_object()
    data = edit_form_data(draft, title_en="Smartphone safety class", summary_en="Parents and children learn together.", **changes)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object()


def approve(client, page):
    page = PracticePage.objects.get(pk=page.pk)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", page.current_workflow_task_state.pk])
    assert client.post(url, {"comment": ""}).status_code in (200, 302)


def test_moderator_translates_and_approves_then_readers_see_who_translated(client, signed_in, submitted):
    moderator = signed_in("moderator")
    draft = translate(moderator, submitted)
    assert draft.translation_provenance == {
        "title_en": {"by": "moderator", "reviewed": True},
        "summary_en": {"by": "moderator", "reviewed": True},
    }
    approve(moderator, submitted)
    live = PracticePage.objects.get(pk=submitted.pk)
    assert live.live and live.title_en == "Smartphone safety class" and live.languages == ["en", "ja"]

    html = (
        client.get(live.get_url()).content.decode()
        if live.get_url().startswith("/en/")
        else client.get("/en" + live.get_url()[3:]).content.decode()
    )
    assert "Title and summary translated from Japanese by moderator." in html
    assert "Not yet reviewed" not in html
    assert f'href="/ja/practices/demo-ngo-jp/{live.slug}/" hreflang="ja"' in html
    # The original's readers see no translation note.
    assert "translated from" not in client.get(f"/ja/practices/demo-ngo-jp/{live.slug}/").content.decode()


def test_a_one_language_submission_waits_in_the_translation_step(signed_in, submitted):
    assert submitted.current_workflow_task.name == TRANSLATION
    task_state = submitted.current_workflow_task_state
    # Nobody can mark it translated while the English title and summary are missing.
    url = reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", task_state.pk])
    signed_in("moderator").post(url, {"comment": ""})
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
    assert PracticePage.objects.get(pk=submitted.pk).current_workflow_task.name == TRANSLATION


def test_saving_the_translation_sends_the_practice_on_to_the_moderators(signed_in, submitted):
    translate(signed_in("moderator"), submitted)
    page = PracticePage.objects.get(pk=submitted.pk)
    assert page.current_workflow_task.name == MODERATOR_REVIEW and not page.live
    approved = TaskState.objects.get(workflow_state=page.current_workflow_state, task__name=TRANSLATION)
    assert approved.status == TaskState.STATUS_APPROVED and approved.finished_by.username == "moderator"


def test_the_author_may_translate_their_own_practice(signed_in, submitted):
    draft = translate(signed_in("ngo_jp"), submitted)
    assert draft.translation_provenance == {}  # the author writes originals, not translations
    assert PracticePage.objects.get(pk=submitted.pk).current_workflow_task.name == MODERATOR_REVIEW


def test_a_bilingual_submission_passes_the_translation_step_without_asking_anyone(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    new = PracticePage(title_ja=TITLE_JA, summary_ja=SUMMARY_JA, title_en="Smartphone class", summary_en="Learn together.")
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    assert signed_in("ngo_jp").post(url, edit_form_data(new, slug="", **{"action-submit": "1"})).status_code == 302
    page = PracticePage.objects.get(title_ja=TITLE_JA)
    assert page.current_workflow_task.name == MODERATOR_REVIEW
    subjects = [message.subject for message in mail.outbox if message.to == ["moderator@example.org"]]
    assert subjects == ['To review: "Smartphone class"']


def test_a_volunteer_translation_is_shown_as_not_yet_reviewed(signed_in, accounts, jp_draft):
    submitted = jp_draft
    volunteer = get_user_model().objects.create_user(
        "volunteer", "volunteer@example.org", "x" * 12, first_name="Aiko", last_name="Sato"
    )
    add_to_group(volunteer, translators_group())
    client = signed_in("ngo_eu")
    client.force_login(volunteer)
    draft = translate(client, submitted)
    assert draft.translation_provenance["title_en"] == {"by": "Aiko Sato", "reviewed": False}
    # A moderator saving it again has reviewed it.
    again = translate(signed_in("moderator"), submitted)
    assert again.translation_provenance["title_en"] == {"by": "Aiko Sato", "reviewed": True}


def test_an_author_writing_both_languages_writes_originals(accounts):
    after = {"title_en": "T", "summary_en": "S", "title_ja": "題", "summary_ja": "概要"}
    assert updated_provenance({}, {}, after, accounts["ngo_jp"]) == {}


def test_emptying_a_translated_field_drops_its_provenance(accounts):
    provenance = {"title_en": {"by": "moderator", "reviewed": True}}
    after = {"title_en": "", "summary_en": "", "title_ja": "題", "summary_ja": "概要"}
    assert updated_provenance(provenance, after, after, accounts["moderator"]) == {}


def test_translators_group_may_edit_but_not_publish(accounts):
    group = translators_group()
    assert group.name == TRANSLATORS
    codenames = set(group.page_permissions.values_list("permission__codename", flat=True))
    assert "change_page" in codenames and "publish_page" not in codenames


def test_reader_requests_a_translation_counted_once_per_reader(client, accounts):
    page = PracticePage.objects.get(slug="jp-published")
    html = client.get(f"/en/practices/demo-ngo-jp/{page.slug}/").content.decode()
    assert "Request a translation" in html
    url = reverse("request_translation", args=[page.pk])
    assert client.post(url, {"language": "en"}).status_code == 302
    assert client.post(url, {"language": "en"}).status_code == 302  # the same reader again: not counted
    assert TranslationRequest.objects.get(page=page, language="en").count == 1
    client.post(url, {"language": "en"}, REMOTE_ADDR="192.0.2.7")
    assert TranslationRequest.objects.get(page=page, language="en").count == 2


def test_a_bad_translation_request_is_refused_and_counts_nothing(client, accounts):
    page = PracticePage.objects.get(slug="jp-published")
    response = client.post(reverse("request_translation", args=[page.pk]), {"language": "fr"})
    assert response.status_code == 400 and not TranslationRequest.objects.exists()
    assert client.get(reverse("request_translation", args=[page.pk])).status_code == 405


def test_gaps_report_lists_most_requested_first(signed_in, accounts, jp_draft):
    eu = PracticePage.objects.get(slug="eu-published")
    TranslationRequest.objects.create(page=eu, language="ja", count=5)
    html = signed_in("moderator").get(reverse("practices_reports:translation_gaps")).content.decode()
    assert html.index("Family online safety evenings") < html.index("親子のスマホ教室")


def test_gaps_report_shows_what_waits_for_translation(signed_in, submitted):
    html = signed_in("moderator").get(reverse("practices_reports:translation_gaps")).content.decode()
    row = html[html.index(TITLE_JA) :].split("</tr>")[0]
    assert "waiting for translation" in row


def test_result_cards_say_the_language_and_link_the_other_version(client, accounts, import_lines):
    from tests.conftest import practice

    import_lines(
        practice(
            "both-languages",
            en=("Both languages", "In English."),
            ja=("両方の言語", "日本語です。"),
            organisation={"slug": "demo-ngo-eu", "name": {"en": "Demo NGO Europe"}, "country": "BE"},
        )
    )
    html = client.get("/en/practices/").content.decode()
    assert "Written in Japanese; no English title or summary yet." in html  # jp-published
    assert 'href="/ja/practices/demo-ngo-eu/both-languages/" hreflang="ja"' in html
    ja = client.get("/ja/practices/").content.decode()
    assert "英語で書かれた事例です。" in ja  # eu-published
    assert 'href="/en/practices/demo-ngo-eu/both-languages/" hreflang="en"' in ja


def test_import_record_provenance_round_trips():
    from practices.translation_workflow import provenance_from_record, provenance_to_record

    record = {
        "title": {"en": "Smartphone class", "ja": "スマホ教室"},
        "summary": {"en": "Learn.", "ja": "学ぶ。"},
        "translations": {"title": {"en": {"by": "Aiko Sato", "reviewed": True}}, "summary": {"en": {"by": "Aiko Sato"}}},
    }
    provenance, errors = provenance_from_record(record)
    assert errors == []
    assert provenance == {"title_en": {"by": "Aiko Sato", "reviewed": True}, "summary_en": {"by": "Aiko Sato", "reviewed": False}}
    assert provenance_to_record(provenance) == {
        "summary": {"en": {"by": "Aiko Sato", "reviewed": False}},
        "title": {"en": {"by": "Aiko Sato", "reviewed": True}},
    }


@pytest.mark.parametrize(
    "translations, reason",
    [
        ("yes", "must be an object"),
        ({"body": {"en": {"by": "A"}}}, "unknown field"),
        ({"title": {"fr": {"by": "A"}}}, "unknown language"),
        ({"title": {"en": {}}}, 'needs "by"'),
        ({"title": {"en": {"by": "A", "reviewed": "no"}}}, "true or false"),
        ({"title": {"ja": {"by": "A"}}}, "has no title in ja"),
        ({"title": {"en": {"by": "A"}}}, "must be the original"),
    ],
)
def test_import_record_with_bad_provenance_is_invalid(translations, reason):
    from practices.translation_workflow import provenance_from_record

    record = {"title": {"en": "T"}, "summary": {"en": "S"}, "translations": translations}
    _provenance, errors = provenance_from_record(record)
    assert errors and reason in " ".join(errors)
