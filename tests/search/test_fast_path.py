"""The database engine's array path answers exactly what its first, dict-and-Counter path answered (issue 15).

`Reference` below is that first path, kept as it was before issue 15 (scores as dicts, filters and
facet counts by loops over ids, fusion over dicts); the test runs a few hundred generated queries
with filters, sorts and pages, lexical and hybrid, on a generated collection, through both.
"""

import random
from collections import Counter, defaultdict
from itertools import chain

import numpy as np
import pytest
from django.db import connection

from search import embeddings, fusion
from search.backends.base import hybrid_on, query_language
from search.backends.database import LIVE_NEWEST_FIRST, VENDORS, DatabaseEngine
from search.documents import FACETS
from search.forms import SearchRequest
from search.management.commands.search_benchmark import Generator
from search.models import FacetValue, IndexVersion, PracticeVector
from search.query import Query

pytestmark = pytest.mark.django_db

COLLECTION = 240
QUERIES = 300


class Reference:
    """The engine before issue 15, kept verbatim in behaviour as the test's oracle."""

    def __init__(self, connection):
        self.vendor = VENDORS[connection.vendor]
        self.with_dense_matches = 0
        with connection.cursor() as cursor:
            cursor.execute(LIVE_NEWEST_FIRST)
            rows = cursor.fetchall()
            self.newest_first = [pk for pk, _slug in rows]
            grouped = defaultdict(lambda: defaultdict(set))
            for pk, organisation in rows:
                grouped[pk]["organisation"].add(organisation)
            cursor.execute("SELECT page_id, facet, value FROM search_facetvalue")
            for pk, facet, value in cursor.fetchall():
                if pk in grouped:
                    grouped[pk][facet].add(value)
        self.values = {pk: {facet: frozenset(v) for facet, v in facets.items()} for pk, facets in grouped.items()}
        self.facet_keys = {
            pk: tuple((facet, value) for facet in FACETS for value in facets.get(facet, ()))
            for pk, facets in grouped.items()
        }

    def facet_counts(self, ids):
        counts = {facet: {} for facet in FACETS}
        for (facet, value), n in Counter(chain.from_iterable(map(self.facet_keys.__getitem__, ids))).items():
            counts[facet][value] = n
        return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for facet, c in counts.items()}

    def allowed(self, request):
        if not request.filters:
            return self.newest_first
        wanted = [(facet, set(values)) for facet, values in request.filters.items()]
        return [
            pk
            for pk in self.newest_first
            if all(self.values[pk].get(facet, frozenset()) & values for facet, values in wanted)
        ]

    def run(self, request, query):
        newest_first = self.allowed(request)
        allowed = set(newest_first)
        total, matched = defaultdict(float), defaultdict(int)
        for clause in query.clauses:
            pks, scores = self.vendor.scores(clause.alternatives)
            for pk, score in zip(pks.tolist(), scores.tolist(), strict=True):
                if pk in allowed:
                    total[pk] += score
                    matched[pk] += 1
        total = {pk: query.coordinated(score, matched[pk]) for pk, score in total.items()}
        if hybrid_on(query):
            total = self.fused(query, total, allowed)
            ranked = list(total)
        else:
            ranked = sorted(total, key=lambda pk: (total[pk], pk), reverse=True)
        if not query.clauses and not hybrid_on(query):
            hits = newest_first
        elif request.sort == "relevance":
            hits = ranked
        else:
            hits = [pk for pk in newest_first if pk in total]
        page = [(pk, total.get(pk, 0.0)) for pk in hits[request.start : request.start + request.page_size]]
        return page, len(hits), self.facet_counts(hits)

    def fused(self, query, lexical_scores, allowed):
        lexical = sorted(lexical_scores, key=lambda pk: (lexical_scores[pk], pk), reverse=True)
        scores = embeddings.VectorIndex.current().scores(embeddings.embed_query(query.text), floor=fusion.MATCH_Z)
        scores = {pk: score for pk, score in scores.items() if pk in allowed}
        self.with_dense_matches += bool(fusion.dense_matches(scores))
        languages = {pk: self.values[pk].get("language", ()) for pk in {*lexical, *scores}}
        has_words = bool(query.clauses)
        if not has_words:
            return dict((pk, scores[pk][0]) for pk in fusion.vague_matches(scores))
        return dict(self.fuse(lexical, fusion.dense_matches(scores), query_language(query), languages))

    @staticmethod
    def fuse(lexical, dense, query_language, languages, k=fusion.RRF_K):
        lexical_rank = {pk: rank for rank, pk in enumerate(lexical, start=1)}
        dense_rank = {pk: rank for rank, pk in enumerate(dense, start=1)}
        fused = {}
        for pk in {**lexical_rank, **dense_rank}:
            by_words, by_meaning = lexical_rank.get(pk), dense_rank.get(pk)
            if by_meaning is not None and query_language not in languages.get(pk, ()):
                by_words = by_meaning if by_words is None else min(by_words, by_meaning)
            fused[pk] = sum(1.0 / (k + rank) for rank in (by_words, by_meaning) if rank is not None)
        return sorted(fused.items(), key=lambda item: (-item[1], lexical_rank.get(item[0], len(lexical) + 1), item[0]))


