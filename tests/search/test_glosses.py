"""Glosses: glossary terms in other-language text, with the reader's-language name beside them (CONTRACT §3a)."""

import re

import pytest

from search import glossary
from search.glosses import gloss_html, gloss_plain, key_terms
from tests.conftest import practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def expander(vocabulary):
    return glossary.expander()


def glosses(html):
    return re.findall(r'<span class="gloss" data-gloss="([^"]*)">([^<]*)</span>', html)


def test_english_terms_are_glossed_in_japanese(expander):
    html, terms = gloss_html("<p>Parents learn about <b>filtering</b> and cyberbullying.</p>", "ja", expander)
    assert ("フィルタリング", "filtering") in glosses(html)
    assert ("ネットいじめ", "cyberbullying") in glosses(html)
    assert '<span class="gloss__name" lang="ja"> (ネットいじめ)</span>' in html
    assert '<b><span class="gloss" data-gloss="フィルタリング">filtering</span>' in html and html.endswith(".</p>")


def test_japanese_terms_are_glossed_in_english(expander):
    html, _terms = gloss_html("<p>保護者向けのフィルタリング講座で、ネットいじめについて学びます。</p>", "en", expander)
    assert {gloss for gloss, _word in glosses(html)} >= {"filtering", "cyberbullying"}
    assert 'lang="en"> (cyberbullying)</span>' in html


def test_markup_is_kept_and_attributes_are_never_glossed(expander):
    source = '<p><a href="/filtering/" title="cyberbullying">Read about filtering</a></p>'
    html, _terms = gloss_html(source, "ja", expander)
    assert 'href="/filtering/" title="cyberbullying"' in html
    assert glosses(html) == [("フィルタリング", "filtering")]


def test_plain_text_is_escaped_before_glossing(expander):
    html, _terms = gloss_plain("<script>filtering</script>", "ja", expander)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_key_terms_are_listed_once_in_both_languages(expander):
    terms = key_terms(["<p>Filtering, filtering and cyberbullying.</p>", "ネットいじめ"], expander)
    assert [(term.en, term.ja) for term in terms] == [("filtering", "フィルタリング"), ("cyberbullying", "ネットいじめ")]


def test_english_practice_on_ja_shows_glossed_description_and_key_terms(client, vocabulary, import_lines):
    body = "Parents set up filtering at home. Schools talk about cyberbullying."
    import_lines(practice("en-filtering", en=("Home filtering evenings", "Evenings for parents.", body)))
    html = client.get("/ja/practices/test-ngo/en-filtering/").content.decode()
    assert ("フィルタリング", "filtering") in glosses(html) and ("ネットいじめ", "cyberbullying") in glosses(html)
    assert '<span lang="en">filtering</span> · <span lang="ja">フィルタリング</span>' in html

    # Read in its own language, the text has no glosses.
    assert glosses(client.get("/en/practices/test-ngo/en-filtering/").content.decode()) == []


def test_a_term_is_glossed_at_its_first_appearance_only(expander):
    html, terms = gloss_html("<p>Filtering at home.</p><p>More filtering.</p>", "ja", expander)
    assert [word for gloss, word in glosses(html) if gloss == "フィルタリング"] == ["Filtering"]
    assert len(terms) == len(set(terms))


def test_everyday_words_are_not_glossed(expander):
    html, _terms = gloss_html("<p>Parents and teachers at school learn about filtering.</p>", "ja", expander)
    assert glosses(html) == [("フィルタリング", "filtering")]


def test_every_stoplist_entry_is_a_glossary_concept():
    from search.glosses import stoplist

    known = {en[0].casefold() for en, _ja, _note in glossary.read_file()}
    assert stoplist() and stoplist() <= known


def test_a_section_has_at_most_a_few_glosses(expander):
    from search.glosses import MAX_PER_SECTION

    text = "filtering, cyberbullying, sexting, grooming, parental controls, age verification, loot boxes, hotline, "
    text += "screen time, sextortion, "
    html, terms = gloss_html(f"<p>{text * 2}</p>", "ja", expander)
    assert len(glosses(html)) == len(terms) == MAX_PER_SECTION
