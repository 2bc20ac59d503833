"""Distress in a query (issue 12): which searches put help above the results."""

import pytest

from search.distress import reads_as_distress


@pytest.mark.parametrize(
    "query",
    [
        "someone is blackmailing my son with photos",
        "my daughter is being blackmailed",
        "Sextortion what to do",
        "he is threatening to share her pictures",
        "my son wants to kill himself",  # kill
        "teenager suicidal thoughts",
        "I want to die",
        "self harm",
        "nudes leaked",
        "my child was groomed online",
        "子どもが脅されている",
        "娘が脅迫されています",
        "死にたい",
        "消えたい",
        "いじめられている",
        "裸の写真を送ってしまった",
        "写真を送れと言われた",
        "ＳＥＸＴＯＲＴＩＯＮ",
    ],
)
def test_a_child_in_danger_is_recognised_in_either_language(query):
    assert reads_as_distress(query)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "cyberbullying prevention in schools",
        "parental controls for smartphones",
        "bullying",
        "ネットいじめ対策",
        "いじめ",
        "フィルタリング",
        "children online safety",
        "dangerous apps",
        "ICT Coalition",
        "保護者向け講座",
    ],
)
def test_ordinary_practice_searches_are_not_distress(query):
    assert not reads_as_distress(query)


def test_a_search_that_names_blackmail_shows_help_even_when_it_is_research():
    # Chosen, documented in search/data/distress.yaml: a false alarm costs a box, a miss costs a child.
    assert reads_as_distress("blackmail awareness campaign history")


@pytest.mark.parametrize("query", ["\x00", "死" * 100_000, "blackmail" + "\u3000" * 5000, "<script>", "🙂" * 50])
def test_odd_and_long_queries_get_an_answer(query):
    assert reads_as_distress(query) in (True, False)


def test_a_huge_query_is_only_read_up_to_its_first_thousand_characters():
    assert not reads_as_distress("a " * 600 + "blackmail")
