"""Running a practice search on the configured backend, and falling back to the database when it fails.

Both engines take the same analysed terms (search/query.py) and answer the same shape: the
page of hits in order, the total, and facet counts over everything that matched.
"""

import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from itertools import chain

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.utils import translation
from modelsearch.backends import get_search_backend

from practices.models import Organisation, PracticePage

from . import fulltext
from .analysis import as_written, tokens
from .backends import ENGINE_ERRORS, FACETS
from .models import IndexVersion, PendingIndexUpdate

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    hits: list  # (page id, score) in order
    count: int
    facets: dict
    backend: str
    degraded: bool = False
    relaxed: bool = False  # found only once glossary phrases were taken word by word (Query.relaxed)
    query: object = None  # the Query that found the hits (what snippets highlight)
    took_ms: dict = field(default_factory=dict)


class Snapshot:
    """What filters, sorting and facet counts need of every live practice, held in memory.

    Counting facets in SQL over a few thousand matched ids took ~100 ms at 10,000 practices;
    in memory it takes a few. Every change to the database index bumps IndexVersion
    (search/backends.py), which tells each process when to reload.
    """

    _current = None

    def __init__(self, version):
        self.version = version
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.id, o.slug FROM wagtailcore_page w JOIN practices_practicepage pp ON pp.page_ptr_id = w.id"
                " LEFT JOIN practices_organisation o ON o.id = pp.organisation_id WHERE w.live"
                " ORDER BY pp.started IS NULL, pp.started DESC, w.first_published_at DESC, w.id DESC"
            )
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

    @classmethod
    def current(cls):
        version = (connection.settings_dict["NAME"], IndexVersion.current())
        if cls._current is None or cls._current.version != version:
            cls._current = cls(version)
        return cls._current

    def facet_counts(self, ids):
        counts = {facet: {} for facet in FACETS}
        for (facet, value), n in Counter(chain.from_iterable(map(self.facet_keys.__getitem__, ids))).items():
            counts[facet][value] = n
        return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for facet, c in counts.items()}


