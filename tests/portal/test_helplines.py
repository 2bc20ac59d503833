"""Helplines (issue 12): the seed file's loader, the admin, and the "get help now" block on every page."""

from datetime import date, timedelta

import pytest
import yaml
from django.core.exceptions import ValidationError

from portal.helplines import HELPLINES_FILE, for_region, load_helplines
from portal.models import Helpline

pytestmark = pytest.mark.django_db


@pytest.fixture
def helplines(site):
    load_helplines()


def test_every_seeded_helpline_names_a_source_and_a_way_to_reach_it():
    entries = yaml.safe_load(HELPLINES_FILE.read_text(encoding="utf-8"))["helplines"]
    for entry in entries:
        assert entry["source_url"].startswith("https://"), entry["slug"]
        assert entry.get("phone") or entry.get("url"), entry["slug"]
        assert entry["name"]["en"] and entry["name"]["ja"], entry["slug"]


def test_loader_adds_the_seed_file_once_and_keeps_moderators_edits():
    created = load_helplines()
    assert created == Helpline.objects.count() > 20
    Helpline.objects.filter(slug="jp-189").update(hours_en="Edited by a moderator")
    assert load_helplines() == 0
    assert Helpline.objects.get(slug="jp-189").hours_en == "Edited by a moderator"


def test_loader_brings_back_a_deleted_entry_and_only_that_one():
    load_helplines()
    Helpline.objects.filter(slug="eu-116111").delete()
    assert load_helplines() == 1


def test_loader_refuses_a_file_with_an_unknown_region_and_writes_nothing(tmp_path):
    bad = tmp_path / "helplines.yaml"
    bad.write_text(
        "helplines:\n"
        "- {slug: ok, region: JP, phone: '189', name: {en: A}, source_url: 'https://example.org/'}\n"
        "- {slug: bad, region: XX, phone: '1', name: {en: B}, source_url: 'https://example.org/'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as problem:
        load_helplines(bad)
    assert "region" in problem.value.message_dict
    assert not Helpline.objects.exists()


def test_japanese_readers_get_japans_services():
    load_helplines()
    phones = [h.phone for h in for_region("JP")]
    assert {"0120-0-78310", "0120-007-110", "189"} <= set(phones)
    assert "116 111" not in phones


def test_a_member_state_gets_the_eu_wide_numbers_and_its_own():
    load_helplines()
    phones = [h.phone for h in for_region("FR")]
    assert {"112", "116 111", "3018", "119"} <= set(phones)
    assert "0800-0432" not in phones  # the Netherlands' line
    assert phones[0] == "112"  # emergencies first


def test_a_country_without_its_own_entries_still_gets_116_111_and_inhope():
    load_helplines()
    names = {h.slug for h in for_region("LV")}
    assert names == {h.slug for h in for_region(None)} >= {"eu-116111", "eu-inhope", "eu-112"}


def test_tel_link_keeps_only_digits():
    assert Helpline(phone="0120-0-78310").tel == "0120078310"
    assert Helpline(phone="116 111").tel == "116111"
    assert Helpline(phone="+49 800 111 0 550").tel == "+498001110550"


def test_a_helpline_without_phone_or_web_address_is_refused():
    helpline = Helpline(slug="x", name_en="X", region="JP", source_url="https://example.org/")
    with pytest.raises(ValidationError):
        helpline.full_clean()


def test_stale_means_never_verified_or_verified_over_a_year_ago():
    today = date(2026, 12, 2)
    assert Helpline(last_verified=None).is_stale(today)
    assert Helpline(last_verified=today - timedelta(days=366)).is_stale(today)
    assert not Helpline(last_verified=today - timedelta(days=30)).is_stale(today)


def test_admin_lists_only_entries_not_verified_for_a_year(admin_client, helplines):
    Helpline.objects.filter(slug="jp-189").update(last_verified=date.today())
    response = admin_client.get("/admin/snippets/portal/helpline/?needs_verification=true")
    assert response.status_code == 200
    listed = {h.pk for h in response.context["object_list"]}
    assert Helpline.objects.get(slug="jp-189").pk not in listed
    assert Helpline.objects.get(slug="jp-childline").pk in listed
