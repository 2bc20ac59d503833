"""Fusing lexical and dense rankings (search/fusion.py): pure functions, no database."""

import numpy as np

from search import fusion
from search.embeddings import standardise

LANGUAGES = {1: {"en"}, 2: {"en"}, 3: {"en", "ja"}, 4: {"ja"}, 5: {"en"}}


def test_a_cross_language_practice_with_no_lexical_match_can_rank_first():
    # Practice 4 is written only in Japanese; the English words cannot find it, the embeddings can.
    fused = fusion.fuse(lexical=[1, 2, 3], dense=[4, 1, 5], query_language="en", languages=LANGUAGES)
    assert fused[0][0] == 4


def test_a_same_language_practice_found_only_by_meaning_does_not_jump_the_lexical_matches():
    # Practice 5 is in the query's language yet no word matched: one list's vote, not two.
    fused = [pk for pk, _score in fusion.fuse([1, 2, 3], [5, 1, 2], "en", LANGUAGES)]
    assert fused.index(1) < fused.index(5)


def test_plain_rank_fusion_would_have_buried_the_cross_language_practice():
    plain = {1: {"en", "ja"}, 2: {"en", "ja"}, 3: {"en", "ja"}, 4: {"en", "ja"}, 5: {"en", "ja"}}
    fused = [pk for pk, _score in fusion.fuse([1, 2, 3], [4, 1, 5], "en", plain)]
    assert fused[0] == 1 and fused.index(4) > 0


def test_every_practice_of_either_list_is_a_result_once():
    fused = fusion.fuse([1, 2], [2, 4], "en", LANGUAGES)
    assert sorted(pk for pk, _score in fused) == [1, 2, 4]


def test_dense_neighbours_below_the_threshold_are_not_matches():
    scores = {1: (3.1, 0.5), 2: (fusion.MATCH_Z, 0.4), 3: (fusion.MATCH_Z - 0.01, 0.4), 4: (-1.0, 0.1)}
    assert fusion.dense_matches(scores) == [1, 2]


def test_dense_matches_are_capped_so_counts_stay_meaningful():
    scores = {pk: (10.0 - pk / 100, 0.5) for pk in range(200)}
    assert len(fusion.dense_matches(scores)) == fusion.DENSE_LIMIT


def test_hybrid_counts_lexical_and_dense_matches_as_one_set():
    scores = {1: (0.2, 0.2), 4: (4.0, 0.5), 5: (1.0, 0.3)}
    found = [pk for pk, _score in fusion.hybrid([1, 2], scores, "en", LANGUAGES)]
    assert sorted(found) == [1, 2, 4]


def test_a_practice_not_yet_embedded_is_still_found_by_its_words():
    assert [pk for pk, _score in fusion.hybrid([2, 1], {}, "en", LANGUAGES)] == [2, 1]


def test_a_vague_query_with_no_confident_neighbour_finds_nothing():
    # The best neighbour stands out (z) but is not close in meaning (cosine): an honest zero.
    scores = {1: (4.0, 0.2), 2: (0.5, 0.1), 3: (-0.3, 0.05)}
    assert fusion.hybrid([], scores, "ja", LANGUAGES, has_words=False) == []


def test_a_vague_query_gets_confident_dense_matches():
    scores = {1: (4.0, 0.6), 2: (0.5, 0.1)}
    assert [pk for pk, _score in fusion.hybrid([], scores, "ja", LANGUAGES, has_words=False)] == [1]


def test_standardising_per_language_lets_the_other_language_compete():
    # Same-language cosines run higher: raw scores would rank every English version first.
    english = np.array([0.50, 0.45, 0.44, 0.43, 0.42], dtype=np.float32)
    japanese = np.array([0.40, 0.20, 0.19, 0.18, 0.17], dtype=np.float32)
    assert japanese.max() < english.min()
    assert standardise(japanese).max() > standardise(english).max()


def test_standardised_scores_have_zero_mean_and_unit_spread():
    z = standardise(np.array([0.1, 0.2, 0.3, 0.6], dtype=np.float32))
    assert abs(float(z.mean())) < 1e-6 and abs(float(z.std()) - 1) < 1e-5


def test_standardising_identical_scores_does_not_divide_by_zero():
    assert standardise(np.array([0.3, 0.3], dtype=np.float32)).tolist() == [0.0, 0.0]
