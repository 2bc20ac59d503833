"""Get help now (issue 12) in a real browser, on a phone (390 px) and a desktop (1280 px)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import translated

WIDTHS = [pytest.param(390, id="phone"), pytest.param(1280, id="desktop")]


@pytest.fixture
def sized(page, request):
    page.set_viewport_size({"width": request.param, "height": 844 if request.param == 390 else 900})
    return page


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_japanese_page_offers_japans_numbers_to_tap(sized, site_url):
    sized.goto(f"{site_url}/ja/")
    help_block = sized.locator("#get-help")
    expect(help_block.get_by_role("heading", name=translated("Get help now", "ja"))).to_be_visible()
    sos = help_block.locator('a[href="tel:0120078310"]').first
    help_block.get_by_text(translated("All helplines and reporting", "ja")).click()
    expect(sos).to_be_visible()
    expect(help_block.locator('a[href="tel:189"]').first).to_be_visible()
    assert sos.bounding_box()["height"] >= 44


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_english_reader_chooses_a_country_and_it_is_remembered(sized, site_url):
    sized.goto(f"{site_url}/en/practices/")
    help_block = sized.locator("#get-help")
    expect(help_block.locator('a[href="tel:116111"]').first).to_be_attached()
    help_block.locator("summary").click()
    help_block.get_by_label("Your country").select_option("FR")
    help_block.get_by_role("button", name="Show helplines").click()
    expect(sized).to_have_url(f"{site_url}/en/practices/#get-help")
    help_block.locator("summary").click()
    expect(help_block.get_by_role("link", name="Call 3018")).to_be_visible()
    # Remembered on the next page too.
    sized.goto(f"{site_url}/en/search/?q=filtering")
    expect(sized.locator('#get-help a[href="tel:3018"]').first).to_be_attached()
    expect(sized.locator("#get-help select option:checked")).to_have_text("France")


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_a_distress_search_shows_help_above_the_results(sized, site_url):
    sized.goto(f"{site_url}/en/search/?q=someone+is+blackmailing+my+son+with+photos")
    help_block = sized.locator("#get-help")
    expect(help_block.get_by_role("heading", name="If a child is in danger, get help now")).to_be_visible()
    phone = help_block.locator('a[href="tel:116111"]').first
    expect(phone).to_be_visible()
    first_result = sized.locator("article.practice-card").first
    expect(first_result).to_be_attached()
    assert help_block.bounding_box()["y"] < first_result.bounding_box()["y"]


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
def test_japanese_distress_search_shows_japans_help_first(sized, site_url):
    sized.goto(f"{site_url}/ja/search/?q=子どもが脅されている")
    help_block = sized.locator("#get-help")
    expect(help_block.get_by_role("heading", name=translated("If a child is in danger, get help now", "ja"))).to_be_visible()
    expect(help_block.locator('a[href="tel:0120078310"]').first).to_be_in_viewport()


@pytest.mark.parametrize("sized", WIDTHS, indirect=True)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_parent_reaches_a_practice_from_the_home_page_in_three_taps(sized, site_url, lang):
    sized.goto(f"{site_url}/{lang}/")
    taps = 0
    sized.locator("nav.journeys").get_by_role("link").first.click()
    taps += 1
    expect(sized.get_by_role("heading", level=1)).to_have_text("Parents and carers" if lang == "en" else "保護者・養育者の方へ")
    first = sized.locator("article.practice-card").first.get_by_role("heading").get_by_role("link")
    title = first.inner_text()
    first.click()
    taps += 1
    expect(sized.get_by_role("heading", level=1)).to_have_text(title)
    assert taps <= 3
