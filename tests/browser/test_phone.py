"""Phone first (issue 12): on a 390 px screen the first result shows without scrolling; filters work without JavaScript."""

import re

from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


def test_first_search_result_is_on_the_first_screen_of_a_phone(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for path in ("/en/search/?q=cyberbullying", "/ja/search/?q=フィルタリング", "/en/practices/"):
        page.goto(site_url + path)
        first = page.locator("article.practice-card").first
        expect(first).to_be_attached()
        box = first.bounding_box()
        assert box["y"] < PHONE["height"], (path, box)
    context.close()


def test_filters_apply_without_javascript(browser, site_url):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/en/search/?q=filtering")
    page.locator("summary.filters-toggle").click()
    page.locator('.facets input[name="country"][value="JP"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]country=JP(&|$)"))
    # The other countries are still there to tick.
    page.locator("summary.filters-toggle").click()
    expect(page.locator('.facets input[name="country"]:not(:checked)').first).to_be_visible()
    context.close()


def test_tap_targets_are_at_least_44_px_high(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + "/en/search/?q=cyberbullying")
    page.locator("summary.filters-toggle").click()
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'header a, header button, #get-help a, #get-help summary, summary, .facets label, .pagination a')]
              .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
              .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []
    context.close()
