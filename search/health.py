from django.conf import settings
from modelsearch.backends import get_search_backend

from .backends import ENGINE_ERRORS


def search_health():
    """Which engine answers searches and whether it is well: ok, degraded (database fallback) or error."""
    if not settings.ELASTICSEARCH_URL:
        return {"backend": "database", "status": "ok"}
    try:
        health = get_search_backend("default").es.cluster.health(timeout="2s")
    except ENGINE_ERRORS:
        return {"backend": "elasticsearch", "status": "degraded"}
    status = "degraded" if health.get("status") == "red" else "ok"
    return {"backend": "elasticsearch", "status": status}
