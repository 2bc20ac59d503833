"""What every engine shares: the shape of an answer, the errors that mean "engine down", and indexing."""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.db.models.signals import post_save
from elasticsearch import ApiError, TransportError
from modelsearch.backends import get_search_backends_with_name
from modelsearch.index import insert_or_update_object
from modelsearch.signal_handlers import post_save_signal_handler

from .. import documents as search_documents

logger = logging.getLogger(__name__)

ENGINE_ERRORS = (ApiError, TransportError)
AUTOCOMPLETE_LIMIT = 8
INDEX_CHUNK = 500
_deferred = threading.local()


@dataclass
class Outcome:
    """What an engine answers: the page of hits in order, the total, and facet counts over every match."""

    hits: list  # (page id, score) in order
    count: int
    facets: dict
    backend: str
    degraded: bool = False
    relaxed: bool = False  # found only once glossary phrases were taken word by word (Query.relaxed)
    query: object = None  # the Query that found the hits (what snippets highlight)
    took_ms: dict = field(default_factory=dict)


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


def hybrid_on(query):
    """Whether a query's dense part runs: SEARCH_HYBRID is on and the query has text (empty q lists everything)."""
    from django.conf import settings

    return getattr(settings, "SEARCH_HYBRID", True) and bool(query.text.strip())


def query_language(query):
    """The language a query is written in, which fusion needs (a practice without it cannot match the words)."""
    from ..analysis import is_japanese

    return "ja" if is_japanese(query.text) else "en"


def as_arrays(rows):
    """(ids, scores) as numpy arrays from a query's (id, score) rows."""
    pairs = np.array(rows, dtype=float).reshape(-1, 2)
    return pairs[:, 0].astype(np.int64), pairs[:, 1]
