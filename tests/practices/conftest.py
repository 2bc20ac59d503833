"""Organisations, demo accounts and the moderation workflow, set up as load_demo does; clients signed in as each account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from practices.management.commands.load_demo import create_demo_accounts
from practices.models import PracticePage
from practices.workflows import ensure_moderation
from tests.conftest import practice

PASSWORD = "demo-password"
EU_NGO = {"slug": "demo-ngo-eu", "name": {"en": "Demo NGO Europe"}, "country": "BE"}
JP_NGO = {"slug": "demo-ngo-jp", "name": {"en": "Demo NPO Japan", "ja": "デモNPO日本"}, "country": "JP"}


@pytest.fixture(autouse=True)
def fresh_cache():
    # The join form's rate limit counts in the cache, which outlives a test.
    cache.clear()


@pytest.fixture
def accounts(site, import_lines):
    """ngo_eu, ngo_jp, moderator and admin (CONTRACT §6), with one published practice per organisation."""
    import_lines(
        practice(
            "eu-published", en=("Family online safety evenings", "Parents and children learn together."), organisation=EU_NGO
        ),
        practice("jp-published", ja=("親子のスマホ教室", "親子でスマホの使い方を学びます。"), organisation=JP_NGO),
    )
    ensure_moderation()
    create_demo_accounts(PASSWORD)
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def signed_in(accounts):
    """A test client signed in as the given demo account."""

    def client_for(username):
        client = Client()
        client.force_login(accounts[username])
        return client

    return client_for


@pytest.fixture
def jp_draft(accounts, import_lines):
    """An unpublished Japanese practice of demo-ngo-jp, with a word found nowhere else."""
    import_lines(
        practice(
            "jp-draft-hotline",
            ja=("ないしょ相談ホットライン準備中", "ゆうれいくじら相談窓口の準備をしています。"),
            organisation=JP_NGO,
        ),
        draft=True,
    )
    page = PracticePage.objects.get(slug="jp-draft-hotline")
    # As if its editor had saved it once in the admin: a revision to view and compare.
    page.save_revision(user=accounts["ngo_jp"])
    return page


def edit_form_data(page, **changes):
    """The POST body of the page's edit form, as the admin would send it."""
    page = page.specific
    data = {
        "title_en": page.title_en or "",
        "title_ja": page.title_ja or "",
        "slug": page.slug,
        "summary_en": page.summary_en or "",
        "summary_ja": page.summary_ja or "",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data
