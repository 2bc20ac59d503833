"""The Elasticsearch engine: index settings and mapping, atomic rebuilds, outage memory, and the query.

The index holds the terms our own analysis produced (whitespace analyzer), so a query finds
the same practices as on the database engine; raw Japanese text goes through the cluster's own
analyzer too, for recall. An alias is swapped atomically on rebuild, and changes that could not
be sent while the engine was down are remembered (PendingIndexUpdate) and replayed.
"""

import logging
import time

from django.contrib.contenttypes.models import ContentType
from modelsearch.backends import get_search_backend
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8Index,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
)
from modelsearch.backends.elasticsearchbase import ElasticsearchAtomicIndexRebuilder

from practices.models import Organisation, PracticePage

from ..documents import FACETS
from ..models import PendingIndexUpdate
from .base import AUTOCOMPLETE_LIMIT, ENGINE_ERRORS, Outcome

logger = logging.getLogger(__name__)


def raw_text_analyzer(modules):
    """The best analyzer the cluster has for raw Japanese text: kuromoji, CJK bigrams, or unigrams."""
    if "analysis-kuromoji" in modules:
        return {
            "type": "custom",
            "tokenizer": "kuromoji_tokenizer",
            "filter": ["kuromoji_baseform", "cjk_width", "lowercase", "kuromoji_stemmer"],
        }
    if "analysis-common" in modules:
        return {"type": "cjk"}
    return {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}


class PracticeMapping(Elasticsearch8Mapping):
    # The integration-test distribution has no edge n-grams; autocomplete is a prefix query instead.
    edgengram_analyzer_config = {"analyzer": "standard"}

    def get_mapping(self):
        mapping = super().get_mapping()
        if hasattr(self.model, "raw_japanese_text"):
            mapping["properties"]["raw_ja"] = {"type": "text", "analyzer": "raw_ja"}
        return mapping

    def get_document(self, obj):
        document = super().get_document(obj)
        if hasattr(obj, "raw_japanese_text"):
            document["raw_ja"] = obj.raw_japanese_text()
        return document


class PracticeIndex(Elasticsearch8Index):
    def put(self):
        self.es.indices.create(index=self.name, **self.backend.index_settings())

    def exists(self):
        # modelsearch passes the name positionally, which the 8.x client refuses.
        return bool(self.es.indices.exists(index=self.name))


class AtomicAliasRebuilder(ElasticsearchAtomicIndexRebuilder):
    def finish(self):
        """Point the alias at the new index in one action, so no search sees both or neither."""
        self.index.refresh()
        es = self.index.es
        actions = [{"add": {"index": self.index.name, "alias": self.alias.name}}]
        old = [] if not self.alias.is_alias() else [i.name for i in self.alias.aliased_indices()]
        if not old and self.alias.exists():
            # A plain index still holds the alias's name: it has to go in the same step.
            actions.append({"remove_index": {"index": self.alias.name}})
        actions += [{"remove": {"index": name, "alias": self.alias.name}} for name in old if name != self.index.name]
        es.indices.update_aliases(actions=actions)
        for name in old:
            if name != self.index.name:
                es.indices.delete(index=name)


class ElasticsearchSearchBackend(Elasticsearch8SearchBackend):
    mapping_class = PracticeMapping
    index_class = PracticeIndex
    atomic_rebuilder_class = AtomicAliasRebuilder
    # Replace, not merge, modelsearch's defaults: they need the analysis-common module.
    settings = {"settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-1"}}}

    def index_settings(self):
        modules = set()
        for node in self.es.nodes.info(metric="plugins")["nodes"].values():
            modules.update(item["name"] for item in node.get("modules", []) + node.get("plugins", []))
        settings = {**self.settings["settings"], "analysis": {"analyzer": {"raw_ja": raw_text_analyzer(modules)}}}
        return {"settings": settings}

    def index_name(self, model):
        return self.get_index_for_model(model).name

    def _remember(self, objs):
        for obj in objs:
            PendingIndexUpdate.objects.get_or_create(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
                object_id=str(obj.pk),
            )

    def add(self, obj):
        try:
            super().add(obj)
        except ENGINE_ERRORS:
            self._remember([obj])
            raise

    def add_bulk(self, model, obj_list):
        try:
            super().add_bulk(model, obj_list)
        except ENGINE_ERRORS:
            self._remember(obj_list)
            raise

    def delete(self, obj):
        try:
            super().delete(obj)
        except ENGINE_ERRORS:
            self._remember([obj])
            raise

    def replay_pending(self, limit=1000):
        """Send the changes remembered while the engine was down; return how many were sent."""
        sent = 0
        for pending in PendingIndexUpdate.objects.select_related("content_type").order_by("pk")[:limit]:
            model = pending.content_type.model_class()
            obj = model._default_manager.filter(pk=pending.object_id).first() if model else None
            if obj is not None:
                obj = obj.get_indexed_instance() or obj
                super().add(obj)
            elif model is not None:
                stub = model(pk=pending.object_id)
                super().delete(stub)
            pending.delete()
            sent += 1
        return sent


# modelsearch looks for this name in the module a BACKEND setting names.
SearchBackend = ElasticsearchSearchBackend


class ElasticsearchEngine:
    name = "elasticsearch"
    # How often a process looks for index changes left over from an outage.
    REPLAY_EVERY_SECONDS = 30
    _last_replay_check = 0.0

    def __init__(self):
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
