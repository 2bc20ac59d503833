"""A Japanese reader follows a practice to the European one it was adapted from, and back (issue 13)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import demo_practices, translated


def practice_path(record, lang):
    return f"/{lang}/practices/{record['organisation']['slug']}/{record['slug']}/"


def test_reader_follows_adapted_from_to_the_eu_original_and_back(page, site_url):
    practices = demo_practices()
    later = practices["tsubame-jigadori-prevention"]
    assert later["related"] == [{"slug": "demo-eu-sextortion-first-response-kit", "relation": "adapted-from"}]
    original = practices["demo-eu-sextortion-first-response-kit"]

    page.goto(site_url + practice_path(later, "ja"))
    related = page.get_by_role("region", name=translated("Related practices", "ja"))
    expect(related).to_contain_text(translated("Adapted from {practice}", "ja").format(practice=""))
    related.get_by_role("link", name=original["title"]["ja"]).click()

    expect(page).to_have_url(re.compile(re.escape(practice_path(original, "ja")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(original["title"]["ja"])
    back = page.get_by_role("region", name=translated("Related practices", "ja"))
    expect(back).to_contain_text(translated("Adapted by {practice}", "ja").format(practice=""))
    back.get_by_role("link", name=later["title"]["ja"]).click()

    expect(page).to_have_url(re.compile(re.escape(practice_path(later, "ja")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(later["title"]["ja"])


def test_reader_reaches_the_travelled_page_from_the_listing_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site_url}/en/practices/")
        page.get_by_role("link", name=translated("Practices that travelled between the EU and Japan", "en")).click()
        expect(page).to_have_url(re.compile(r"/en/practices/travelled/$"))
        section = page.get_by_role("region", name=translated("From the European Union to Japan", "en"))
        later = demo_practices()["tsubame-jigadori-prevention"]
        expect(section.get_by_role("link", name=later["title"]["en"])).to_be_visible()
    finally:
        context.close()
