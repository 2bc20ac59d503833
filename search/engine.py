"""Running a practice search on the configured backend, and falling back to the database when it fails.

Both engines take the same analysed terms (search/query.py) and answer the same shape: the
page of hits in order, the total, and facet counts over everything that matched.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F
from modelsearch.backends import get_search_backend
from modelsearch.query import PlainText

from practices.models import Organisation, PracticePage

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
    def __init__(self):
        self.backend = get_search_backend(database_backend_name())
        self.name = "postgresql" if "Postgres" in type(self.backend).__name__ else "sqlite"

    def filtered(self, request):
        queryset = PracticePage.objects.live()
        for facet, values in request.filters.items():
            if facet == "organisation":
                queryset = queryset.filter(organisation__slug__in=values)
            else:
                pages = FacetValue.objects.filter(facet=facet, value__in=values).values("page_id")
                queryset = queryset.filter(pk__in=pages)
        return queryset

    def run(self, request, query):
        queryset = self.filtered(request)
        if query.terms:
            by_relevance = request.sort == "relevance"
            results = self.backend.search(
                PlainText(" ".join(query.terms), operator="or"),
                queryset if by_relevance else queryset.order_by(*_date_order()),
                order_by_relevance=by_relevance,
            ).annotate_score("_score")
            page = results[request.start : request.start + request.page_size]
            hits = [(obj.pk, abs(obj._score or 0.0)) for obj in page]
            count = results.count()
            matched = results.get_queryset().order_by().values("pk")
        else:
            ids = queryset.order_by(*_date_order()).values_list("pk", flat=True)
            hits = [(pk, 0.0) for pk in ids[request.start : request.start + request.page_size]]
            count = queryset.count()
            matched = queryset.values("pk")
        return Outcome(hits=hits, count=count, facets=self.facet_counts(matched), backend=self.name)

    @staticmethod
    def facet_counts(matched):
        counts = {facet: {} for facet in FACETS}
        rows = (
            FacetValue.objects.filter(page_id__in=matched)
            .values_list("facet", "value")
            .annotate(n=Count("id"))
            .order_by("facet", "-n", "value")
        )
        for facet, value, n in rows:
            counts[facet][value] = n
        return counts


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
        backend = get_search_backend(database_backend_name())
        ids = [page.pk for page in backend.autocomplete(" ".join(terms), queryset)[:AUTOCOMPLETE_LIMIT]]
    pages = queryset.in_bulk(ids)
    return [
        {"id": pk, "title": pages[pk].text_in("title", search_request.lang)[0], "url": pages[pk].get_url()}
        for pk in ids
        if pk in pages
    ]
