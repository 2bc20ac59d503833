"""Highlighting lands on the right word after characters that NFKC expands (issue 9 §8)."""

from search.analysis import tokens
from search.query import highlight


def test_a_ligature_before_the_match_does_not_shift_the_mark():
    html = highlight("The ﬁrst ﬁlter guide for parents", ["filter"])
    assert html == "The ﬁrst <mark>ﬁlter</mark> guide for parents"


def test_expanded_characters_in_japanese_and_latin_runs_keep_every_offset_in_the_original():
    text = "㍻の ﬂyer と filtering"
    for token in tokens(text):
        assert 0 <= token.start < token.end <= len(text)
    assert "<mark>filtering</mark>" in highlight(text, ["filter"])
