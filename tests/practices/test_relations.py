"""Practices that travelled (issue 13): relations between practices, reviewed like any change, shown on both
practices in the reader's language, carried by import and export, and the page of those that crossed regions."""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset

from practices.models import PracticePage, PracticeRelation
from tests.conftest import practice
from tests.practices.conftest import add_translation, edit_form_data

pytestmark = pytest.mark.django_db

EU_NGO = {"slug": "eu-ngo", "name": {"en": "Harbour Foundation"}, "country": "IE"}
JP_NGO = {"slug": "jp-ngo", "name": {"ja": "みなと財団"}, "country": "JP"}
EU_KIT = practice("eu-kit", en=("Sextortion first-aid kit", "What a school does in the first hour."), organisation=EU_NGO)
JP_KIT = practice(
    "jp-kit",
    ja=("自画撮り被害の初期対応キット", "学校が最初の一時間にすること。"),
    organisation=JP_NGO,
    related=[{"slug": "eu-kit", "relation": "adapted-from"}],
)


def gettext_in(lang, message):
    with translation.override(lang):
        return translation.gettext(message)


def related_section(client, path):
    """The practice page's "Related practices" section as HTML, or "" when it has none."""
    response = client.get(path)
    assert response.status_code == 200, path
    found = re.search(r'<section class="related-practices".*?</section>', response.content.decode(), re.S)
    return found.group(0) if found else ""


def text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def line(lang, phrase, title, organisation, region):
    """What a page says of a related practice, as text: e.g. "Adapted from X (organisation, region)"."""
    separator = "、" if lang == "ja" else ", "
    where = f"{organisation}{separator}{gettext_in(lang, region)}"
    return " ".join(gettext_in(lang, phrase).format(practice=f"{title} ({where})").split())


def rejected(path):
    stderr = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_practices", str(path), stdout=io.StringIO(), stderr=stderr)
    assert failure.value.returncode == 1
    return stderr.getvalue()


def write(tmp_path, *records):
    path = tmp_path / "related.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def export():
    stdout = io.StringIO()
    call_command("export_practices", stdout=stdout)
    return [json.loads(text) for text in stdout.getvalue().splitlines()]


def stored_relations():
    return sorted(PracticeRelation.objects.values_list("page__slug", "target__slug", "relation"))


# Review: a relation is part of the later practice's version, published when the moderator approves it ------


def relation_formset(*rows):
    return {"relations": inline_formset([{"relation": relation, "target": target.pk} for target, relation in rows])}


def edit(client, page, *rows, action="action-submit"):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    return client.post(url, edit_form_data(page, **relation_formset(*rows), **{action: "1"}))


def test_a_relation_reaches_readers_only_when_the_moderator_approves_it(client, signed_in, accounts):
    jp = PracticePage.objects.get(slug="jp-published")
    eu = PracticePage.objects.get(slug="eu-published")
    assert edit(signed_in("ngo_jp"), jp, (eu, "adapted-from")).status_code == 302
    jp.refresh_from_db()
    assert jp.workflow_in_progress
    # In the version under review, not in what readers see.
    under_review = jp.get_latest_revision_as_object()
    assert [(row.target_id, row.relation) for row in under_review.relations.all()] == [(eu.pk, "adapted-from")]
    assert not PracticeRelation.objects.exists()
    assert related_section(client, "/en/practices/demo-ngo-eu/eu-published/") == ""
    assert related_section(client, "/ja/practices/demo-ngo-jp/jp-published/") == ""

    # The workflow's translation step first (a Japanese-only practice), then the moderator's approval.
    moderator = signed_in("moderator")
    jp = add_translation(moderator, jp)
    assert not PracticeRelation.objects.exists()
    task_state = jp.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[jp.pk, "approve", task_state.pk])
    assert moderator.post(url).status_code == 302
    assert stored_relations() == [("jp-published", "eu-published", "adapted-from")]
    assert "Family online safety evenings" in related_section(client, "/ja/practices/demo-ngo-jp/jp-published/")
    # English readers see the title the translation step added.
    assert "Smartphone safety class" in related_section(client, "/en/practices/demo-ngo-eu/eu-published/")


def test_a_draft_edit_that_removes_a_relation_leaves_the_published_one_in_place(client, signed_in, accounts):
    jp = PracticePage.objects.get(slug="jp-published")
    eu = PracticePage.objects.get(slug="eu-published")
    jp.relations = [PracticeRelation(target=eu, relation="inspired-by")]
    jp.save_revision().publish()
    assert edit(signed_in("ngo_jp"), jp, action="action-submit").status_code == 302
    assert stored_relations() == [("jp-published", "eu-published", "inspired-by")]
    assert "親子のスマホ教室" in related_section(client, "/en/practices/demo-ngo-eu/eu-published/")


