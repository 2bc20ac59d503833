"""The search engines, one module each: database/ (SQLite FTS5, PostgreSQL) and elasticsearch.py.

Each module indexes and queries; search/engine.py chooses between them. Settings name the
backends by these paths: `search.backends` (Elasticsearch: modelsearch takes `SearchBackend`)
and `search.backends.DatabaseSearchBackend`. The importer indexes through `bulk_indexing`.
"""

from .base import ENGINE_ERRORS, Outcome, bulk_indexing, index_objects, reindex
from .database import DatabaseSearchBackend
from .elasticsearch import SearchBackend

__all__ = ["ENGINE_ERRORS", "DatabaseSearchBackend", "Outcome", "SearchBackend", "bulk_indexing", "index_objects", "reindex"]
