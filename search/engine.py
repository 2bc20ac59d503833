"""The entry point to search: the configured engine, the database when Elasticsearch fails, health, autocomplete.

Both engines (search/backends/) take the same analysed terms (search/query.py) and answer the
same shape (Outcome): the page of hits in order, the total, and facet counts over every match.
"""

import logging
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation

from practices.models import PracticePage

from .analysis import as_written, tokens
from .backends.base import ENGINE_ERRORS
from .backends.database import DatabaseEngine
from .backends.elasticsearch import ElasticsearchEngine

logger = logging.getLogger(__name__)


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
