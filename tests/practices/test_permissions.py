"""Security that must hold (issue 5), each through real HTTP requests: no NGO touches another's work,
nothing is public before a moderator approves it, and admin sign-in is rate-limited."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, PageLogEntry

from practices.models import OrganisationPage, PracticePage
from tests.practices.conftest import PASSWORD, add_translation, edit_form_data

pytestmark = pytest.mark.django_db

# Every admin URL that shows or changes one page, by Wagtail's URL name and the arguments it takes.
PAGE_URLS = {
    "edit": lambda page: [page.pk],
    "preview_on_edit": lambda page: [page.pk],
    "view_draft": lambda page: [page.pk],
    "history": lambda page: [page.pk],
    "revisions_index": lambda page: [page.pk],
    "revisions_view": lambda page: [page.pk, page.latest_revision_id],
    "revisions_compare": lambda page: [page.pk, "earliest", page.latest_revision_id],
    "workflow_history": lambda page: [page.pk],
    "delete": lambda page: [page.pk],
    "move": lambda page: [page.pk],
    "copy": lambda page: [page.pk],
    "unpublish": lambda page: [page.pk],
    "lock": lambda page: [page.pk],
    "usage": lambda page: [page.pk],
}


def assert_refused(response, page):
    """403, or a redirect somewhere else; and nothing of the page's content in the answer."""
    if response.status_code == 302:
        assert urlparse(response["Location"]).path != response.request["PATH_INFO"]
    else:
        # 405: the URL only answers POST, which is tried as well.
        assert response.status_code in (403, 404, 405), response.status_code
    assert page.title_ja not in response.content.decode()


def admin_url(name, page):
    return reverse(f"wagtailadmin_pages:{name}", args=PAGE_URLS[name](page))


@pytest.mark.parametrize("name", sorted(PAGE_URLS))
def test_editor_is_refused_another_organisations_draft(signed_in, jp_draft, name):
    client = signed_in("ngo_eu")
    assert_refused(client.get(admin_url(name, jp_draft)), jp_draft)
    assert_refused(client.post(admin_url(name, jp_draft), edit_form_data(jp_draft)), jp_draft)


@pytest.mark.parametrize("name", ["edit", "delete", "move", "unpublish", "copy"])
def test_editor_is_refused_another_organisations_published_practice(signed_in, accounts, name):
    published = PracticePage.objects.get(slug="jp-published")
    client = signed_in("ngo_eu")
    assert_refused(client.get(admin_url(name, published)), published)
    assert_refused(client.post(admin_url(name, published), edit_form_data(published)), published)
    published.refresh_from_db()
    assert published.live and published.get_parent().slug == "demo-ngo-jp"


@pytest.mark.parametrize("name", ["delete", "unpublish"])
def test_editor_cannot_take_down_their_own_published_practice(signed_in, accounts, name):
    published = PracticePage.objects.get(slug="jp-published")
    client = signed_in("ngo_jp")
    assert_refused(client.get(admin_url(name, published)), published)
    assert_refused(client.post(admin_url(name, published)), published)
    assert PracticePage.objects.get(pk=published.pk).live


def test_editor_opens_their_own_organisations_draft(signed_in, jp_draft):
    """The refusals above are about the organisation, not the URLs: its own editor gets in."""
    client = signed_in("ngo_jp")
    for name in ("edit", "view_draft", "history", "revisions_view"):
        response = client.get(admin_url(name, jp_draft))
        assert response.status_code == 200, name


def test_editor_cannot_add_practices_under_another_organisation(signed_in, accounts):
    jp_page = OrganisationPage.objects.get(slug="demo-ngo-jp")
    client = signed_in("ngo_eu")
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", jp_page.pk])
    response = client.post(url, edit_form_data(PracticePage(slug="intruder", title_en="Intruder", summary_en="Not ours.")))
    assert response.status_code in (302, 403)
    assert not PracticePage.objects.filter(slug="intruder").exists()


