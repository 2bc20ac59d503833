"""A reader searches, filters and opens results in a real browser."""

import re

import yaml
from playwright.sync_api import expect

from practices.loaders import SCHEMES_FILE
from tests.browser.conftest import TIMEOUT_MS, demo_practices, translated


def scheme_name(slug, lang):
    with open(SCHEMES_FILE, encoding="utf-8") as data:
        return next(scheme["name"][lang] for scheme in yaml.safe_load(data) if scheme["slug"] == slug)


def slug_of(card):
    return card.get_by_role("heading").get_by_role("link").get_attribute("href").rstrip("/").rsplit("/", 1)[-1]


def test_japanese_search_filtered_by_scheme_opens_an_english_only_result(page, site_url):
    practices = demo_practices()
    tagged = {slug for slug, record in practices.items() if "pegi" in {s["slug"] for s in record.get("schemes", [])}}

    page.goto(f"{site_url}/ja/search/")
    box = page.get_by_label(translated("Words to search for, in English or Japanese", "ja"))
    box.fill("ゲームの年齢区分")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/ja/search/\?q="))

    filters = page.get_by_role("form", name=translated("Filter", "ja"))
    pegi = filters.get_by_role("checkbox", name=re.compile("^" + re.escape(scheme_name("pegi", "ja"))))
    # Ticking applies the filter at once (portal/static/portal/filters.js).
    pegi.click()
    expect(page).to_have_url(re.compile(r"[?&]scheme=pegi(&|$)"))
    expect(pegi).to_be_checked()
    expect(box).to_have_value("ゲームの年齢区分")

    cards = page.locator("section.results article.practice-card")
    expect(cards.first).to_be_visible()
    for card in cards.all():
        assert card.locator(".badge-en").count() == 1 or slug_of(card) in tagged, slug_of(card)

    english_only = cards.filter(has=page.locator(".badge-en")).filter(has_not=page.locator(".badge-ja")).first
    slug = slug_of(english_only)
    assert set(practices[slug]["title"]) == {"en"}
    english_only.get_by_role("heading").get_by_role("link").click()

    expect(page).to_have_url(re.compile(rf"/ja/practices/[^/]+/{slug}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(practices[slug]["title"]["en"])
    expect(heading).to_have_attribute("lang", "en")
    expect(page.get_by_role("note")).to_have_text(
        translated("This practice is written in English only. It is shown in English.", "ja")
    )


def test_search_page_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/en/search/")
        box = page.get_by_label("Words to search for, in English or Japanese")
        box.fill("grooming")
        box.press("Enter")

        expect(page).to_have_url(re.compile(r"/en/search/\?q=grooming"))
        expect(page.locator(".result-count")).to_have_text(re.compile(r"^[1-9]\d* practices?$"))
        grooming = demo_practices()["kestrel-stop-block-tell-workshops"]["title"]["en"]
        expect(page.get_by_role("link", name=grooming)).to_be_visible()
    finally:
        context.close()
