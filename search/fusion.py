"""Fusing a search's lexical and dense rankings, the same way on every backend (pure: no database).

The lexical engine ranks practices by the query's words (with the glossary); the embeddings rank
them by meaning (search/embeddings.py), with scores standardised within each document language.
Reciprocal-rank fusion adds 1 / (k + rank) from each list. Plain fusion lets practices written in
the query's language, present in both lists, crowd out those written only in the other language,
which cannot match the words; so a practice with no version in the query's language takes its
dense rank as its lexical rank when that is better (docs/search.md, "Hybrid").
"""

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
    """[(id, fused score)] best first, for every practice in either ranking.

    `lexical` and `dense` are ids best first; `languages` maps an id to the languages it is
    written in. A practice with no version in `query_language` takes the better of its lexical
    and dense ranks as its lexical rank.
    """
    lexical_rank = {pk: rank for rank, pk in enumerate(lexical, start=1)}
    dense_rank = {pk: rank for rank, pk in enumerate(dense, start=1)}
    fused = {}
    for pk in {**lexical_rank, **dense_rank}:
        by_words, by_meaning = lexical_rank.get(pk), dense_rank.get(pk)
        if by_meaning is not None and query_language not in languages.get(pk, ()):
            by_words = by_meaning if by_words is None else min(by_words, by_meaning)
        fused[pk] = sum(1.0 / (k + rank) for rank in (by_words, by_meaning) if rank is not None)
    return sorted(fused.items(), key=lambda item: (-item[1], lexical_rank.get(item[0], len(lexical) + 1), item[0]))


def hybrid(lexical, scores, query_language, languages, has_words=True, k=RRF_K, threshold=MATCH_Z, limit=DENSE_LIMIT):
    """The whole rule: which practices a query finds, in fused order, as [(id, score)].

    A query with searchable words finds its lexical matches and its dense matches; one without
    finds only confident dense matches (vague_matches). `scores` is empty for a practice not yet
    embedded, which is then found by its words alone.
    """
    if not has_words:
        return [(pk, scores[pk][0]) for pk in vague_matches(scores)]
    return fuse(lexical, dense_matches(scores, threshold, limit), query_language, languages, k=k)

