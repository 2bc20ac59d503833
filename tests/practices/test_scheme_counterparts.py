"""Scheme counterparts (issue 13): named once by a moderator, shown on both schemes' pages in the reader's
language, refused for a scheme itself, a pair of one region or a pair already named from the other side."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from practices.loaders import load_counterparts
from practices.models import Scheme, SchemeCounterpart

pytestmark = pytest.mark.django_db


def scheme_page(client, lang, slug):
    response = client.get(f"/{lang}/practices/schemes/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def counterparts_section(html):
    match = re.search(r'<section class="counterparts".*?</section>', html, re.S)
    assert match, "no counterparts section"
    return match.group(0)


def test_seeded_pairs_link_schemes_of_both_regions(vocabulary):
    pairs = {
        (link.scheme.slug, link.counterpart.slug) for link in SchemeCounterpart.objects.select_related("scheme", "counterpart")
    }
    assert pairs == {("pegi", "cero"), ("gsma-european-framework", "carrier-filtering"), ("ict-coalition", "anshin-net-council")}
    anshin = Scheme.objects.get(slug="anshin-net-council")
    assert (anshin.region, anshin.name_ja) == ("jp", "安心ネットづくり促進協議会")
    # Loading again (setup_portal twice) adds nothing.
    assert load_counterparts() == 0


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_counterpart_shows_on_both_schemes_pages_in_the_readers_language(client, vocabulary, lang):
    link = SchemeCounterpart.objects.get(scheme__slug="pegi")
    cero_on_pegi = counterparts_section(scheme_page(client, lang, "pegi"))
    pegi_on_cero = counterparts_section(scheme_page(client, lang, "cero"))
    note = getattr(link, f"note_{lang}")
    with translation.override(lang):
        assert translation.gettext("Counterparts in Japan") in cero_on_pegi
        assert translation.gettext("Counterparts in the European Union") in pegi_on_cero
    assert f'href="/{lang}/practices/schemes/cero/"' in cero_on_pegi
    assert f'href="/{lang}/practices/schemes/pegi/"' in pegi_on_cero
    # Entered once, on PEGI; its note shows on both pages, in the page's language.
    for section in (cero_on_pegi, pegi_on_cero):
        assert note in section.replace("&#x27;", "'")
        assert getattr(link, f"note_{'ja' if lang == 'en' else 'en'}") not in section.replace("&#x27;", "'")


def test_a_note_written_in_one_language_is_marked_as_such(client, vocabulary):
    # note_ja by name: modeltranslation turns a bare `note` into the active language's field, which
    # depends on what the worker ran before (with English active, it emptied the English note too).
    SchemeCounterpart.objects.filter(scheme__slug="pegi").update(note_ja="")
    section = counterparts_section(scheme_page(client, "ja", "cero"))
    assert re.search(r'<span class="note" lang="en">Both are industry', section)


def test_a_scheme_without_counterparts_shows_no_section(client, vocabulary):
    assert '<section class="counterparts"' not in scheme_page(client, "en", "tech-coalition")


def scheme_form(scheme, links):
    """The scheme's admin edit form as the browser sends it, with these counterpart rows."""
    fields = ("slug", "region", "url", "name_en", "name_ja", "operator_en", "operator_ja", "description_en", "description_ja")
    return nested_form_data(
        {
            **{name: getattr(scheme, name) or "" for name in fields},
            "started": scheme.started or "",
            "ended": scheme.ended or "",
            "counterpart_links": inline_formset(links),
        }
    )


def edit(client, scheme, links):
    return client.post(f"/admin/snippets/practices/scheme/edit/{scheme.pk}/", scheme_form(scheme, links))


def test_the_scheme_editor_offers_counterparts_with_a_note_in_each_language(signed_in, accounts, vocabulary):
    pegi = Scheme.objects.get(slug="pegi")
    html = signed_in("moderator").get(f"/admin/snippets/practices/scheme/edit/{pegi.pk}/").content.decode()
    for field in ("counterpart", "note_en", "note_ja"):
        assert f'name="counterpart_links-0-{field}"' in html
    assert "Name each counterpart once: it is shown on both schemes" in html


