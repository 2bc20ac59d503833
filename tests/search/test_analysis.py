"""The language analysis every backend shares (search/analysis.py)."""

import pytest

from search.analysis import analyse, surfaces_and_terms, terms, tokenize


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("ネットいじめ対策を進めます", "苛め"),  # a word inside a compound, in its normalised form
        ("フィルタリングサービス", "フィルタリング"),
        ("子どもを守ります", "守る"),  # inflected verb → dictionary form
        ("小学校の先生", "学校"),  # compounds are also indexed by their parts
        ("相談窓口", "窓口"),
    ],
)
def test_japanese_words_are_found_inside_compounds_and_inflections(text, term):
    assert term in terms(text)


@pytest.mark.parametrize("variants", [("子ども", "子供", "こども"), ("フィルター", "フィルタ"), ("スマホ", "ｽﾏﾎ")])
def test_japanese_spelling_variants_analyse_alike(variants):
    assert len({analyse(variant) for variant in variants}) == 1


def test_particles_and_auxiliaries_are_not_terms():
    assert terms("学校で教えます") == ["学校", "教える"]


def test_full_width_space_and_full_width_latin_separate_words():
    assert terms("ＳＮＳ\u3000フィルター") == ["sns", "フィルター"]


@pytest.mark.parametrize(("words", "stem"), [(("filter", "filtering", "filters", "FILTERED"), "filter"),
                                               (("parent", "parents", "Parents'"), "parent"),
                                               (("child", "children"), "child")])
def test_english_words_are_case_folded_and_stemmed(words, stem):
    assert {analyse(word) for word in words} == {stem}


def test_english_stopwords_are_dropped_and_accents_folded():
    assert terms("How can the Café help?") == ["cafe", "help"]


def test_mixed_scripts_are_split_so_english_never_reaches_the_japanese_analyser():
    assert terms("GIGAスクール構想") == ["giga", "スクール", "構想"]


def test_tokens_point_into_the_original_text():
    text = "保護者向けのフィルタリング講座"
    assert [text[t.start : t.end] for t in tokenize(text)] == ["保護者", "フィルタリング", "講座"]


def test_very_long_japanese_text_is_analysed_in_pieces():
    text = "子どもを守る" * 10000  # no punctuation: one run longer than Sudachi's input limit
    assert terms(text).count("子供") == 10000


def test_prefix_words_keep_the_form_as_written():
    assert surfaces_and_terms("ネットいじめ") == "ネット 苛め いじめ"
