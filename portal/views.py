from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.static import serve as static_serve

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
    search = search_health() if database == "ok" else {"backend": "database", "status": "error"}
    return JsonResponse({"database": database, "search": search}, status=200 if database == "ok" else 503)


def media_rendition(request, path):
    """An image rendition from MEDIA_ROOT, cacheable by the proxy in front."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
