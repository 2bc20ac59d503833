"""The Elasticsearch engine: index settings and mapping, atomic rebuilds, outage memory, and the query.

The index holds the terms our own analysis produced (whitespace analyzer), so a query finds
the same practices as on the database engine; raw Japanese text goes through the cluster's own
analyzer too, for recall. An alias is swapped atomically on rebuild, and changes that could not
be sent while the engine was down are remembered (PendingIndexUpdate) and replayed.
"""

import logging
import time

from django.contrib.contenttypes.models import ContentType
from elasticsearch import ApiError
from modelsearch.backends import get_search_backend, get_search_backends_with_name
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8Index,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
)
from modelsearch.backends.elasticsearchbase import ElasticsearchAtomicIndexRebuilder

from practices.models import Organisation, PracticePage

from .. import embeddings, fusion
from ..documents import FACETS
from ..models import PendingIndexUpdate
from .base import AUTOCOMPLETE_LIMIT, ENGINE_ERRORS, Outcome, hybrid_on, query_language

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
            mapping["properties"].update(embeddings.elasticsearch_mapping(embeddings.dimensions()))
        return mapping

    def get_document(self, obj):
        document = super().get_document(obj)
        if hasattr(obj, "raw_japanese_text"):
            document["raw_ja"] = obj.raw_japanese_text()
            vectors = obj.__dict__.pop(VECTORS, None)
            document.update(embeddings.elasticsearch_vectors([obj.pk]).get(obj.pk, {}) if vectors is None else vectors)
        return document


# Where PracticeIndex.add_items leaves a practice's vectors, read for a whole batch in one query.
VECTORS = "_search_vectors"


class PracticeIndex(Elasticsearch8Index):
    def put(self):
        self.es.indices.create(index=self.name, **self.backend.index_settings())

    def exists(self):
        # modelsearch passes the name positionally, which the 8.x client refuses.
        return bool(self.es.indices.exists(index=self.name))

    def add_items(self, model, items):
        if hasattr(model, "raw_japanese_text"):
            vectors = embeddings.elasticsearch_vectors(item.pk for item in items)
            for item in items:
                item.__dict__[VECTORS] = vectors.get(item.pk, {})
        super().add_items(model, items)


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

    def update_vectors(self, page_ids):
        """Put the practices' current vectors into their documents, removing those of versions gone.

        A partial update: the rest of the document is as the last indexing left it. A practice with
        no document (not live, or waiting from an outage) is skipped; replaying sends it whole.
        """
        page_ids = list(page_ids)
        vectors = embeddings.elasticsearch_vectors(page_ids)
        gone = dict.fromkeys(embeddings.VECTOR_FIELDS.values())
        index = self.index_name(PracticePage)
        actions = [
            {"_op_type": "update", "_index": index, "_id": str(pk), "doc": {**gone, **vectors.get(pk, {})}}
            for pk in page_ids
        ]
        try:
            self.bulk(self.es, actions, raise_on_error=False)
        except ENGINE_ERRORS:
            self._remember([PracticePage(pk=pk) for pk in page_ids])
            logger.warning("Elasticsearch is unavailable; the vectors of %d practices wait for it", len(page_ids))

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


def drop_indexes(es, prefix):
    """Delete every index whose name starts with `prefix` (Elasticsearch 8 deletes indexes by name only)."""
    for name in es.indices.get(index=f"{prefix}*", expand_wildcards="all"):
        es.indices.delete(index=name)


