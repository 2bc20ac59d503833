"""The bilingual glossary: its data file, loading it, and finding its concepts in queries."""

import json

import pytest

from search import glossary
from search.glossary import DATA_FILE, Expander, GlossaryFileError, read_file
from search.models import GlossaryEntry


def test_the_glossary_file_has_at_least_150_bilingual_concepts():
    entries = read_file(DATA_FILE)
    assert len(entries) >= 150
    assert all(en and ja for en, ja, _note in entries)


def test_no_term_belongs_to_two_concepts():
    for language in (0, 1):
        seen = [term.lower() for entry in read_file(DATA_FILE) for term in entry[language]]
        assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("content", "message"),
    [("- en: [a]\n", "needs non-empty 'en' and 'ja'"), ("not: a list\n", "expected a list"), ("- [x\n", "glossary.yaml")],
)
def test_a_broken_glossary_file_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "glossary.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryFileError, match=message):
        read_file(path)


@pytest.mark.django_db
def test_loading_adds_only_missing_concepts_and_keeps_moderators_edits():
    # The migrations loaded the file already (search 0006); concepts a database lacks come back.
    GlossaryEntry.objects.filter(terms_en__startswith="sextortion").delete()
    assert glossary.load_file() == 1
    entry = GlossaryEntry.objects.get(terms_en__startswith="cyberbullying")
    entry.terms_ja += "\nネット上の嫌がらせ"
    entry.save()
    assert glossary.load_file() == 0
    entry.refresh_from_db()
    assert entry.japanese[-1] == "ネット上の嫌がらせ"


def test_phrases_are_found_longest_first():
    expander = Expander([(("parental controls",), ("ペアレンタルコントロール",)), (("parent",), ("保護者",))])
    (start, end, concepts), = expander.match(["parent", "control", "app"])
    assert (start, end) == (0, 2) and concepts[0].japanese == ("ペアレンタルコントロール",)


@pytest.mark.django_db
def test_an_edited_entry_reaches_the_next_search(settings):
    GlossaryEntry.objects.filter(terms_en__startswith="sharenting").delete()  # the shipped one, from the migrations
    entry = GlossaryEntry.objects.create(terms_en="sharenting", terms_ja="シェアレンティング")
    glossary.forget()
    assert [c.japanese for _s, _e, cs in glossary.expander().match(["sharent"]) for c in cs] == [("シェアレンティング",)]
    GlossaryEntry.objects.filter(pk=entry.pk).update(terms_ja="シェアレンティング\n子どもの写真の投稿")
    glossary.forget()
    (_s, _e, (concept,)), = glossary.expander().match(["sharent"])
    assert concept.japanese == ("シェアレンティング", "子どもの写真の投稿")


@pytest.mark.django_db
def test_the_admin_menu_links_to_the_glossary_in_both_languages(admin_client, admin_user):
    from wagtail.users.models import UserProfile

    menu = admin_client.get("/admin/").content.decode()
    assert "/admin/snippets/search/glossaryentry/" in menu and "Glossary" in menu
    UserProfile.objects.update_or_create(user=admin_user, defaults={"preferred_language": "ja"})
    # The sidebar's items are JSON in the page, non-ASCII escaped.
    assert json.dumps("用語集") in admin_client.get("/admin/").content.decode()