def test_the_editor_may_not_relate_a_practice_to_a_draft_or_to_itself(signed_in, accounts, jp_draft):
    jp = PracticePage.objects.get(slug="jp-published")
    editor = signed_in("ngo_jp")
    for target, message in ((jp_draft, "Choose a published practice."), (jp, "A practice cannot be related to itself.")):
        response = edit(editor, jp, (target, "inspired-by"))
        assert response.status_code == 200
        assert gettext_in("ja", message) in response.content.decode()
    jp.refresh_from_db()
    assert not jp.workflow_in_progress
    assert not jp.get_latest_revision_as_object().relations.all()


def test_the_editor_may_not_name_the_same_practice_twice(signed_in, accounts):
    jp = PracticePage.objects.get(slug="jp-published")
    eu = PracticePage.objects.get(slug="eu-published")
    response = edit(signed_in("ngo_jp"), jp, (eu, "inspired-by"), (eu, "partner"))
    assert response.status_code == 200
    assert response.context["form"].formsets["relations"].non_form_errors()
    jp.refresh_from_db()
    assert not jp.workflow_in_progress


def chooser(client, query, page_type="practices.practicepage"):
    params = {"q": query, **({"page_type": page_type} if page_type else {})}
    response = client.get(reverse("wagtailadmin_choose_page_search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_chooser_finds_published_practices_by_english_and_japanese_words(signed_in, accounts):
    editor = signed_in("ngo_jp")
    assert "Family online safety evenings" in chooser(editor, "family")
    # A word inside a Japanese title (search/word_starts.py).
    assert "親子のスマホ教室" in chooser(editor, "スマホ")


def test_the_chooser_of_related_practices_leaves_out_drafts(signed_in, jp_draft):
    editor = signed_in("ngo_jp")
    # Its own editor finds the draft in the ordinary link chooser, not in the related-practice chooser.
    assert jp_draft.title_ja in chooser(editor, "ホットライン", page_type="")
    assert jp_draft.title_ja not in chooser(editor, "ホットライン")


# Both practices show the relation, in the reader's language ------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_later_practice_says_where_it_was_adapted_from(client, import_lines, lang):
    import_lines(EU_KIT, JP_KIT)
    section = related_section(client, f"/{lang}/practices/jp-ngo/jp-kit/")
    expected = line(lang, "Adapted from {practice}", "Sextortion first-aid kit", "Harbour Foundation", "European Union")
    assert expected in text_of(section)
    link = re.search(r'<a href="([^"]+)"([^>]*)>Sextortion first-aid kit</a>', section)
    assert link.group(1) == f"/{lang}/practices/eu-ngo/eu-kit/"
    # English-only: marked as English on the Japanese page, as elsewhere on the page.
    assert ('lang="en"' in link.group(2)) == (lang == "ja")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_earlier_practice_names_the_practice_adapted_from_it(client, import_lines, lang):
    import_lines(EU_KIT, JP_KIT)
    section = related_section(client, f"/{lang}/practices/eu-ngo/eu-kit/")
    expected = line(lang, "Adapted by {practice}", "自画撮り被害の初期対応キット", "みなと財団", "Japan")
    assert expected in text_of(section)
    link = re.search(r'<a href="([^"]+)"([^>]*)>自画撮り被害の初期対応キット</a>', section)
    assert link.group(1) == f"/{lang}/practices/jp-ngo/jp-kit/"
    assert ('lang="ja"' in link.group(2)) == (lang == "en")


def test_the_reader_language_version_of_a_bilingual_title_is_shown(client, import_lines):
    bilingual = practice("eu-kit", en=("First-aid kit", "Summary."), ja=("初期対応キット", "概要。"), organisation=EU_NGO)
    import_lines(bilingual, JP_KIT)
    assert "初期対応キット" in related_section(client, "/ja/practices/jp-ngo/jp-kit/")
    assert "First-aid kit" in related_section(client, "/en/practices/jp-ngo/jp-kit/")


def test_each_relation_reads_its_own_way_on_both_pages(client, import_lines):
    partner = practice(
        "jp-kit", ja=("連携キット", "概要。"), organisation=JP_NGO, related=[{"slug": "eu-kit", "relation": "partner"}]
    )
    inspired = practice(
        "jp-talk", ja=("講演", "概要。"), organisation=JP_NGO, related=[{"slug": "eu-kit", "relation": "inspired-by"}]
    )
    import_lines(EU_KIT, partner, inspired)
    earlier = text_of(related_section(client, "/en/practices/eu-ngo/eu-kit/"))
    assert "Partner of 連携キット" in earlier and "Inspired 講演" in earlier
    assert "Run in partnership with Sextortion first-aid kit" in text_of(related_section(client, "/en/practices/jp-ngo/jp-kit/"))
    assert "Inspired by Sextortion first-aid kit" in text_of(related_section(client, "/en/practices/jp-ngo/jp-talk/"))


def test_only_published_practices_are_shown_on_either_side(client, import_lines):
    import_lines(EU_KIT, JP_KIT)
    PracticePage.objects.get(slug="eu-kit").unpublish()
    assert related_section(client, "/en/practices/jp-ngo/jp-kit/") == ""
    PracticePage.objects.get(slug="eu-kit").save_revision().publish()
    PracticePage.objects.get(slug="jp-kit").unpublish()
    assert related_section(client, "/en/practices/eu-ngo/eu-kit/") == ""


def test_a_practice_without_relations_has_no_related_section(client, import_lines):
    import_lines(EU_KIT)
    assert related_section(client, "/en/practices/eu-ngo/eu-kit/") == ""


# Import and export --------------------------------------------------------------------------------------------


def test_a_line_may_relate_to_a_practice_later_in_the_same_file(import_lines):
    import_lines(JP_KIT, EU_KIT)
    assert stored_relations() == [("jp-kit", "eu-kit", "adapted-from")]


@pytest.mark.parametrize(
    "related, reason",
    [
        ([{"slug": "no-such-practice", "relation": "adapted-from"}],
         "line 2: related[0]: no published practice or valid line has slug 'no-such-practice'"),
        ([{"slug": "eu-kit", "relation": "copied-from"}],
         "line 2: related[0].relation has unknown value 'copied-from'; allowed: adapted-from, inspired-by, partner"),
        ([{"slug": "jp-kit", "relation": "partner"}], "line 2: related[0]: a practice cannot be related to itself"),
        ([{"slug": "eu-kit", "relation": "partner"}, {"slug": "eu-kit", "relation": "inspired-by"}],
         "line 2: related[1]: practice 'eu-kit' is already related; name each practice once"),
        ([{"slug": "eu-kit"}], "line 2: related[0] must be an object with 'slug' and 'relation'"),
        ({"slug": "eu-kit", "relation": "partner"}, "line 2: related must be a list"),
    ],
)
def test_a_bad_relation_makes_the_line_invalid_and_nothing_is_written(site, tmp_path, related, reason):
    stderr = rejected(write(tmp_path, EU_KIT, {**JP_KIT, "related": related}))
    assert stderr.splitlines() == [reason]
    assert not PracticePage.objects.exists()


def test_a_draft_in_the_database_is_not_a_practice_to_relate_to(site, import_lines, tmp_path):
    import_lines(EU_KIT, draft=True)
    stderr = rejected(write(tmp_path, JP_KIT))
    assert stderr.splitlines() == ["line 1: related[0]: no published practice or valid line has slug 'eu-kit'"]


def test_a_line_relating_to_an_invalid_line_is_invalid_too(site, tmp_path):
    broken = {**EU_KIT, "audiences": ["aliens"]}
    other = practice("other", en=("Other", "Other practice."), organisation=EU_NGO)
    stderr = io.StringIO()
    call_command("import_practices", str(write(tmp_path, broken, JP_KIT, other)), skip_invalid=True,
                 stdout=io.StringIO(), stderr=stderr)
    assert stderr.getvalue().splitlines()[1] == (
        "line 2: related[0]: no published practice or valid line has slug 'eu-kit'"
    )
    assert set(PracticePage.objects.values_list("slug", flat=True)) == {"other"}


def test_a_changed_relation_is_an_update_and_the_same_one_is_unchanged(import_lines, tmp_path):
    import_lines(EU_KIT, JP_KIT)
    stdout = io.StringIO()
    call_command("import_practices", str(write(tmp_path, EU_KIT, JP_KIT)), stdout=stdout)
    assert "0 created, 0 updated, 2 unchanged" in stdout.getvalue()
    import_lines(EU_KIT, {**JP_KIT, "related": [{"slug": "eu-kit", "relation": "inspired-by"}]})
    assert stored_relations() == [("jp-kit", "eu-kit", "inspired-by")]
    import_lines(EU_KIT, {**JP_KIT, "related": []})
    assert stored_relations() == []


def test_an_imported_draft_change_of_relation_waits_for_publishing(import_lines):
    import_lines(EU_KIT, JP_KIT)
    import_lines(EU_KIT, {**JP_KIT, "related": []}, draft=True)
    assert stored_relations() == [("jp-kit", "eu-kit", "adapted-from")]
    assert not PracticePage.objects.get(slug="jp-kit").get_latest_revision_as_object().relations.all()


def test_export_writes_relations_and_imports_back_into_an_empty_database(import_lines, tmp_path):
    partner = practice("a-partner", en=("Partner", "Run with the kit."), organisation=EU_NGO,
                       related=[{"slug": "jp-kit", "relation": "partner"}])
    import_lines(EU_KIT, JP_KIT, partner)
    exported = export()
    by_slug = {record["slug"]: record for record in exported}
    assert by_slug["jp-kit"]["related"] == [{"slug": "eu-kit", "relation": "adapted-from"}]
    assert by_slug["a-partner"]["related"] == [{"slug": "jp-kit", "relation": "partner"}]
    assert "related" not in by_slug["eu-kit"]
    # In slug order a-partner comes first and names jp-kit, which is further down the file.
    PracticePage.objects.all().delete()
    assert not PracticeRelation.objects.exists()
    import_lines(*exported)
    assert export() == exported
    assert stored_relations() == [("a-partner", "jp-kit", "partner"), ("jp-kit", "eu-kit", "adapted-from")]


def test_export_leaves_out_relations_to_unpublished_practices(import_lines):
    import_lines(EU_KIT, JP_KIT)
    PracticePage.objects.get(slug="eu-kit").unpublish()
    assert [record.get("related") for record in export()] == [None]


# The practices that crossed between the regions ---------------------------------------------------------------


def travelled(client, lang):
    response = client.get(f"/{lang}/practices/travelled/")
    assert response.status_code == 200
    return response.content.decode()


def group(page, key):
    return re.search(rf'<section class="travelled" aria-labelledby="travelled-{key}">.*?</section>', page, re.S).group(0)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_travelled_page_lists_practices_that_crossed_in_each_direction(client, demo, lang):
    page = travelled(client, lang)
    eu_to_jp, jp_to_eu, partners = (group(page, key) for key in ("eu-jp", "jp-eu", "partner"))
    assert gettext_in(lang, "From the European Union to Japan") in eu_to_jp
    assert f"/{lang}/practices/tsubame-center/tsubame-jigadori-prevention/" in eu_to_jp
    assert f"/{lang}/practices/demo-ngo-eu/demo-eu-sextortion-first-response-kit/" in eu_to_jp
    assert "/funkenflug/funkenflug-family-media-agreements/" in jp_to_eu
    assert "/demo-ngo-jp/demo-jp-eu-japan-community-site-seminars/" in partners
    # A relation inside one region is not a crossing.
    assert "kusunoki-sleep-joint-training" not in page
    # Written in Japanese only: shown in Japanese, marked as such on the English page.
    qa_course = re.search(r'<a href="[^"]*demo-jp-first-smartphone-qa-course/"([^>]*)>', eu_to_jp).group(1)
    assert ('lang="ja"' in qa_course) == (lang == "en")


def test_travelled_page_shows_published_practices_only(client, demo):
    PracticePage.objects.get(slug="tsubame-jigadori-prevention").unpublish()
    page = travelled(client, "en")
    assert "tsubame-jigadori-prevention" not in page
    assert "demo-eu-sextortion-first-response-kit" not in page


def test_travelled_page_says_so_when_nothing_crossed(client, site):
    page = travelled(client, "ja")
    assert page.count(gettext_in("ja", "None published yet.")) == 3


def test_travelled_page_is_linked_from_the_listing_and_compare_pages_and_listed_in_the_sitemap(client, vocabulary):
    assert 'href="/en/practices/travelled/"' in client.get("/en/practices/").content.decode()
    assert 'href="/ja/practices/travelled/"' in client.get("/ja/compare/cyberbullying/").content.decode()
    assert "/ja/practices/travelled/" in client.get("/sitemap.xml").content.decode()


def test_deleting_the_earlier_practice_removes_the_relation_and_the_later_one_stays_editable(client, signed_in, accounts):
    jp = PracticePage.objects.get(slug="jp-published")
    eu = PracticePage.objects.get(slug="eu-published")
    jp.relations = [PracticeRelation(target=eu, relation="adapted-from")]
    jp.save_revision().publish()
    eu.delete()
    assert not PracticeRelation.objects.exists()
    assert related_section(client, "/ja/practices/demo-ngo-jp/jp-published/") == ""
    # Its revisions still name the deleted practice; the editor opens without it.
    response = signed_in("ngo_jp").get(reverse("wagtailadmin_pages:edit", args=[jp.pk]))
    assert response.status_code == 200
    assert not response.context["form"].formsets["relations"].forms


def test_json_ld_says_what_the_practice_is_based_on(client, import_lines):
    import_lines(EU_KIT, JP_KIT)
    html_text = client.get("/en/practices/jp-ngo/jp-kit/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html_text, re.S).group(1))
    assert data["isBasedOn"] == ["http://testserver/en/practices/eu-ngo/eu-kit/"]
