"""NGO publishing and moderation in a real browser (issues 5 and 10): a Japanese editor's practice written only in
Japanese is translated and reviewed, published, read in English with its provenance and glosses, and found by
English queries; another organisation's editor cannot open it."""

import re

import pytest
from playwright.sync_api import expect

from practices.management.commands.load_demo import create_demo_accounts
from practices.models import Organisation, PracticePage
from practices.workflows import MODERATOR_REVIEW, PRACTICE_REVIEW, TRANSLATION, ensure_moderation
from tests.browser.conftest import TIMEOUT_MS, translated
from tests.conftest import practice

PASSWORD = "demo-password"
SLUG = "netijime-soudan-demae"
TITLE = "ネットいじめ相談の出前授業"
SUMMARY = "中学校でネットいじめについて話し合い、相談先を伝える授業です。"
REVISED_SUMMARY = "中学生（13〜15歳）とネットいじめについて話し合い、相談先を伝える授業です。"
COMMENT = "対象年齢を書いてください。"
BODY = "保護者と一緒にフィルタリングの設定を確かめ、ネットいじめの相談先を伝えます。"
TITLE_EN = "Cyberbullying outreach lessons"
SUMMARY_EN = "Lessons in junior high schools on cyberbullying and where to get help."


@pytest.fixture
def accounts(site_url):
    ensure_moderation()
    create_demo_accounts(PASSWORD)
    return site_url


@pytest.fixture
def sign_in(browser, accounts):
    """A browser of its own for each user (Japanese or English browser language), signed in to the admin."""
    contexts = []

    def run(username, lang):
        context = browser.new_context(locale={"ja": "ja-JP", "en": "en-GB"}[lang])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{accounts}/admin/login/")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name=translated("Sign in", lang)).click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        return page

    yield run
    for context in contexts:
        context.close()


def my_practices_panel(page):
    name = Organisation.objects.get(slug="demo-ngo-jp").name_in("ja")
    return page.get_by_role("region", name=translated("My organisation's practices: %(name)s", "ja") % {"name": name})


def show_japanese_fields(page):
    """Both languages' fields show from the start (WAGTAILMODELTRANSLATION_LOCALE_PICKER_DEFAULT)."""
    expect(page.locator("#id_title_ja")).to_be_visible()
    expect(page.locator("#id_title_en")).to_be_visible()


def submit_menu_action(page, label):
    """The editor footer's primary button saves a draft; the other actions are in its drop-down."""
    page.get_by_role("button", name=translated("More actions", page.locator("html").get_attribute("lang"))).click()
    page.get_by_role("button", name=label).click()


def workflow_action(page, title, action, comment=None):
    """A moderator acts on a practice from Wagtail's "Awaiting your review" dashboard panel."""
    dashboard = page.url.split("/admin/")[0] + "/admin/"
    page.goto(dashboard)
    awaiting = page.get_by_role("region", name=translated("Awaiting your review", "en"))
    row = awaiting.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    row.get_by_role("button", name=translated("Actions", "en")).click()
    # The action ends with Wagtail's script taking the browser to the next page.
    with page.expect_navigation():
        row.get_by_role("button", name=action, exact=True).click()
        if comment is not None:
            dialog = page.get_by_role("dialog")
            dialog.get_by_label(translated("Comment", "en")).fill(comment)
            dialog.get_by_role("button", name=action).click()
    page.goto(dashboard)
    expect(awaiting.get_by_role("row").filter(has=page.get_by_role("link", name=title))).to_have_count(0)


def border_colour(locator):
    return locator.evaluate("element => getComputedStyle(element).borderTopColor")


