"""Fusing a search's lexical and dense rankings, the same way on every backend (pure: no database).

The lexical engine ranks practices by the query's words (with the glossary); the embeddings rank
them by meaning (search/embeddings.py), with scores standardised within each document language.
Reciprocal-rank fusion adds 1 / (k + rank) from each list. Plain fusion lets practices written in
the query's language, present in both lists, crowd out those written only in the other language,
which cannot match the words; so a practice with no version in the query's language takes its
dense rank as its lexical rank when that is better (docs/search.md, "Hybrid").
"""

import numpy as np

RRF_K = 10
# A dense neighbour is a match, counted in results, facets and pages, when its best version scores
# at least this many standard deviations above the mean of its language for the query. Tuned on the
# relevance set (docs/search.md, "Hybrid"): 1.0–2.0 score alike, 2.5 lost the questions' answers.
MATCH_Z = 1.5
# At most this many dense matches join a query's results: beyond them the neighbours are noise.
DENSE_LIMIT = 50
# A query with no searchable words is answered by its dense matches only if the best is this clear.
VAGUE_Z = 3.5
VAGUE_COSINE = 0.35


def dense_matches(scores, threshold=MATCH_Z, limit=DENSE_LIMIT):
    """Ids of the practices whose dense score makes them matches, best first.

    `scores` maps practice id → (standardised score, cosine) of its best version.
    """
    ranked = sorted((-z, pk) for pk, (z, _cosine) in scores.items() if z >= threshold)
    return [pk for _z, pk in ranked[:limit]]


def vague_matches(scores, threshold=VAGUE_Z, min_cosine=VAGUE_COSINE, limit=DENSE_LIMIT):
    """The answer to a query that analyses to no searchable words: confident dense matches, or none.

    Never the whole catalogue "by relevance": a query such as どうしたらいい or a typo of nothing
    gets an honest empty page unless the embeddings find something clearly about it.
    """
    confident = {pk: score for pk, score in scores.items() if score[1] >= min_cosine}
    return dense_matches(confident, threshold=threshold, limit=limit)


def fuse(lexical, dense, query_language, languages, k=RRF_K):
    """[(id, fused score)] best first, for every practice in either ranking (fuse_arrays)."""
    ids, scores = fuse_arrays(lexical, dense, query_language, languages, k=k)
    return list(zip(ids.tolist(), scores.tolist(), strict=True))


def fuse_arrays(lexical, dense, query_language, languages, k=RRF_K):
    """(ids, fused scores) best first, for every practice in either ranking.

    `lexical` and `dense` are ids best first; `languages` maps an id of `dense` to the languages it
    is written in. A practice with no version in `query_language` takes the better of its lexical
    and dense ranks as its lexical rank. Ties go to the better lexical rank, then the lower id.
    Computed over arrays: the lexical list holds every match (tens of thousands for common words at
    100,000 practices), the dense one at most DENSE_LIMIT. Only the practices the dense list touches
    change score, so the lexical list stays in its order and they are merged into it, not sorted with it.
    """
    lexical = np.asarray(lexical, dtype=np.int64)
    n = len(lexical)
    dense_ids = np.asarray(dense, dtype=np.int64)
    at = {}
    if n and len(dense_ids):
        where = np.flatnonzero(np.isin(lexical, dense_ids))
        at = dict(zip(lexical[where].tolist(), (where + 1).tolist(), strict=True))
    # The practices the dense list touches: (score, tiebreak, id), the tiebreak their lexical rank (n + 1 if none).
    touched = []
    for by_meaning, pk in enumerate(dense, start=1):
        by_words = at.get(pk)
        if query_language not in languages.get(pk, ()):
            by_words = by_meaning if by_words is None else min(by_words, by_meaning)
        score = sum(1.0 / (k + rank) for rank in (by_words, by_meaning) if rank is not None)
        touched.append((score, at.get(pk, n + 1), pk))
    # The untouched keep their lexical order: their scores 1 / (k + rank) fall as their ranks rise.
    untouched = np.ones(n, dtype=bool)
    untouched[np.array(list(at.values()), dtype=np.int64) - 1] = False
    ranks = np.flatnonzero(untouched) + 1
    ids, scores = lexical[untouched], 1.0 / (k + ranks)
    touched.sort(key=lambda item: (-item[0], item[1], item[2]))
    new_scores = np.array([score for score, _tiebreak, _pk in touched], dtype=float)
    # Each touched practice goes after the untouched ones that sort before it: a higher score, or the
    # same score and a better lexical rank (an untouched one never has its rank, nor its id).
    place = np.searchsorted(-scores, -new_scores, side="left")
    inside = place < len(scores)
    tied = np.zeros(len(touched), dtype=bool)
    tied[inside] = (scores[place[inside]] == new_scores[inside]) & (
        ranks[place[inside]] < np.array([tiebreak for _score, tiebreak, _pk in touched], dtype=np.int64)[inside]
    )
    place = place + tied
    return (
        np.insert(ids, place, np.array([pk for _score, _tiebreak, pk in touched], dtype=np.int64)),
        np.insert(scores, place, new_scores),
    )


def hybrid(lexical, scores, query_language, languages, has_words=True, k=RRF_K, threshold=MATCH_Z, limit=DENSE_LIMIT):
    """The whole rule: which practices a query finds, in fused order, as [(id, score)].

    A query with searchable words finds its lexical matches and its dense matches; one without
    finds only confident dense matches (vague_matches). `scores` is empty for a practice not yet
    embedded, which is then found by its words alone.
    """
    if not has_words:
        return [(pk, scores[pk][0]) for pk in vague_matches(scores)]
    return fuse(lexical, dense_matches(scores, threshold, limit), query_language, languages, k=k)