@pytest.fixture
def collection(vocabulary, import_lines):
    """Generated bilingual practices (the benchmark's), each language version with a random unit vector."""
    generator = Generator(seed=15)
    records = [generator.practice(number) for number in range(COLLECTION)]
    for record in records[::30]:
        record.update(organisation=None, slug=f"loose-{record['slug']}")  # practices of no organisation
    import_lines(*records)
    vectors, rng = [], np.random.default_rng(15)
    for page_id, language in [(pk, code) for pk, codes in _languages_by_page() for code in codes]:
        vector = rng.standard_normal(embeddings.dimensions()).astype(np.float32)
        vector /= np.linalg.norm(vector)
        vectors.append(
            PracticeVector(
                page_id=page_id, language=language, model=embeddings.model_name(), digest="generated",
                vector=vector.astype(embeddings.STORED_DTYPE).tobytes(),
            )
        )
    PracticeVector.objects.bulk_create(vectors)
    IndexVersion.bump()
    return generator


def _languages_by_page():
    languages = defaultdict(list)
    for pk, code in FacetValue.objects.filter(facet="language").order_by("page_id", "value").values_list("page_id", "value"):
        languages[pk].append(code)
    return sorted(languages.items())


def requests(generator):
    """Generated queries with a spread of filters, sorts and pages; some empty, some without searchable words."""
    chooser = random.Random(15)
    texts = [*generator.queries(QUERIES - 12), "", "", "どうしたらいい", "the and of", *generator.queries(8)]
    facets = _facet_values()
    for number, q in enumerate(texts):
        filters = {}
        if number % 3 == 1:
            facet = chooser.choice(sorted(facets))
            filters[facet] = chooser.sample(facets[facet], min(len(facets[facet]), chooser.choice([1, 2])))
        if number % 7 == 2:
            filters["language"] = [chooser.choice(["en", "ja"])]
        if number % 11 == 5:
            filters["organisation"] = [f"synthetic-ngo-{chooser.randrange(150)}"]
        yield SearchRequest(
            q=q,
            filters=filters,
            sort="newest" if number % 4 == 3 else "relevance",
            page=1 + number % 3,
            page_size=chooser.choice([5, 20]),
        )


def _facet_values():
    facets = defaultdict(set)
    for facet, value in FacetValue.objects.values_list("facet", "value"):
        facets[facet].add(value)
    return {facet: sorted(values) for facet, values in facets.items()}


def test_the_array_path_answers_exactly_as_the_first_path(collection, settings):
    reference, engine = Reference(connection), DatabaseEngine()
    for hybrid in (False, True):
        settings.SEARCH_HYBRID = hybrid
        compared = 0
        for request in requests(collection):
            query = Query.parse(request.q)
            page, count, facets = reference.run(request, query)
            outcome = engine.run(request, query)
            assert outcome.hits == page, (hybrid, request)
            assert outcome.count == count, (hybrid, request)
            assert [(facet, list(values.items())) for facet, values in outcome.facets.items()] == [
                (facet, list(values.items())) for facet, values in facets.items()
            ], (hybrid, request)
            compared += 1
        assert compared == QUERIES
    # The dense part took part: most hybrid queries had dense matches to fuse.
    assert reference.with_dense_matches > QUERIES / 2


def test_fusion_merges_as_the_first_path_sorted():
    """fuse_arrays merges the practices the dense list touches into the lexical order; the first path sorted all.

    Small id ranges make the hard cases common: dense lists overlapping the lexical one, practices
    written only in the other language, and scores tied between a touched practice and an untouched one.
    """
    rng = random.Random(15)
    tied = 0
    for _ in range(500):
        ids = rng.sample(range(1, 400), rng.randint(0, 300))
        lexical = ids[: rng.randint(0, len(ids))]
        dense = rng.sample(range(1, 400), rng.randint(0, fusion.DENSE_LIMIT))
        languages = {pk: rng.choice([("en",), ("ja",), ("en", "ja")]) for pk in dense}
        query_language = rng.choice(["en", "ja"])
        expected = Reference.fuse(lexical, dense, query_language, languages)
        got_ids, got_scores = fusion.fuse_arrays(lexical, dense, query_language, languages)
        assert list(zip(got_ids.tolist(), got_scores.tolist(), strict=True)) == expected
        scores = [score for _pk, score in expected]
        tied += len(scores) != len(set(scores))
    assert tied > 50  # ties between touched and untouched practices were tried
