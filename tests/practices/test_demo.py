"""load_demo (CONTRACT §6): the bilingual demo content and accounts, idempotent, never in production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, PageLogEntry, Revision

from practices.models import Organisation, PracticePage

pytestmark = pytest.mark.django_db

ACCOUNTS = ("ngo_eu", "ngo_jp", "moderator", "admin")


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def loaded(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    load_demo()


def test_demo_has_at_least_24_practices(loaded):
    assert PracticePage.objects.live().count() >= 24


def test_demo_has_bilingual_english_only_and_japanese_only_practices(loaded):
    languages = {tuple(page.languages) for page in PracticePage.objects.all()}
    assert {("en", "ja"), ("en",), ("ja",)} <= languages


def test_demo_practices_are_tagged_with_topics_and_schemes(loaded):
    assert PracticePage.objects.filter(topics__isnull=False).distinct().count() == PracticePage.objects.count()
    assert PracticePage.objects.filter(schemes__isnull=False).exists()


@pytest.mark.parametrize("slug, country", [("demo-ngo-eu", "BE"), ("demo-ngo-jp", "JP")])
def test_demo_organisations_each_own_at_least_two_practices(loaded, slug, country):
    organisation = Organisation.objects.get(slug=slug)
    assert organisation.country == country
    assert organisation.practices.live().count() >= 2


def test_demo_accounts_have_the_demo_password(loaded):
    for username in ACCOUNTS:
        assert get_user_model().objects.get(username=username).check_password("demo-password"), username


def test_demo_password_can_be_set_through_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    load_demo()
    for username in ACCOUNTS:
        user = get_user_model().objects.get(username=username)
        assert user.check_password("another-demo-secret") and not user.check_password("demo-password")


def test_demo_admin_is_a_superuser_and_the_others_are_not(loaded):
    superusers = set(get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True))
    assert superusers == {"admin"}


def test_demo_editors_belong_to_their_organisation_and_the_moderator_to_the_moderators(loaded):
    def groups(username):
        return " ".join(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))

    assert "demo-ngo-eu" in groups("ngo_eu") and "demo-ngo-jp" not in groups("ngo_eu")
    assert "demo-ngo-jp" in groups("ngo_jp")
    assert "Moderators" in groups("moderator")


def counts():
    models = (Page, Revision, PageLogEntry, Organisation, get_user_model(), Group)
    return {model.__name__: model.objects.count() for model in models}


def test_loading_the_demo_twice_changes_nothing(loaded):
    before = counts()
    load_demo()
    assert counts() == before


def test_load_demo_refuses_when_demo_content_is_off(db, settings):
    settings.DEMO_CONTENT = False
    with pytest.raises(CommandError, match="DEMO_CONTENT"):
        load_demo()
    assert not PracticePage.objects.exists()