def test_editor_does_not_see_another_organisations_draft_anywhere_in_the_admin(signed_in, jp_draft):
    client = signed_in("ngo_eu")
    listing = jp_draft.get_parent().get_parent()
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[listing.pk]),
        reverse("wagtailadmin_explore", args=[jp_draft.get_parent().pk]),
        reverse("wagtailadmin_pages:search") + "?q=ホットライン",
        reverse("wagtailadmin_choose_page_child", args=[jp_draft.get_parent().pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=ホットライン",
    ]
    for url in pages:
        response = client.get(url)
        assert jp_draft.title_ja not in response.content.decode(), url


def test_chooser_still_lists_published_practices_of_other_organisations(signed_in, jp_draft):
    """Editors may link to any public practice; only drafts are hidden."""
    client = signed_in("ngo_eu")
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[jp_draft.get_parent().pk]))
    assert response.status_code == 200
    assert "親子のスマホ教室" in response.json()["html"]


def test_forged_publish_by_an_editor_does_not_publish(signed_in, jp_draft):
    client = signed_in("ngo_jp")
    data = edit_form_data(jp_draft, summary_ja="勝手に公開しようとしています。", **{"action-publish": "action-publish"})
    assert client.post(admin_url("edit", jp_draft), data).status_code == 302
    jp_draft.refresh_from_db()
    # The change was taken, as a draft.
    assert jp_draft.get_latest_revision_as_object().summary_ja == "勝手に公開しようとしています。"
    assert not jp_draft.live
    assert not PageLogEntry.objects.filter(page=jp_draft, action="wagtail.publish").exists()
    assert Client().get(jp_draft.get_url(), HTTP_ACCEPT_LANGUAGE="ja").status_code == 404


def test_forged_publish_of_a_new_practice_by_an_editor_does_not_publish(signed_in, accounts):
    parent = OrganisationPage.objects.get(slug="demo-ngo-jp")
    client = signed_in("ngo_jp")
    url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", parent.pk])
    new = PracticePage(slug="forged-new", title_ja="偽の公開", summary_ja="公開ボタンを偽造します。")
    client.post(url, edit_form_data(new, **{"action-publish": "action-publish"}))
    created = PracticePage.objects.get(slug="forged-new")
    assert not created.live


def test_unpublished_practice_appears_nowhere_public(client, jp_draft):
    for lang in ("en", "ja"):
        assert client.get(f"/{lang}/practices/demo-ngo-jp/jp-draft-hotline/").status_code == 404
        assert "jp-draft-hotline" not in client.get(f"/{lang}/practices/").content.decode()
        assert "jp-draft-hotline" not in client.get(f"/{lang}/practices/demo-ngo-jp/").content.decode()
        search = client.get("/api/search/", {"q": "ゆうれいくじら", "lang": lang}).json()
        assert "jp-draft-hotline" not in [result["slug"] for result in search["results"]]
        everything = client.get("/api/search/", {"q": "", "lang": lang, "page_size": 100}).json()
        assert "jp-draft-hotline" not in [result["slug"] for result in everything["results"]]
    api = client.get("/api/v2/pages/", {"type": "practices.PracticePage", "slug": "jp-draft-hotline"}).json()
    assert api["meta"]["total_count"] == 0, api
    # The API's 404 makes LocaleMiddleware try /en/api/v2/…, which is not found either.
    assert client.get(f"/api/v2/pages/{jp_draft.pk}/", follow=True).status_code == 404
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "jp-draft-hotline" not in sitemap
    # The same places do show a published practice: the checks above can fail.
    published = PracticePage.objects.get(slug="jp-published")
    assert "jp-published" in sitemap
    assert client.get(f"/api/v2/pages/{published.pk}/").status_code == 200
    assert client.get("/ja/practices/demo-ngo-jp/jp-published/").status_code == 200


