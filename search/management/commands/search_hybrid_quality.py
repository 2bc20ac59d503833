"""Measure the hybrid search on the judged set: nDCG@10 per kind, lexical vs dense vs fused, with and without the glossary.

Lexical is the configured engine as the API runs it with SEARCH_HYBRID off; hybrid is the same engine
with it on (on Elasticsearch: kNN in the index, fusion in the application); dense is the sentence
embeddings alone (standardised scores, search/embeddings.py). The database is DATABASE_URL's vendor
(SQLite or PostgreSQL); --elasticsearch measures Elasticsearch.
"""

import pickle
from collections import defaultdict
from unittest import mock

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings, teardown_databases

from portal.setup import quiet_setup_databases

from .search_quality import KINDS, RELEVANCE, K, ndcg, read_queries

MODES = ("lexical", "dense", "hybrid", "hybrid, no glossary")
# Deep enough that fusion sees every lexical match in the relevance set (120 practices).
LEXICAL_DEPTH = 100


def evidence(queries):
    """{query id: (query language, has searchable words, lexical ids, dense scores, the engine's hybrid ids)}."""
    from search import embeddings, engine
    from search.analysis import is_japanese
    from search.forms import SearchRequest
    from search.query import Query

    index = embeddings.VectorIndex.current()
    found = {}
    for item in queries:
        lang = "ja" if is_japanese(item["query"]) else "en"
        query = Query.parse(item["query"])
        request = SearchRequest(q=item["query"], lang=lang, page_size=LEXICAL_DEPTH)
        with override_settings(SEARCH_HYBRID=False):
            outcome = engine.run(request, query)
        lexical = [pk for pk, _score in outcome.hits] if query.clauses else []
        hybrid = engine.run(request, query)
        assert not hybrid.degraded, "the engine failed and the database answered"
        scores = index.scores(embeddings.embed_query(item["query"]))
        found[item["id"]] = (lang, bool(query.clauses), lexical, scores, [pk for pk, _score in hybrid.hits])
    return found


def rankings(found, languages, **parameters):
    """{query id: {mode: [practice ids]}} from the evidence, with fusion's parameters (tuning) or its defaults."""
    from search import fusion

    ranked = {}
    for query_id, (lang, has_words, lexical, scores, engine_hybrid) in found.items():
        fused = fusion.hybrid(lexical, scores, lang, languages, has_words=has_words, **parameters)
        ranked[query_id] = {
            "lexical": lexical,
            "dense": [pk for pk, _score in sorted(scores.items(), key=lambda kv: -kv[1][0])],
            # The engine's own answer; with tuning parameters, fusion's offline over the same evidence.
            "hybrid": [pk for pk, _score in fused] if parameters else engine_hybrid,
        }
    return ranked


# Queries that analyse to no searchable words (issue 11): lexical search has nothing to go on.
VAGUE_QUERIES = ("どうしたらいい", "ぬるぽ", "what should I do", "help", "？？？")


def vague_answers(texts):
    """What the engine answers to each vague query."""
    from search import engine
    from search.forms import SearchRequest
    from search.query import Query

    return {text: engine.run(SearchRequest(q=text, page_size=100), Query.parse(text)).hits for text in texts}


