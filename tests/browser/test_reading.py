"""A reader finds their way around the bilingual site in a real browser."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import demo_practices, translated


def test_reader_switches_from_japanese_to_english_and_opens_a_practice(page, site_url):
    page.goto(f"{site_url}/ja/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    for code in ("en", "ja"):
        expect(page.locator(f'head link[rel="alternate"][hreflang="{code}"]')).to_have_attribute(
            "href", re.compile(rf"/{code}/$")
        )

    page.locator("nav.language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practices", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/practices/$"))

    bilingual = page.locator("article.practice-card").filter(has=page.locator(".badge-en")).filter(
        has=page.locator(".badge-ja")
    )
    title_link = bilingual.first.get_by_role("heading").get_by_role("link")
    slug = title_link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    english_title = demo_practices()[slug]["title"]["en"]
    title_link.click()

    expect(page).to_have_url(re.compile(rf"/en/practices/[^/]+/{slug}/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(english_title)
    expect(heading).to_be_visible()


def test_japanese_only_practice_shows_a_notice_in_english(page, site_url):
    record = demo_practices()["sakurano-cero-parent-child-course"]
    assert set(record["title"]) == {"ja"}
    page.goto(f"{site_url}/en/practices/{record['organisation']['slug']}/{record['slug']}/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("note")).to_have_text(
        translated("This practice is written in Japanese only. It is shown in Japanese.", "en")
    )
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(record["title"]["ja"])
    expect(heading).to_have_attribute("lang", "ja")


def test_keyboard_user_can_skip_to_content(page, site_url):
    page.goto(f"{site_url}/en/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