def test_an_edit_to_a_published_practice_stays_private_until_approved(signed_in, accounts):
    published = PracticePage.objects.get(slug="jp-published")
    public_url = "/ja/practices/demo-ngo-jp/jp-published/"
    editor = signed_in("ngo_jp")
    data = edit_form_data(published, summary_ja="改訂版：ぴかぴかりんご講座を追加しました。", **{"action-submit": "1"})
    assert editor.post(admin_url("edit", published), data).status_code == 302

    anonymous = Client()
    assert "ぴかぴかりんご" not in anonymous.get(public_url).content.decode()
    results = anonymous.get("/api/search/", {"q": "ぴかぴかりんご"}).json()["results"]
    assert "jp-published" not in [result["slug"] for result in results]

    moderator = signed_in("moderator")
    add_translation(moderator, published)  # written in Japanese only: the translation step comes first
    published.refresh_from_db()
    task_state = published.current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=[published.pk, "approve", task_state.pk])
    assert moderator.post(approve).status_code == 302
    assert "ぴかぴかりんご" in anonymous.get(public_url).content.decode()


def test_no_group_has_permissions_on_the_root_or_home_page(accounts):
    assert not GroupPagePermission.objects.filter(page__depth__lte=2).exists()


def test_editors_have_permissions_on_their_organisation_page_only(accounts):
    group = Group.objects.get(name="Editors: demo-ngo-eu")
    pages = {permission.page.slug for permission in GroupPagePermission.objects.filter(group=group)}
    assert pages == {"demo-ngo-eu"}
    codenames = set(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True))
    assert codenames == {"add_page", "change_page"}


def login(client, username, password):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password})


def test_admin_sign_in_locks_out_after_five_failures(accounts):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(5):
        login(client, "ngo_eu", "wrong-password")
    response = login(client, "ngo_eu", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_admin_sign_in_works_before_the_limit(accounts):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _attempt in range(3):
        login(client, "ngo_eu", "wrong-password")
    response = login(client, "ngo_eu", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_taking_wagtails_default_root_permissions_away_is_logged(signed_in, accounts):
    """Wagtail's own migration gives "Moderators" publish permission on the whole site; ensure_moderation removes it."""
    entry = ModelLogEntry.objects.get(action="practices.revoke_page_permissions", label="Moderators", data__title="Root")
    assert set(entry.data["permissions"]) >= {"publish_page", "change_page"}
    assert ModelLogEntry.objects.filter(action="practices.revoke_page_permissions", label="Editors").exists()
    # Readable in Wagtail's site history report.
    history = signed_in("admin").get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Revoked add_page, change_page, lock_page, publish_page, unlock_page on &quot;Root&quot;" in history


def test_move_confirmation_does_not_show_another_organisations_draft(signed_in, jp_draft):
    destination = OrganisationPage.objects.get(slug="demo-ngo-eu")
    url = reverse("wagtailadmin_pages:move_confirm", args=[jp_draft.pk, destination.pk])
    assert_refused(signed_in("ngo_eu").get(url), jp_draft)
    # The moderator, who may move it, is shown the confirmation with its title.
    assert jp_draft.title_ja in signed_in("moderator").get(url).content.decode()


def test_bulk_publish_confirmation_does_not_name_another_organisations_draft(signed_in, jp_draft):
    published = PracticePage.objects.get(slug="jp-published")
    url = "/admin/bulk/wagtailcore/page/publish/"
    html = signed_in("ngo_eu").get(url, {"id": [jp_draft.pk, published.pk]}).content.decode()
    assert jp_draft.title_ja not in html
    # Published titles are public anyway; the refused draft is still counted, just not named.
    assert published.title_ja in html


def test_page_types_report_does_not_name_another_organisations_draft(signed_in, jp_draft):
    url = reverse("wagtailadmin_reports:page_types_usage")
    assert jp_draft.title_ja not in signed_in("ngo_eu").get(url).content.decode()
    assert jp_draft.title_ja in signed_in("ngo_jp").get(url).content.decode()