def test_japanese_editor_submits_translator_and_moderator_finish_and_english_readers_find_it(sign_in, accounts, page):
    # ngo_jp writes a Japanese-only practice in the Japanese interface: no slug, no Promote tab.
    editor = sign_in("ngo_jp", "ja")
    expect(editor.locator("html")).to_have_attribute("lang", "ja")
    editor.get_by_role("link", name=translated("New practice", "ja")).click()
    show_japanese_fields(editor)
    # The Japanese title is drawn as a field to fill in, with a border like the English one.
    assert border_colour(editor.locator("#id_title_ja")) not in ("rgba(0, 0, 0, 0)", "transparent")
    assert border_colour(editor.locator("#id_title_ja")) == border_colour(editor.locator("#id_title_en"))
    editor.locator("#id_title_ja").fill(TITLE)
    editor.locator("#id_summary_ja").fill(SUMMARY)
    body = editor.locator("[data-contentpath='body_ja'] [contenteditable='true']")
    body.click()
    body.type(BODY)
    # Draftail writes the rich text into its hidden input a moment after the last key.
    expect(editor.locator("#id_body_ja")).to_have_value(re.compile("フィルタリング"))
    submit_menu_action(editor, translated("Submit to %(workflow_name)s", "ja") % {"workflow_name": PRACTICE_REVIEW})
    expect(editor.locator(".messages")).to_contain_text(TITLE)
    created = PracticePage.objects.get(title_ja=TITLE)
    assert created.workflow_in_progress and not created.live and not created.title_en and created.slug
    assert created.current_workflow_task.name == TRANSLATION

    # The moderator (a translator too) asks for a change, with a comment.
    moderator = sign_in("moderator", "en")
    workflow_action(moderator, TITLE, translated("Request changes", "en"), comment=COMMENT)

    # ngo_jp sees the comment, edits and resubmits: back to the translation step.
    editor.goto(f"{accounts}/admin/")
    dashboard_row = my_practices_panel(editor).get_by_role("row").filter(has=editor.get_by_role("link", name=TITLE))
    expect(dashboard_row).to_contain_text(translated("changes requested", "ja"))
    dashboard_row.get_by_role("link", name=TITLE).click()
    expect(editor).to_have_url(re.compile(r"/edit/$"))
    editor.get_by_role("button", name=translated("Toggle status", "ja")).click()
    editor.get_by_role("button", name=translated("View details", "ja")).click()
    expect(editor.get_by_role("dialog")).to_contain_text(COMMENT)
    editor.keyboard.press("Escape")
    show_japanese_fields(editor)
    editor.locator("#id_summary_ja").fill(REVISED_SUMMARY)
    submit_menu_action(editor, translated("Resubmit to %(task_name)s", "ja") % {"task_name": TRANSLATION})
    expect(editor.locator(".messages")).to_contain_text(TITLE)

    # The moderator adds the English title and summary as a translation and saves: the step is complete.
    moderator.goto(f"{accounts}/admin/pages/{created.pk}/edit/")
    moderator.locator("#id_title_en").fill(TITLE_EN)
    moderator.locator("#id_summary_en").fill(SUMMARY_EN)
    moderator.get_by_role("button", name=translated("Save draft", "en"), exact=True).click()
    done = translated("The translation is complete: the practice goes on to the moderators.", "en")
    expect(moderator.locator(".messages")).to_contain_text(done)
    assert PracticePage.objects.get(pk=created.pk).current_workflow_task.name == MODERATOR_REVIEW

    # The moderator approves: the practice is published.
    workflow_action(moderator, TITLE_EN, translated("Approve", "en"))
    page.goto(f"{accounts}/ja/practices/demo-ngo-jp/{created.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text("13〜15歳")

    # An English reader: the English title and summary, who translated them, the original, glossed Japanese text.
    page.goto(f"{accounts}/en/practices/demo-ngo-jp/{created.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(page.locator(".lead")).to_have_text(SUMMARY_EN)
    note = translated("Title and summary translated from Japanese by %(by)s.", "en") % {"by": "moderator"}
    expect(page.locator(".provenance")).to_contain_text(note)
    expect(page.locator(".provenance a[hreflang='ja']")).to_have_attribute("href", f"/ja/practices/demo-ngo-jp/{created.slug}/")
    expect(page.locator("section[lang='ja'] [data-gloss='cyberbullying']").first).to_have_text("ネットいじめ")
    expect(page.locator("section[lang='ja'] [data-gloss='filtering']").first).to_have_text("フィルタリング")

    # /en/search/ finds it by its English title, and an English query finds it through the glossary.
    for query in ("outreach lessons", "cyberbullying"):
        page.goto(f"{accounts}/en/search/?q={query}")
        expect(page.locator("main").get_by_role("link", name=TITLE_EN)).to_have_count(1)


@pytest.fixture
def jp_practice(accounts, import_lines):
    """A Japanese-only draft of demo-ngo-jp, as ngo_jp would have written it."""
    import_lines(
        practice(SLUG, ja=(TITLE, SUMMARY), organisation={"slug": "demo-ngo-jp", "country": "JP"}),
        draft=True,
    )
    return PracticePage.objects.get(slug=SLUG)


def test_another_organisations_editor_cannot_open_the_practice(sign_in, jp_practice, accounts):
    other = sign_in("ngo_eu", "en")
    other.goto(f"{accounts}/admin/pages/{jp_practice.pk}/edit/")
    expect(other).not_to_have_url(re.compile(rf"/admin/pages/{jp_practice.pk}/edit/"))
    refusal = translated("Sorry, you do not have permission to access this area.", "en")
    expect(other.locator(".messages")).to_contain_text(refusal)
    expect(other.locator("main")).not_to_contain_text(TITLE)
    # Nor does it show in their explorer or page search.
    other.goto(f"{accounts}/admin/pages/search/?q=ネットいじめ")
    expect(other.locator("main")).not_to_contain_text(TITLE)
