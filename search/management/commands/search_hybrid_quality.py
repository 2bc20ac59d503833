"""Measure the hybrid search on the judged set: nDCG@10 per kind, lexical vs dense vs fused, with and without the glossary.

Lexical is the configured engine as the API runs it (search_quality); dense is the sentence
embeddings alone (standardised scores, search/embeddings.py); hybrid is search/fusion.py over both.
"""

import pickle
from collections import defaultdict
from unittest import mock

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import teardown_databases

from portal.setup import quiet_setup_databases

from .search_quality import KINDS, RELEVANCE, K, ndcg, read_queries

MODES = ("lexical", "dense", "hybrid", "hybrid, no glossary")
# Deep enough that fusion sees every lexical match in the relevance set (120 practices).
LEXICAL_DEPTH = 100


def evidence(queries):
    """{query id: (query language, has searchable words, lexical ids, dense scores)}: what fusion works from."""
    from search import embeddings, engine
    from search.analysis import is_japanese
    from search.query import Query, SearchRequest

    index = embeddings.VectorIndex.current()
    found = {}
    for item in queries:
        lang = "ja" if is_japanese(item["query"]) else "en"
        query = Query.parse(item["query"])
        outcome = engine.run(SearchRequest(q=item["query"], lang=lang, page_size=LEXICAL_DEPTH), query)
        lexical = [pk for pk, _score in outcome.hits] if query.clauses else []
        found[item["id"]] = (lang, bool(query.clauses), lexical, index.scores(embeddings.embed_query(item["query"])))
    return found


def rankings(found, languages, **parameters):
    """{query id: {mode: [practice ids]}} from the evidence, with fusion's parameters (tuning) or its defaults."""
    from search import fusion

    ranked = {}
    for query_id, (lang, has_words, lexical, scores) in found.items():
        fused = fusion.hybrid(lexical, scores, lang, languages, has_words=has_words, **parameters)
        ranked[query_id] = {
            "lexical": lexical,
            "dense": [pk for pk, _score in sorted(scores.items(), key=lambda kv: -kv[1][0])],
            "hybrid": [pk for pk, _score in fused],
        }
    return ranked


# Queries that analyse to no searchable words (issue 11): lexical search has nothing to go on.
VAGUE_QUERIES = ("どうしたらいい", "ぬるぽ", "what should I do", "help", "？？？")


def vague_answers(texts):
    from search import embeddings, fusion
    from search.query import Query

    index = embeddings.VectorIndex.current()
    return {
        text: fusion.hybrid([], index.scores(embeddings.embed_query(text)), "en", {}, has_words=bool(Query.parse(text).clauses))
        for text in texts
    }


class Command(BaseCommand):
    help = "Print nDCG@10 per query kind for lexical, dense and hybrid search (in a throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(RELEVANCE / "corpus.jsonl"))
        parser.add_argument("--queries", default=str(RELEVANCE / "queries.yaml"))
        parser.add_argument("--per-query", action="store_true", help="Also print every query's scores.")
        parser.add_argument("--dump", metavar="FILE", help="Also save the rankings fusion works from (for tuning).")

    def handle(self, corpus, queries, per_query=False, dump=None, **options):
        judged = read_queries(queries)
        old_config = quiet_setup_databases()
        try:
            from practices.models import PracticePage
            from search import embeddings, glossary

            call_command("setup_portal", stdout=open("/dev/null", "w"))
            call_command("import_practices", corpus, skip_invalid=True, stdout=self.stdout, stderr=self.stderr)
            for page in PracticePage.objects.live().specific().prefetch_related("topics", "schemes"):
                embeddings.embed_practice(page)
            slugs = dict(PracticePage.objects.values_list("pk", "slug"))
            languages = {page.pk: set(page.languages) for page in PracticePage.objects.live().specific()}
            with_glossary = evidence(judged)
            # An empty expander rather than deleting entries: the same database, only the bridge gone.
            with mock.patch.object(glossary, "expander", return_value=glossary.Expander(())):
                without_glossary = evidence(judged)
            vague = {text: len(hits) for text, hits in vague_answers(VAGUE_QUERIES).items()}
        finally:
            teardown_databases(old_config, verbosity=0)
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