def send_vectors(page_ids):
    """Give every Elasticsearch index the practices' new vectors (the embedding worker, after embedding)."""
    for _name, backend in get_search_backends_with_name(with_auto_update=True):
        if isinstance(backend, ElasticsearchSearchBackend):
            backend.update_vectors(page_ids)


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
    # Only what an answer reads: up to RESCORE_WINDOW hits come back, and parsing their ids, index
    # names and shards took longer than the search itself.
    ANSWER = [
        "took", "hits.total.value", "hits.hits._score", "hits.hits.fields", "hits.hits.matched_queries",
        "aggregations.*.buckets.key", "aggregations.*.buckets.doc_count",
    ]

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

    def body(self, request, query, dense=None):
        """The search; with `dense` (ids of the dense matches) it finds them too, so count and facets cover both."""
        by_relevance = (bool(query.clauses) or dense is not None) and request.sort == "relevance"
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
        should = []
        if query.clauses:
            should = [self._clause(number, clause) for number, clause in enumerate(query.clauses)]
            # Raw Japanese text through the cluster's own analyzer (kuromoji in production) adds recall.
            should += [{"match_phrase": {"raw_ja": {"query": run, "boost": 0.5}}} for run in query.japanese_runs]
        if dense is not None:
            # Scoring nothing, so a positive score means a lexical match (fusion needs the lexical ranking).
            should.append({"constant_score": {"filter": {"terms": {"pk": [str(pk) for pk in dense]}}, "boost": 0}})
        if should:
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

    def dense_scores(self, request, query):
        """({practice id: (standardised score, cosine)}, {practice id: its languages}) of the dense matches.

        One kNN search per document language, whose `similarity` is the cosine where that language's
        standardised score reaches the match threshold (the vague threshold for a query with no
        searchable words); the hits' cosines are standardised as the database engines' are, from
        statistics of every stored vector (search.embeddings.language_statistics).
        """
        statistics = embeddings.language_statistics()
        if not statistics:
            return {}, {}
        vector = embeddings.embed_query(query.text)
        has_words = bool(query.clauses)
        floors = embeddings.match_cosines(statistics, vector, fusion.MATCH_Z if has_words else fusion.VAGUE_Z)
        if not has_words:
            floors = {code: max(cosine, fusion.VAGUE_COSINE) for code, cosine in floors.items()}
        filters, column = self._filters(request), self.columns["facet_language"]
        searches = []
        for code, cosine in floors.items():
            knn = embeddings.elasticsearch_knn(code, vector, filters, k=fusion.DENSE_LIMIT, min_cosine=cosine)
            search = {"knn": knn, "size": fusion.DENSE_LIMIT, "_source": False, "docvalue_fields": ["pk", column]}
            searches += [{"index": self.index}, search]
        result = self.backend.es.msearch(searches=searches)
        scores, languages = {}, {}
        for code, response in zip(floors, result["responses"], strict=True):
            if "error" in response:
                # The database answers meanwhile (engine.run). A field not in the mapping is no error: no hits.
                raise ApiError(f"kNN search failed: {response['error']}", meta=result.meta, body=response)
            hits = response["hits"]["hits"]
            cosines = [embeddings.cosine_from_score(hit["_score"]) for hit in hits]
            for hit, z, cosine in zip(hits, embeddings.standardise_with(statistics, code, vector, cosines), cosines, strict=True):
                pk = int(hit["fields"]["pk"][0])
                languages[pk] = set(hit["fields"].get(column, ()))
                if pk not in scores or z > scores[pk][0]:
                    scores[pk] = (float(z), cosine)
        return scores, languages

    def run(self, request, query):
        self.replay_if_due()
        if not hybrid_on(query):
            return self.lexical(request, query)
        started = time.perf_counter()
        scores, languages = self.dense_scores(request, query)
        dense_ms = (time.perf_counter() - started) * 1000
        has_words = bool(query.clauses)
        dense = fusion.dense_matches(scores) if has_words else fusion.vague_matches(scores)
        response = self.backend.es.search(index=self.index, filter_path=self.ANSWER, **self.body(request, query, dense=dense))
        fetched = [(int(hit["fields"]["pk"][0]), hit.get("_score") or 0.0, hit) for hit in response["hits"].get("hits", [])]
        facets = self._facets(response)
        count = response["hits"]["total"]["value"]
        if request.sort != "relevance":
            hits = [(pk, 0.0) for pk, _score, _hit in fetched]
            return Outcome(hits=hits, count=count, facets=facets, backend=self.name, took_ms={"engine": response["took"]})
        window = [(pk, self._coordinated(query, score, hit)) for pk, score, hit in fetched[: self.RESCORE_WINDOW] if score > 0]
        lexical = [pk for pk, _score in sorted(window, key=lambda item: (item[1], item[0]), reverse=True)]
        fused = fusion.hybrid(lexical, {pk: scores[pk] for pk in dense}, query_language(query), languages, has_words=has_words)
        # Past the window, the lexical matches in the engine's order (their fused score is the lexical part alone).
        placed = {pk for pk, _score in fused}
        rest = [
            (pk, 1.0 / (fusion.RRF_K + rank))
            for rank, (pk, score, _hit) in enumerate(fetched, start=1)
            if score > 0 and pk not in placed and rank > self.RESCORE_WINDOW
        ]
        ranked = fused + rest
        return Outcome(
            hits=ranked[request.start : request.start + request.page_size],
            count=count,
            facets=facets,
            backend=self.name,
            took_ms={"engine": response["took"], "dense": round(dense_ms, 1)},
        )

    @staticmethod
    def _coordinated(query, score, hit):
        clauses = sum(1 for name in hit.get("matched_queries", ()) if name.startswith("clause"))
        return query.coordinated(score, clauses) if query.clauses else score

    def _facets(self, response):
        return {
            facet: {
                bucket["key"]: bucket["doc_count"]
                for bucket in response.get("aggregations", {}).get(facet, {}).get("buckets", [])
            }
            for facet in FACETS
        }

    def lexical(self, request, query):
        response = self.backend.es.search(index=self.index, filter_path=self.ANSWER, **self.body(request, query))
        hits = []
        for hit in response["hits"].get("hits", []):
            score = hit.get("_score") or 0.0
            hits.append((int(hit["fields"]["pk"][0]), self._coordinated(query, score, hit)))
        if query.clauses and request.sort == "relevance":
            window = sorted(hits[: self.RESCORE_WINDOW], key=lambda hit: (hit[1], hit[0]), reverse=True)
            hits = (window + hits[self.RESCORE_WINDOW :])[request.start : request.start + request.page_size]
        return Outcome(
            hits=hits,
            count=response["hits"]["total"]["value"],
            facets=self._facets(response),
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
