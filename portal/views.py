from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve as static_serve

from search.embeddings import health as hybrid_health
from search.engine import health as search_health


@never_cache
def healthz(request):
    """CONTRACT §3: 200 while pages can be served (the database answers), 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "error"
    if database != "ok":
        return JsonResponse({"database": database, "search": {"backend": "database", "status": "error"}}, status=503)
    # Glossary size and embedding backlog: a database never given the glossary searches across languages badly.
    return JsonResponse({"database": database, "search": search_health(), **hybrid_health()})


def media_rendition(request, path):
    """An image rendition from MEDIA_ROOT, cacheable by the proxy in front."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
