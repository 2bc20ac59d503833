"""Wagtail's search backends as this portal configures them.

The database backend (SQLite FTS5 or PostgreSQL) also keeps each practice's analysed text
(search/fulltext.py) and facet values beside its own index entries. The Elasticsearch backend
indexes the terms our own analysis produced (whitespace analyzer), swaps aliases atomically on
rebuild, and remembers the changes it could not send while the engine was down.
"""

import logging
import threading
from contextlib import contextmanager
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_save
from elasticsearch import ApiError, TransportError
from modelsearch.backends import get_search_backends_with_name
from modelsearch.backends.elasticsearch8 import (
    Elasticsearch8Index,
    Elasticsearch8Mapping,
    Elasticsearch8SearchBackend,
)
from modelsearch.backends.elasticsearchbase import ElasticsearchAtomicIndexRebuilder
from modelsearch.index import insert_or_update_object
from modelsearch.signal_handlers import post_save_signal_handler

from . import documents as search_documents
from .models import FacetValue, IndexVersion, PendingIndexUpdate, PracticeText

logger = logging.getLogger(__name__)

FACETS = ("topic", "scheme", "country", "audience", "age", "language")
ENGINE_ERRORS = (ApiError, TransportError)


INDEX_CHUNK = 500
_deferred = threading.local()


def index_objects(model, objs):
    """Add objects to every auto-updated backend in one bulk request each."""
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(model, objs)
            # Imported practices are searchable at once, not after the next periodic refresh.
            backend.refresh_indexes()
        except ENGINE_ERRORS:
            # The Elasticsearch backend has remembered them for `sync_search_index`.
            logger.warning("Search backend %r is unavailable; %d objects wait for it", name, len(objs))


def reindex(sender, instance, **kwargs):
    """Index a page again once Wagtail has published or unpublished it.

    modelsearch indexes a page from its post_save signal, which fires before the page's
    ParentalManyToMany fields (topics, schemes) are saved; by now they are.
    """
    search_documents.forget(instance)
    deferred = getattr(_deferred, "pks", None)
    if deferred is not None and type(instance) in deferred:
        deferred[type(instance)].add(instance.pk)
    else:
        insert_or_update_object(instance)


@contextmanager
def bulk_indexing(*models):
    """Within the block, saved objects of the models are indexed once, in bulk, at its end (imports)."""
    saved = {model: set() for model in models}

    def collect(sender, instance, raw=False, **kwargs):
        saved[sender].add(instance.pk)

    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(collect, sender=model, weak=False)
    _deferred.pks = saved
    try:
        yield
    finally:
        _deferred.pks = None
        for model in models:
            post_save.disconnect(collect, sender=model)
            post_save.connect(post_save_signal_handler, sender=model)
    for model, pks in saved.items():
        pks = sorted(pks)
        for start in range(0, len(pks), INDEX_CHUNK):
            chunk = pks[start : start + INDEX_CHUNK]
            objs = list(
                model.get_indexed_objects().filter(pk__in=chunk).prefetch_related(*getattr(model, "index_prefetch", ()))
            )
            if objs:
                index_objects(model, objs)


def _practices(objs):
    return [obj for obj in objs if hasattr(obj, "facet_topic")]


def sync_practices(objs):
    """Write the practices' analysed text and facet values for the database engine."""
    pages = _practices(objs)
    if not pages:
        return
    texts = [
        PracticeText(
            page_id=page.pk,
            title=page.index_title(),
            summary=page.index_summary(),
            names=page.index_names(),
            body=page.index_text(),
            autocomplete=page.index_autocomplete(),
            summary_tokens=search_documents.summary_tokens(page),
        )
        for page in pages
    ]
    facet_values = [
        FacetValue(page_id=page.pk, facet=facet, value=value)
        for page in pages
        for facet in FACETS
        for value in dict.fromkeys(getattr(page, f"facet_{facet}")())
    ]
    ids = [page.pk for page in pages]
    with transaction.atomic():
        PracticeText.objects.filter(page_id__in=ids).delete()
        PracticeText.objects.bulk_create(texts)
        FacetValue.objects.filter(page_id__in=ids).delete()
        FacetValue.objects.bulk_create(facet_values)
        IndexVersion.bump()


def forget_practices(ids=None):
    texts, values = PracticeText.objects.all(), FacetValue.objects.all()
    if ids is not None:
        texts, values = texts.filter(page_id__in=ids), values.filter(page_id__in=ids)
    texts.delete()
    values.delete()
    IndexVersion.bump()


class PracticeIndexMixin:
    """Keeps the practice text and facet tables beside modelsearch's own index entries.

    On the index, not the backend, so that `update_index` (which writes to indexes directly)
    rebuilds them too.
    """

    def add_items(self, model, objs):
        super().add_items(model, objs)
        sync_practices(objs)

    def delete_item(self, item):
        super().delete_item(item)
        forget_practices([item.pk])

    def reset(self):
        super().reset()
        forget_practices()


@cache
def _database_backend_class(vendor):
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend as base
    else:
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend as base
    index_class = type(f"Practice{base.index_class.__name__}", (PracticeIndexMixin, base.index_class), {})
    return type(f"Practice{base.__name__}", (base,), {"index_class": index_class})


def DatabaseSearchBackend(params):
    """SQLite FTS5 or PostgreSQL full-text search, whichever the default database is."""
    return _database_backend_class(connection.vendor)(params)


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


SearchBackend = ElasticsearchSearchBackend