class Command(BaseCommand):
    help = "Print nDCG@10 per query kind for lexical, dense and hybrid search (in a throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(RELEVANCE / "corpus.jsonl"))
        parser.add_argument("--queries", default=str(RELEVANCE / "queries.yaml"))
        parser.add_argument("--per-query", action="store_true", help="Also print every query's scores.")
        parser.add_argument("--dump", metavar="FILE", help="Also save the rankings fusion works from (for tuning).")
        parser.add_argument("--elasticsearch", metavar="URL", help="Measure on Elasticsearch at URL instead of the database.")

    def handle(self, corpus, queries, per_query=False, dump=None, elasticsearch=None, **options):
        from django.conf import settings

        judged = read_queries(queries)
        overrides = {}
        if elasticsearch:
            backends = {
                "default": {"BACKEND": "search.backends", "URLS": [elasticsearch], "INDEX_PREFIX": "sipe_hybrid_quality_"},
                "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
            }
            overrides = {"ELASTICSEARCH_URL": elasticsearch, "WAGTAILSEARCH_BACKENDS": backends}
        with override_settings(**overrides):
            old_config = quiet_setup_databases()
            try:
                backend = self.stage(corpus, elasticsearch)
                from practices.models import PracticePage
                from search import glossary

                slugs = dict(PracticePage.objects.values_list("pk", "slug"))
                languages = {page.pk: set(page.languages) for page in PracticePage.objects.live().specific()}
                with_glossary = evidence(judged)
                # An empty expander rather than deleting entries: the same database, only the bridge gone.
                with mock.patch.object(glossary, "expander", return_value=glossary.Expander(())):
                    without_glossary = evidence(judged)
                vague = {text: len(hits) for text, hits in vague_answers(VAGUE_QUERIES).items()}
            finally:
                if elasticsearch:
                    self.drop_indexes()
                teardown_databases(old_config, verbosity=0)
        self.stdout.write(f"backend: {backend}; database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        if dump:
            with open(dump, "wb") as file:
                pickle.dump({"queries": judged, "slugs": slugs, "languages": languages,
                             "with": with_glossary, "without": without_glossary}, file)
        found = rankings(with_glossary, languages)
        for query_id, modes in rankings(without_glossary, languages).items():
            found[query_id]["hybrid, no glossary"] = modes["hybrid"]
        rows = []
        for item in judged:
            scores = {mode: ndcg([slugs[pk] for pk in found[item["id"]][mode]], item["relevant"]) for mode in MODES}
            rows.append((item, scores))
            if per_query:
                figures = " ".join(f"{scores[mode]:.2f}" for mode in MODES)
                self.stdout.write(f"{item['id']:14} {item['kind']:14} {figures}  {item['query']}")
        self.stdout.write(self.table(rows))
        self.stdout.write("Queries with no searchable words (hybrid results): " + ", ".join(f"{q} {n}" for q, n in vague.items()))

    def stage(self, corpus, elasticsearch):
        """Import the corpus and embed it as the worker does (vectors into Elasticsearch too); return the engine's name."""
        from practices.models import PracticePage
        from search import embeddings, engine
        from search.backends.elasticsearch import send_vectors

        quiet = open("/dev/null", "w")
        call_command("setup_portal", stdout=quiet)
        if elasticsearch:
            call_command("update_index", backend_name="default", stdout=quiet)
        call_command("import_practices", corpus, skip_invalid=True, create_vocabulary=True, stdout=quiet, stderr=self.stderr)
        pages = list(PracticePage.objects.live().specific().prefetch_related("topics", "schemes"))
        for page in pages:
            embeddings.embed_practice(page)
        send_vectors([page.pk for page in pages])
        if elasticsearch:
            from modelsearch.backends import get_search_backend

            get_search_backend("default").refresh_indexes()
        return engine.configured_engine().name

    @staticmethod
    def drop_indexes():
        from django.conf import settings
        from modelsearch.backends import get_search_backend

        from search.backends.elasticsearch import drop_indexes

        drop_indexes(get_search_backend("default").es, settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"])

    @staticmethod
    def table(rows):
        by_kind = defaultdict(list)
        for item, scores in rows:
            by_kind[item["kind"]].append(scores)
        lines = [
            f"| kind | queries | {' | '.join(MODES)} |",
            "| --- | --- |" + " --- |" * len(MODES),
        ]
        groups = [(kind, by_kind[kind]) for kind in [*KINDS, *sorted(set(by_kind) - set(KINDS))] if kind in by_kind]
        for kind, group in [*groups, ("all", [scores for _item, scores in rows])]:
            means = " | ".join(f"{sum(s[mode] for s in group) / len(group):.3f}" for mode in MODES)
            lines.append(f"| {kind} | {len(group)} | {means} |")
        return f"nDCG@{K}\n" + "\n".join(lines)
