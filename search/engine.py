"""Running a practice search on the configured backend, and falling back to the database when it fails.

Both engines take the same analysed terms (search/query.py) and answer the same shape: the
page of hits in order, the total, and facet counts over everything that matched.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import F
from modelsearch.backends import get_search_backend

from practices.models import Organisation, PracticePage

from . import fulltext
from .analysis import fold_latin, tokenize
from .backends import ENGINE_ERRORS, FACETS
from .models import FacetValue, PendingIndexUpdate

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    hits: list  # (page id, score) in order
    count: int
    facets: dict
    backend: str
    degraded: bool = False
    took_ms: dict = field(default_factory=dict)


def database_backend_name():
    return "database" if "database" in settings.WAGTAILSEARCH_BACKENDS else "default"


def _date_order():
    return [F("started").desc(nulls_last=True), F("first_published_at").desc(nulls_last=True), "-id"]


class DatabaseEngine:
    """SQLite FTS5 or PostgreSQL full-text search over the practice text table (search/fulltext.py)."""

    def __init__(self):
        self.name = "postgresql" if connection.vendor == "postgresql" else "sqlite"

    @staticmethod
    def _candidates(request, matches=None):
        """SQL for live practices passing the filters (and matching, if given), and its params.

        Rows are (page_id, score, started, first_published_at). Joins rather than IN-subqueries,
        and a materialised match set: SQLite otherwise recomputes bm25() for every comparison
        of the sort, which took seconds at 10,000 practices.
        """
        columns = "w.id AS page_id, {score} AS score, pp.started, w.first_published_at"
        if matches:
            matches_sql, params = matches
            sql = (
                f"WITH matches AS MATERIALIZED ({matches_sql}) SELECT {columns.format(score='m.score')}"
                " FROM matches m JOIN wagtailcore_page w ON w.id = m.page_id"
            )
        else:
            sql, params = f"SELECT {columns.format(score='0.0')} FROM wagtailcore_page w", []
        sql += " JOIN practices_practicepage pp ON pp.page_ptr_id = w.id"
        conditions = ["w.live"]
        for facet, values in request.filters.items():
            marks = ", ".join(["%s"] * len(values))
            if facet == "organisation":
                conditions.append(f"pp.organisation_id IN (SELECT id FROM practices_organisation WHERE slug IN ({marks}))")
                params = [*params, *values]
            else:
                conditions.append(
                    "EXISTS (SELECT 1 FROM search_facetvalue f WHERE f.page_id = w.id"
                    f" AND f.facet = %s AND f.value IN ({marks}))"
                )
                params = [*params, facet, *values]
        return f"{sql} WHERE {' AND '.join(conditions)}", params

    def run(self, request, query):
        matches = fulltext.matches(connection.vendor, query.terms) if query.terms else None
        candidates, params = self._candidates(request, matches)
        if matches and request.sort == "relevance":
            order = "score DESC, page_id DESC"
        else:
            order = "started IS NULL, started DESC, first_published_at DESC, page_id DESC"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT page_id, score FROM ({candidates}) AS c ORDER BY {order}", params)
            ranked = cursor.fetchall()
            cursor.execute(
                f"SELECT f.facet, f.value, COUNT(*) FROM ({candidates}) AS c"
                " JOIN search_facetvalue f ON f.page_id = c.page_id GROUP BY f.facet, f.value",
                params,
            )
            rows = cursor.fetchall()
        facets = {facet: {} for facet in FACETS}
        for facet, value, n in sorted(rows, key=lambda row: (row[0], -row[2], row[1])):
            facets[facet][value] = n
        hits = ranked[request.start : request.start + request.page_size]
        return Outcome(hits=hits, count=len(ranked), facets=facets, backend=self.name)

    def autocomplete(self, request, terms):
        *words, prefix = terms
        candidates, params = self._candidates(request, fulltext.matches(connection.vendor, words, prefix=prefix))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT page_id FROM ({candidates}) AS c ORDER BY score DESC, page_id DESC LIMIT {AUTOCOMPLETE_LIMIT}",
                params,
            )
            return [row[0] for row in cursor.fetchall()]


class ElasticsearchEngine:
    name = "elasticsearch"
    # How often a process looks for index changes left over from an outage.
    REPLAY_EVERY_SECONDS = 30
    _last_replay_check = 0.0

    def __init__(self):
        from .backends import PracticeMapping

        self.backend = get_search_backend("default")
        self.index = self.backend.index_name(PracticePage)
        mapping = PracticeMapping(PracticePage)
        columns = {f.field_name: mapping.get_field_column_name(f) for f in PracticePage.get_search_fields()}
        self.columns = columns
        self.content_type = mapping.get_content_type()
        self.text_fields = [
            f"{columns[f.field_name]}^{f.boost or 1}"
            for f in PracticePage.get_searchable_search_fields()
            if f.field_name.startswith("index_")
        ]

    def _filters(self, request):
        clauses = [
            {"term": {"_django_content_type": self.content_type}},
            {"term": {self.columns["live"]: True}},
        ]
        for facet, values in request.filters.items():
            if facet == "organisation":
                ids = list(Organisation.objects.filter(slug__in=values).values_list("pk", flat=True))
                clauses.append({"terms": {self.columns["organisation"]: ids}})
            else:
                clauses.append({"terms": {self.columns[f"facet_{facet}"]: values}})
        return clauses

    def body(self, request, query):
        body = {
            "query": {"bool": {"filter": self._filters(request)}},
            "aggs": {facet: {"terms": {"field": self.columns[f"facet_{facet}"], "size": 500}} for facet in FACETS},
            "from": request.start,
            "size": request.page_size,
            "_source": False,
            "stored_fields": ["pk"],
            "track_total_hits": True,
        }
        if query.terms:
            should = [
                {"multi_match": {"query": " ".join(query.terms), "fields": self.text_fields, "type": "most_fields"}}
            ]
            should += [{"match_phrase": {"raw_ja": {"query": run, "boost": 0.5}}} for run in query.japanese_runs]
            body["query"]["bool"].update(should=should, minimum_should_match=1)
        if not query.terms or request.sort == "date":
            body["sort"] = [
                {self.columns["started"]: {"order": "desc", "missing": "_last"}},
                {self.columns["first_published_at"]: {"order": "desc", "missing": "_last"}},
                {self.columns["id"]: "desc"},
            ]
        else:
            body["sort"] = ["_score", {self.columns["id"]: "desc"}]
        return body

    def run(self, request, query):
        self.replay_if_due()
        response = self.backend.es.search(index=self.index, **self.body(request, query))
        hits = [(int(hit["fields"]["pk"][0]), hit.get("_score") or 0.0) for hit in response["hits"]["hits"]]
        facets = {
            facet: {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"][facet]["buckets"]}
            for facet in FACETS
        }
        return Outcome(
            hits=hits,
            count=response["hits"]["total"]["value"],
            facets=facets,
            backend=self.name,
            took_ms={"engine": response["took"]},
        )

    def autocomplete(self, request, terms):
        response = self.backend.es.search(
            index=self.index,
            query={
                "bool": {
                    "filter": self._filters(request),
                    "must": {"match_bool_prefix": {self.columns["index_title"]: " ".join(terms)}},
                }
            },
            size=AUTOCOMPLETE_LIMIT,
            _source=False,
            stored_fields=["pk"],
        )
        return [int(hit["fields"]["pk"][0]) for hit in response["hits"]["hits"]]

    def replay_if_due(self):
        now = time.monotonic()
        if now - ElasticsearchEngine._last_replay_check < self.REPLAY_EVERY_SECONDS:
            return
        ElasticsearchEngine._last_replay_check = now
        if PendingIndexUpdate.objects.exists():
            sent = self.backend.replay_pending()
            logger.info("Sent %d index changes left over from an Elasticsearch outage", sent)


def configured_engine():
    return ElasticsearchEngine() if settings.ELASTICSEARCH_URL else DatabaseEngine()


def run(request, query):
    """Search on the configured engine; if Elasticsearch fails, answer from the database, marked degraded."""
    engine = configured_engine()
    try:
        return engine.run(request, query)
    except ENGINE_ERRORS:
        if isinstance(engine, DatabaseEngine):
            raise
        logger.warning("Elasticsearch failed; answering from the database", exc_info=True)
        outcome = DatabaseEngine().run(request, query)
        outcome.degraded = True
        return outcome


def grouped(outcome_facets):
    """Facet counts as {facet: [(value, count), ...]} sorted by count."""
    result = defaultdict(list)
    for facet, counts in outcome_facets.items():
        result[facet] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return result


AUTOCOMPLETE_LIMIT = 8


def autocomplete_terms(text):
    """Whole words as analysed terms; the word being typed as typed, since it is only a prefix."""
    tokens = list(tokenize(text))
    if not tokens:
        return []
    last = tokens[-1]
    typed = fold_latin(text[last.start : last.end])
    return [token.terms[0] for token in tokens[:-1]] + [typed]


def autocomplete(search_request):
    """Titles of published practices whose words start as the query does, in the reader's language."""
    terms = autocomplete_terms(search_request.q)
    if not terms:
        return []
    queryset = PracticePage.objects.live()
    ids = None
    if settings.ELASTICSEARCH_URL:
        try:
            ids = ElasticsearchEngine().autocomplete(search_request, terms)
        except ENGINE_ERRORS:
            logger.warning("Elasticsearch failed; completing from the database", exc_info=True)
    if ids is None:
        ids = DatabaseEngine().autocomplete(search_request, terms)
    pages = queryset.in_bulk(ids)
    return [
        {"id": pk, "title": pages[pk].text_in("title", search_request.lang)[0], "url": pages[pk].get_url()}
        for pk in ids
        if pk in pages
    ]
