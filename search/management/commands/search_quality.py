"""Measure search quality on a judged set: nDCG@10 and recall@10 per query kind.

Runs in a throwaway test database (and, for Elasticsearch, throwaway indexes), imports the
corpus with the real importer, and asks the same engine the API uses.
"""

import math
from collections import defaultdict
from pathlib import Path

import yaml
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings, teardown_databases

from portal.setup import quiet_setup_databases
from practices.loaders import read_yaml

RELEVANCE = Path(__file__).resolve().parents[2] / "data" / "relevance"
KINDS = ("en", "ja", "en-ja", "ja-en")
K = 10


def ndcg(ranked, judged, k=K):
    gains = [judged.get(slug, 0) for slug in ranked[:k]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked, judged, k=K):
    relevant = {slug for slug, grade in judged.items() if grade > 0}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def read_queries(path):
    """Judged queries (docs/data-formats.md); `relevant` may also be a plain list of slugs (grade 1)."""
    try:
        queries = read_yaml(path)
    except (OSError, yaml.YAMLError) as error:
        raise CommandError(f"{path}: {error}") from None
    if not isinstance(queries, list):
        raise CommandError(f"{path}: expected a list of queries")
    for number, query in enumerate(queries, start=1):
        if not isinstance(query, dict) or "query" not in query or "relevant" not in query:
            raise CommandError(f"{path}: query {number} needs at least `query` and `relevant`")
        if isinstance(query["relevant"], list):
            query["relevant"] = dict.fromkeys(query["relevant"], 1)
        query.setdefault("id", f"q{number}")
        query.setdefault("kind", "all")
    return queries


def evaluate(queries):
    """Run every query through the search engine; return per-query rows."""
    from practices.models import PracticePage
    from search import engine
    from search.analysis import is_japanese
    from search.forms import SearchRequest
    from search.query import Query

    rows = []
    for item in queries:
        lang = "ja" if is_japanese(item["query"]) else "en"
        request = SearchRequest(q=item["query"], lang=lang, page_size=K)
        outcome = engine.run(request, Query.parse(item["query"]))
        slugs = dict(PracticePage.objects.filter(pk__in=[pk for pk, _ in outcome.hits]).values_list("pk", "slug"))
        ranked = [slugs[pk] for pk, _ in outcome.hits if pk in slugs]
        rows.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                "query": item["query"],
                "ndcg": ndcg(ranked, item["relevant"]),
                "recall": recall(ranked, item["relevant"]),
                "backend": outcome.backend,
            }
        )
    return rows


def table(rows):
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    lines = ["| kind | queries | nDCG@10 | recall@10 |", "| --- | --- | --- | --- |"]
    for kind in [*KINDS, *sorted(set(by_kind) - set(KINDS))]:
        group = by_kind.get(kind)
        if group:
            lines.append(
                f"| {kind} | {len(group)} | {sum(r['ndcg'] for r in group) / len(group):.3f} "
                f"| {sum(r['recall'] for r in group) / len(group):.3f} |"
            )
    lines.append(
        f"| all | {len(rows)} | {sum(r['ndcg'] for r in rows) / len(rows):.3f} "
        f"| {sum(r['recall'] for r in rows) / len(rows):.3f} |"
    )
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print nDCG@10 and recall@10 per query kind for a judged query set (in a throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(RELEVANCE / "corpus.jsonl"))
        parser.add_argument("--queries", default=str(RELEVANCE / "queries.yaml"))
        parser.add_argument(
            "--elasticsearch", metavar="URL", help="Measure on Elasticsearch at URL instead of the database backend."
        )
        parser.add_argument("--per-query", action="store_true", help="Also print every query's scores.")

    def handle(self, corpus, queries, elasticsearch=None, per_query=False, **options):
        judged = read_queries(queries)
        overrides = {}
        if elasticsearch:
            from django.conf import settings

            backends = {
                "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "BACKEND": "search.backends",
                            "URLS": [elasticsearch], "INDEX_PREFIX": "sipe_quality_"},
                "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
            }
            overrides = {"ELASTICSEARCH_URL": elasticsearch, "WAGTAILSEARCH_BACKENDS": backends}
        with override_settings(**overrides):
            old_config = quiet_setup_databases()
            try:
                call_command("setup_portal", stdout=open("/dev/null", "w"))
                # Lines the importer refuses are reported and left out rather than stopping the measurement.
                # The relevance set brings one scheme of its own (carrier-filtering-jp), names and all.
                call_command(
                    "import_practices", corpus, skip_invalid=True, create_vocabulary=True, stdout=self.stdout, stderr=self.stderr
                )
                if elasticsearch:
                    call_command("update_index", backend_name="default", stdout=open("/dev/null", "w"))
                rows = evaluate(judged)
            finally:
                teardown_databases(old_config, verbosity=0)
        if per_query:
            for row in rows:
                self.stdout.write(
                    f"{row['id']:8} {row['kind']:6} nDCG {row['ndcg']:.3f} recall {row['recall']:.3f}  {row['query']}"
                )
        self.stdout.write(f"backend: {rows[0]['backend'] if rows else '-'}; corpus: {corpus}; queries: {queries}")
        self.stdout.write(table(rows))
