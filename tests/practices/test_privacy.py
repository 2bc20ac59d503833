"""Personal data from the join form: a notice in both languages, and decided applications deleted after a set age (issue 9 §9)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from practices.models import JoinApplication

pytestmark = pytest.mark.django_db


def application(status, days_old):
    created = JoinApplication.objects.create(
        organisation_name=f"{status} {days_old}",
        country="JP",
        contact_name="佐藤花子",
        email="hanako@example.jp",
        message="…",
        status=status,
    )
    JoinApplication.objects.filter(pk=created.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return created


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_join_form_tells_what_is_kept_who_sees_it_for_how_long_and_whom_to_ask(client, site, settings, lang):
    settings.JOIN_APPLICATION_RETENTION_DAYS = 90
    settings.PRIVACY_CONTACT_EMAIL = "privacy@portal.example.org"
    html = client.get(f"/{lang}/join/").content.decode()
    with translation.override(lang):
        assert translation.gettext("Your personal data") in html
    assert "90" in html
    assert 'href="mailto:privacy@portal.example.org"' in html
    if lang == "ja":
        assert "個人情報" in html and "モデレーター" in html


def test_purge_deletes_decided_applications_past_the_age_and_keeps_the_rest(settings):
    settings.JOIN_APPLICATION_RETENTION_DAYS = 180
    old_accepted = application(JoinApplication.Status.ACCEPTED, 200)
    old_declined = application(JoinApplication.Status.DECLINED, 181)
    old_undecided = application(JoinApplication.Status.NEW, 400)
    recent_declined = application(JoinApplication.Status.DECLINED, 10)
    call_command("purge_applications", stdout=open("/dev/null", "w"))
    remaining = set(JoinApplication.objects.values_list("pk", flat=True))
    assert remaining == {old_undecided.pk, recent_declined.pk}
    assert old_accepted.pk not in remaining and old_declined.pk not in remaining


def test_purge_takes_an_age_in_days_and_refuses_a_negative_one():
    application(JoinApplication.Status.DECLINED, 10)
    with pytest.raises(CommandError):
        call_command("purge_applications", "--days", "-1")
    assert JoinApplication.objects.count() == 1
    call_command("purge_applications", "--days", "5", stdout=open("/dev/null", "w"))
    assert JoinApplication.objects.count() == 0