def test_a_moderator_names_a_counterpart_in_the_admin(signed_in, accounts, vocabulary):
    ema, safer = Scheme.objects.get(slug="ema"), Scheme.objects.get(slug="safer-social-networking-principles")
    note = {"note_en": "Both certify how social sites are run.", "note_ja": "どちらもSNSの運営を対象とします。"}
    response = edit(signed_in("moderator"), ema, [{"counterpart": safer.pk, **note}])
    assert response.status_code == 302
    link = SchemeCounterpart.objects.get(scheme=ema)
    assert (link.counterpart, link.note_ja) == (safer, note["note_ja"])
    assert [pair["scheme"] for pair in safer.counterparts()] == [ema]


def test_a_new_scheme_is_saved_with_its_counterpart(signed_in, accounts, vocabulary):
    pegi = Scheme.objects.get(slug="pegi")
    new = Scheme(slug="jp-app-ratings", region="jp", name_en="App ratings", name_ja="アプリのレーティング")
    data = scheme_form(new, [{"counterpart": pegi.pk, "note_en": "Apps, not games.", "note_ja": "ゲームではなくアプリ。"}])
    response = signed_in("moderator").post("/admin/snippets/practices/scheme/add/", data)
    assert response.status_code == 302
    new = Scheme.objects.get(slug="jp-app-ratings")
    assert [pair["scheme"] for pair in pegi.counterparts()] == [Scheme.objects.get(slug="cero"), new]


@pytest.mark.parametrize(
    ("scheme", "counterpart", "message"),
    [
        ("cero", "cero", "A scheme cannot be its own counterpart."),
        ("cero", "ema", "is in the same region (Japan): a counterpart is in the other region."),
        ("pegi", "ict-coalition", "is in the same region (European Union): a counterpart is in the other region."),
        ("cero", "tech-coalition", "is neither a European Union nor a Japanese scheme."),
        ("tech-coalition", "pegi", "Only schemes of the European Union or Japan have counterparts"),
        ("cero", "pegi", "already names this scheme as its counterpart: edit the note there."),
    ],
)
def test_a_refused_counterpart_is_explained_and_the_form_keeps_what_was_typed(
    signed_in, accounts, vocabulary, scheme, counterpart, message
):
    scheme, counterpart = Scheme.objects.get(slug=scheme), Scheme.objects.get(slug=counterpart)
    before = set(SchemeCounterpart.objects.values_list("pk", flat=True))
    response = edit(signed_in("moderator"), scheme, [{"counterpart": counterpart.pk, "note_en": "Typed note", "note_ja": ""}])
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    assert 'value="Typed note"' in html
    assert set(SchemeCounterpart.objects.values_list("pk", flat=True)) == before


def test_the_same_counterpart_twice_is_refused(signed_in, accounts, vocabulary):
    ema, safer = Scheme.objects.get(slug="ema"), Scheme.objects.get(slug="safer-social-networking-principles")
    row = {"counterpart": safer.pk, "note_en": "", "note_ja": ""}
    response = edit(signed_in("moderator"), ema, [row, row])
    assert response.status_code == 200
    assert not SchemeCounterpart.objects.filter(scheme=ema).exists()


def test_the_compare_page_names_a_schemes_counterpart(client, vocabulary, import_lines):
    from tests.conftest import practice

    import_lines(
        practice(
            "game-ratings-guide",
            en=("Game ratings for parents", "What the age labels mean."),
            countries=["BE"],
            topics=[{"slug": "gaming"}],
            schemes=[{"slug": "pegi"}],
        )
    )
    html = client.get("/ja/compare/gaming/").content.decode()
    with translation.override("ja"):
        assert translation.gettext("Counterpart in Japan:") in html
    assert 'href="/ja/practices/schemes/cero/"' in html


def test_a_seed_file_pairing_one_region_stops_with_the_reason(vocabulary, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_text("- slug: cero\n  counterparts:\n    - slug: ema\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(ValueError, match=r"cero ↔ ema: .*same region"):
        load_counterparts(path)
    assert not SchemeCounterpart.objects.filter(scheme__slug="cero").exists()


def test_a_seed_note_over_its_length_is_refused(vocabulary, tmp_path):
    path = tmp_path / "schemes.yaml"
    note = "x" * 301
    path.write_text(f"- slug: ema\n  counterparts:\n    - slug: safer-social-networking-principles\n      note: {{en: {note}}}\n")
    with translation.override("en"), pytest.raises(ValidationError, match="at most 300 characters"):
        load_counterparts(path)