class DatabaseEngine:
    """SQLite FTS5 or PostgreSQL full-text search over the practice text table (search/fulltext.py).

    One full-text query per clause of the query; Query.coordinated combines the clause scores.
    """

    def __init__(self):
        self.vendor = connection.vendor
        self.name = "postgresql" if self.vendor == "postgresql" else "sqlite"

    @staticmethod
    def allowed(request, snapshot):
        """Ids of the live practices that pass the request's filters, newest first."""
        if not request.filters:
            return snapshot.newest_first
        wanted = [(facet, set(values)) for facet, values in request.filters.items()]
        return [
            pk
            for pk in snapshot.newest_first
            if all(snapshot.values[pk].get(facet, frozenset()) & values for facet, values in wanted)
        ]

    def run(self, request, query):
        snapshot = Snapshot.current()
        newest_first = self.allowed(request, snapshot)
        allowed = set(newest_first)
        total, matched = defaultdict(float), defaultdict(int)
        for clause in query.clauses:
            for pk, score in fulltext.scores(clause.alternatives).items():
                if pk in allowed:
                    total[pk] += score
                    matched[pk] += 1
        total = {pk: query.coordinated(score, matched[pk]) for pk, score in total.items()}
        if not query.clauses:
            hits = newest_first
        elif request.sort == "relevance":
            hits = sorted(total, key=lambda pk: (total[pk], pk), reverse=True)
        else:
            hits = [pk for pk in newest_first if pk in total]
        page = [(pk, total.get(pk, 0.0)) for pk in hits[request.start : request.start + request.page_size]]
        return Outcome(hits=page, count=len(hits), facets=snapshot.facet_counts(hits), backend=self.name)

    def autocomplete(self, request, words, prefixes):
        allowed = set(self.allowed(request, Snapshot.current()))
        matches = fulltext.title_prefix_matches(words, prefixes)
        ranked = sorted(((score, pk) for pk, score in matches.items() if pk in allowed), reverse=True)
        return [pk for _score, pk in ranked[:AUTOCOMPLETE_LIMIT]]


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
            (columns[f.field_name], f.boost or 1)
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

    # Query.coordinated needs to know which clauses a hit matched: Elasticsearch says so for
    # named queries. The top of the ranking is re-scored with it; deeper pages keep the engine's order.
    RESCORE_WINDOW = 200

    def _clause(self, number, clause):
        """A clause matches if any alternative occurs as a phrase; matches in several fields add up."""
        return {
            "bool": {
                "_name": f"clause{number}",
                "should": [
                    {"match_phrase": {column: {"query": " ".join(phrase), "boost": boost}}}
                    for phrase in clause.alternatives
                    for column, boost in self.text_fields
                ],
            }
        }

    def body(self, request, query):
        by_relevance = bool(query.clauses) and request.sort == "relevance"
        start = 0 if by_relevance else request.start
        body = {
            "query": {"bool": {"filter": self._filters(request)}},
            "aggs": {facet: {"terms": {"field": self.columns[f"facet_{facet}"], "size": 500}} for facet in FACETS},
            "from": start,
            "size": max(self.RESCORE_WINDOW, request.start + request.page_size) if by_relevance else request.page_size,
            "_source": False,
            "docvalue_fields": ["pk"],
            "track_total_hits": True,
        }
        if query.clauses:
            should = [self._clause(number, clause) for number, clause in enumerate(query.clauses)]
            # Raw Japanese text through the cluster's own analyzer (kuromoji in production) adds recall.
            should += [{"match_phrase": {"raw_ja": {"query": run, "boost": 0.5}}} for run in query.japanese_runs]
            body["query"]["bool"].update(should=should, minimum_should_match=1)
        if by_relevance:
            body["sort"] = ["_score", {self.columns["id"]: "desc"}]
        else:
            body["sort"] = [
                {self.columns["started"]: {"order": "desc", "missing": "_last"}},
                {self.columns["first_published_at"]: {"order": "desc", "missing": "_last"}},
                {self.columns["id"]: "desc"},
            ]
        return body

    def run(self, request, query):
        self.replay_if_due()
        response = self.backend.es.search(index=self.index, **self.body(request, query))
        hits = []
        for hit in response["hits"]["hits"]:
            score = hit.get("_score") or 0.0
            if query.clauses:
                clauses = sum(1 for name in hit.get("matched_queries", ()) if name.startswith("clause"))
                score = query.coordinated(score, clauses)
            hits.append((int(hit["fields"]["pk"][0]), score))
        if query.clauses and request.sort == "relevance":
            window = sorted(hits[: self.RESCORE_WINDOW], key=lambda hit: (hit[1], hit[0]), reverse=True)
            hits = (window + hits[self.RESCORE_WINDOW :])[request.start : request.start + request.page_size]
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

    def autocomplete(self, request, words, prefixes):
        title = self.columns["index_autocomplete"]
        must = [{"match_phrase": {title: word}} for word in words]
        must.append({"bool": {"should": [{"prefix": {title: prefix}} for prefix in prefixes]}})
        response = self.backend.es.search(
            index=self.index,
            query={"bool": {"filter": self._filters(request), "must": must}},
            size=AUTOCOMPLETE_LIMIT,
            _source=False,
            docvalue_fields=["pk"],
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


def health():
    """Which engine answers searches and how it is: ok, or degraded (answering from the database)."""
    if not settings.ELASTICSEARCH_URL:
        return {"backend": "database", "status": "ok"}
    try:
        status = elasticsearch_engine().backend.es.cluster.health(timeout="2s").get("status")
    except ENGINE_ERRORS:
        return {"backend": "elasticsearch", "status": "degraded"}
    return {"backend": "elasticsearch", "status": "degraded" if status == "red" else "ok"}


@cache
def elasticsearch_engine():
    """One engine per process, so its client keeps its connections (a new one cost ~2 ms a search)."""
    return ElasticsearchEngine()


@receiver(setting_changed)
def _forget_engine(setting, **kwargs):
    if setting in ("WAGTAILSEARCH_BACKENDS", "ELASTICSEARCH_URL"):
        elasticsearch_engine.cache_clear()


def configured_engine():
    return elasticsearch_engine() if settings.ELASTICSEARCH_URL else DatabaseEngine()


def run(request, query):
    """Search on the configured engine; if Elasticsearch fails, answer from the database, marked degraded.

    A query that finds nothing is tried once more with its glossary phrases word by word.
    """
    outcome = _run_once(request, query)
    outcome.query = query
    relaxed = query.relaxed() if outcome.count == 0 and query.clauses else None
    if relaxed is not None:
        second = _run_once(request, relaxed)
        if second.count:
            second.relaxed, second.query = True, relaxed
            return second
    return outcome


def _run_once(request, query):
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


AUTOCOMPLETE_LIMIT = 8


def autocomplete_terms(text):
    """(whole words as analysed terms, prefixes for the word being typed: as typed, and as analysed)."""
    words = tokens(text)
    if not words:
        return [], []
    last = words[-1]
    typed = as_written(text[last.start : last.end])
    return [token.terms[0] for token in words[:-1]], [p for p in dict.fromkeys([typed, last.terms[0]]) if p]


def autocomplete(search_request):
    """Titles of published practices whose words start as the query does, in the reader's language."""
    words, prefixes = autocomplete_terms(search_request.q)
    if not prefixes:
        return []
    queryset = PracticePage.objects.live()
    ids = None
    if settings.ELASTICSEARCH_URL:
        try:
            ids = elasticsearch_engine().autocomplete(search_request, words, prefixes)
        except ENGINE_ERRORS:
            logger.warning("Elasticsearch failed; completing from the database", exc_info=True)
    if ids is None:
        ids = DatabaseEngine().autocomplete(search_request, words, prefixes)
    pages = queryset.in_bulk(ids)
    with translation.override(search_request.lang):
        return [
            {"id": pk, "title": pages[pk].text_in("title", search_request.lang)[0], "url": pages[pk].get_url()}
            for pk in ids
            if pk in pages
        ]
