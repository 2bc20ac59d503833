"""The review workflow through the admin's own URLs: submit, translate, request changes, resubmit, approve;
the e-mail each step sends, in its recipient's language; the audit log; the dashboards."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageLogEntry

from practices.models import OrganisationPage, PracticePage
from practices.permissions import add_to_group
from practices.translation_workflow import translators_group
from practices.workflows import MODERATOR_REVIEW, PRACTICE_REVIEW, TRANSLATION
from tests.practices.conftest import add_translation, edit_form_data

pytestmark = pytest.mark.django_db

TITLE = "ネットいじめ相談の出前授業"
COMMENT = "対象年齢を書いてください。 Please add the age group."


def translated(message, lang, **params):
    with translation.override(lang):
        return translation.gettext(message) % params


@pytest.fixture
def submitted(signed_in, accounts):
    """ngo_jp writes a Japanese-only practice in the admin and submits it for review."""
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    editor = signed_in("ngo_jp")
    new = PracticePage(slug="netijime-class", title_ja=TITLE, summary_ja="中学校でネットいじめについて話し合う授業です。")
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    response = editor.post(url, edit_form_data(new, **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PracticePage.objects.get(slug="netijime-class")


def act(client, page, action, **data):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, data)


def mails_to(username):
    return [message for message in mail.outbox if message.to == [f"{username}@example.org"]]


def test_submission_waits_for_review_and_is_not_public(client, submitted):
    assert not submitted.live
    assert submitted.workflow_in_progress
    assert submitted.current_workflow_state.workflow.name == PRACTICE_REVIEW
    # Written in Japanese only: the translation step comes before the moderators' review.
    assert submitted.current_workflow_task.name == TRANSLATION
    assert client.get("/ja/practices/demo-ngo-jp/netijime-class/").status_code == 404


def test_submission_asks_translators_then_moderators(client, submitted):
    # The moderators are translators too: first they are asked for the English title and summary.
    [translation] = mails_to("moderator")
    assert translation.subject == translated('To translate: "%(title)s"', "en", title=TITLE)
    assert f"/admin/pages/{submitted.pk}/edit/" in translation.body
    mail.outbox.clear()
    volunteer = get_user_model().objects.create_user("volunteer", "volunteer@example.org", "x" * 12)
    add_to_group(volunteer, translators_group())
    client.force_login(volunteer)
    add_translation(client, submitted)
    [review] = mails_to("moderator")
    assert review.subject == translated('To review: "%(title)s"', "en", title="Smartphone safety class")
    assert f"/admin/pages/{submitted.pk}/edit/" in review.body


def test_submission_confirms_to_the_submitter(submitted):
    [receipt] = mails_to("ngo_jp")
    assert receipt.subject == translated('Received for review: "%(title)s"', "ja", title=TITLE)
    # Wagtail's greeting, which its Japanese catalogue has: the mail was written in ngo_jp's language.
    assert receipt.body.startswith(translated("Hello %(username)s,", "ja", username="ngo_jp"))
    assert receipt.body.startswith("こんにちは")


def test_moderator_sees_the_submission_awaiting_review(signed_in, submitted):
    add_translation(signed_in("moderator"), submitted)
    submitted.refresh_from_db()
    assert submitted.current_workflow_task.name == MODERATOR_REVIEW
    dashboard = signed_in("moderator").get(reverse("wagtailadmin_home")).content.decode()
    # Wagtail's own panel, with the approve / request-changes actions.
    awaiting = dashboard[dashboard.index('awaiting-review') :]
    assert "Smartphone safety class" in awaiting  # the title in the moderator's language, now that it exists
    task_state = submitted.current_workflow_task_state
    assert reverse("wagtailadmin_pages:workflow_action", args=[submitted.pk, "approve", task_state.pk]) in awaiting


def test_requested_changes_reach_the_submitter_with_the_comment(signed_in, submitted):
    mail.outbox.clear()
    assert act(signed_in("moderator"), submitted, "reject", comment=COMMENT).status_code == 302
    submitted.refresh_from_db()
    assert submitted.current_workflow_state.status == "needs_changes"
    assert not submitted.live
    [notice] = mails_to("ngo_jp")
    assert notice.subject == translated('Changes requested: "%(title)s"', "ja", title=TITLE)
    assert COMMENT in notice.body
    assert notice.body.startswith("こんにちは")
    # The comment shows in the editor too.
    edit_page = signed_in("ngo_jp").get(reverse("wagtailadmin_pages:edit", args=[submitted.pk])).content.decode()
    assert COMMENT in edit_page


def test_resubmitted_and_approved_practice_is_published_and_searchable(client, signed_in, submitted):
    moderator, editor = signed_in("moderator"), signed_in("ngo_jp")
    act(moderator, submitted, "reject", comment=COMMENT)
    edit_url = reverse("wagtailadmin_pages:edit", args=[submitted.pk])
    revised = edit_form_data(
        submitted.get_latest_revision_as_object(), summary_ja="中学生（13〜15歳）とネットいじめについて話し合います。"
    )
    assert editor.post(edit_url, {**revised, "action-submit": "1"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.current_workflow_state.status == "in_progress"
    add_translation(moderator, submitted)

    mail.outbox.clear()
    assert act(moderator, submitted, "approve").status_code == 302
    submitted.refresh_from_db()
    assert submitted.live and not submitted.has_unpublished_changes
    assert "13〜15歳" in client.get("/ja/practices/demo-ngo-jp/netijime-class/").content.decode()
    [approved] = mails_to("ngo_jp")
    assert approved.subject == translated('Approved: "%(title)s"', "ja", title=TITLE)
    results = client.get("/api/search/", {"q": "ネットいじめ 出前授業", "lang": "ja"}).json()["results"]
    assert "netijime-class" in [result["slug"] for result in results]


def test_moderator_compares_a_submitted_edit_with_the_published_version(signed_in, accounts):
    published = PracticePage.objects.get(slug="jp-published")
    revised = edit_form_data(published, summary_ja="改訂版：夏休みの特別講座を追加しました。", **{"action-submit": "1"})
    signed_in("ngo_jp").post(reverse("wagtailadmin_pages:edit", args=[published.pk]), revised)
    published.refresh_from_db()
    compare = reverse("wagtailadmin_pages:revisions_compare", args=[published.pk, "live", published.latest_revision_id])
    html = signed_in("moderator").get(compare).content.decode()
    assert "夏休みの特別講座" in html and "親子でスマホの使い方を学びます。" in html


def test_every_step_is_in_the_audit_log(signed_in, submitted):
    moderator, editor = signed_in("moderator"), signed_in("ngo_jp")
    act(moderator, submitted, "reject", comment=COMMENT)
    revised = edit_form_data(submitted.get_latest_revision_as_object())
    editor.post(reverse("wagtailadmin_pages:edit", args=[submitted.pk]), {**revised, "action-submit": "1"})
    add_translation(moderator, submitted)
    submitted.refresh_from_db()
    act(moderator, submitted, "approve")
    entries = list(PageLogEntry.objects.filter(page=submitted).values_list("action", "user__username"))
    assert ("wagtail.workflow.start", "ngo_jp") in entries
    assert ("wagtail.workflow.reject", "moderator") in entries
    assert ("wagtail.workflow.resume", "ngo_jp") in entries
    approvals = PageLogEntry.objects.filter(page=submitted, action="wagtail.workflow.approve", user__username="moderator")
    assert sorted(entry.data["workflow"]["task"]["title"] for entry in approvals) == sorted([TRANSLATION, MODERATOR_REVIEW])
    assert ("wagtail.publish", "moderator") in entries
    reject = PageLogEntry.objects.get(page=submitted, action="wagtail.workflow.reject")
    assert reject.data["comment"] == COMMENT
    # Moderators read it in the page's history.
    history = moderator.get(reverse("wagtailadmin_pages:history", args=[submitted.pk])).content.decode()
    assert COMMENT in history


def test_editor_dashboard_shows_each_practice_with_its_status(signed_in, accounts, submitted, jp_draft):
    dashboard = signed_in("ngo_jp").get(reverse("wagtailadmin_home")).content.decode()
    with translation.override("ja"):
        assert translation.gettext("My organisation's practices: %(name)s") % {"name": "デモNPO日本"} in dashboard
        rows = ((TITLE, "in review"), ("ないしょ相談ホットライン準備中", "draft"), ("親子のスマホ教室", "published"))
        for title, status in rows:
            row = dashboard[dashboard.index(title) :].split("</tr>")[0]
            assert translation.gettext(status) in row, (title, status)
    assert "Family online safety evenings" not in dashboard


def test_editor_dashboard_shows_changes_requested(signed_in, submitted):
    act(signed_in("moderator"), submitted, "reject", comment=COMMENT)
    dashboard = signed_in("ngo_jp").get(reverse("wagtailadmin_home")).content.decode()
    row = dashboard[dashboard.index(TITLE) :].split("</tr>")[0]
    assert translated("changes requested", "ja") in row


def test_the_workflow_translates_then_reviews_and_setting_it_up_again_changes_nothing(accounts):
    from practices.workflows import ensure_moderation

    ensure_moderation()
    workflow = ensure_moderation()
    tasks = [workflow_task.task for workflow_task in workflow.workflow_tasks.order_by("sort_order")]
    assert [task.name for task in tasks] == [TRANSLATION, MODERATOR_REVIEW]
    assert [group.name for group in tasks[0].specific.groups.all()] == ["Translators"]
    assert [group.name for group in tasks[1].specific.groups.all()] == ["Moderators"]
