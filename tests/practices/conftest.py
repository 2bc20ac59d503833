"""Organisations, demo accounts and the moderation workflow, set up as load_demo does; clients signed in as each account."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from practices.management.commands.load_demo import create_demo_accounts
from practices.models import PracticePage
from practices.workflows import ensure_moderation
from tests.conftest import practice
from tests.practices.factories import OrganisationFactory, PracticePageFactory

PASSWORD = "demo-password"
EU_NGO = {"slug": "demo-ngo-eu", "name": {"en": "Demo NGO Europe"}, "country": "BE"}
JP_NGO = {"slug": "demo-ngo-jp", "name": {"en": "Demo NPO Japan", "ja": "デモNPO日本"}, "country": "JP"}


@pytest.fixture
def accounts(site):
    """ngo_eu, ngo_jp, moderator and admin (CONTRACT §6), with one published practice per organisation."""
    eu, jp = (
        OrganisationFactory(
            slug=ngo["slug"], country=ngo["country"], **{f"name_{code}": text for code, text in ngo["name"].items()}
        )
        for ngo in (EU_NGO, JP_NGO)
    )
    PracticePageFactory(
        organisation=eu,
        slug="eu-published",
        title_en="Family online safety evenings",
        summary_en="Parents and children learn together.",
    )
    PracticePageFactory(
        organisation=jp, slug="jp-published", title_ja="親子のスマホ教室", summary_ja="親子でスマホの使い方を学びます。"
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
    fields = ("title_en", "title_ja", "summary_en", "summary_ja")
    return nested_form_data(
        {
            **{name: getattr(page, name) or "" for name in fields},
            "slug": page.slug,
            "documents": inline_formset([]),
            # The related practices the form shows, sent back unchanged (as new rows of the formset).
            "relations": inline_formset([{"relation": row.relation, "target": row.target_id} for row in page.relations.all()]),
            "comments": inline_formset([]),
            **changes,
        }
    )


def add_translation(client, page, title_en="Smartphone safety class", summary_en="Parents and children learn together."):
    """Save the English title and summary of a Japanese practice in the editor, as a translator would."""
    draft = PracticePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    data = edit_form_data(draft, title_en=title_en, summary_en=summary_en)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return PracticePage.objects.get(pk=page.pk)
