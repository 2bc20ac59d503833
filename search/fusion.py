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
    Computed over arrays: the lexical list holds every match (thousands for common words), the
    dense one at most DENSE_LIMIT.
    """
    lexical = np.asarray(lexical, dtype=np.int64)
    lexical_rank = np.arange(1, len(lexical) + 1)
    fused = 1.0 / (k + lexical_rank)
    at = {pk: rank for rank, pk in zip(_ranks_of(lexical, dense), dense, strict=True) if rank}
    extra_ids, extra_scores = [], []
    for by_meaning, pk in enumerate(dense, start=1):
        by_words = at.get(pk)
        if query_language not in languages.get(pk, ()):
            by_words = by_meaning if by_words is None else min(by_words, by_meaning)
        score = sum(1.0 / (k + rank) for rank in (by_words, by_meaning) if rank is not None)
        if pk in at:
            fused[at[pk] - 1] = score
        else:
            extra_ids.append(pk)
            extra_scores.append(score)
    ids = np.concatenate([lexical, np.array(extra_ids, dtype=np.int64)])
    scores = np.concatenate([fused, np.array(extra_scores, dtype=float)])
    tiebreak = np.concatenate([lexical_rank, np.full(len(extra_ids), len(lexical) + 1)])
    order = np.lexsort((ids, tiebreak, -scores))
    return ids[order], scores[order]


def _ranks_of(lexical, pks):
    """The lexical rank (from 1) of each of the ids, 0 where it is not in the lexical list."""
    if not len(pks) or not len(lexical):
        return [0] * len(pks)
    order = np.argsort(lexical, kind="stable")
    pks = np.asarray(pks, dtype=np.int64)
    where = np.minimum(np.searchsorted(lexical, pks, sorter=order), len(lexical) - 1)
    found = lexical[order[where]] == pks
    return np.where(found, order[where] + 1, 0).tolist()


def hybrid(lexical, scores, query_language, languages, has_words=True, k=RRF_K, threshold=MATCH_Z, limit=DENSE_LIMIT):
    """The whole rule: which practices a query finds, in fused order, as [(id, score)].

    A query with searchable words finds its lexical matches and its dense matches; one without
    finds only confident dense matches (vague_matches). `scores` is empty for a practice not yet
    embedded, which is then found by its words alone.
    """
    if not has_words:
        return [(pk, scores[pk][0]) for pk in vague_matches(scores)]
    return fuse(lexical, dense_matches(scores, threshold, limit), query_language, languages, k=k)

