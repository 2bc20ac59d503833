"""The whole collection as one download (JSONL or CSV, CONTRACT §5), and the page that explains the open data."""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from practices.models import PracticePage, Scheme, Topic
from practices.vocabulary import Language

from . import licence

FORMATS = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
# Names of topics, schemes and organisations can change without a practice being published again.
CACHE_SECONDS = 600


def collection_version():
    """Changes whenever a practice is published, unpublished or deleted."""
    published = PracticePage.objects.live().public().aggregate(count=Count("pk"), latest=Max("last_published_at"))
    latest = published["latest"].isoformat() if published["latest"] else "-"
    return f"{published['count']}:{latest}"


def export(format):
    """The exporter's output for the collection as it is now, generated once per version."""
    key = f"opendata:{format}:{collection_version()}"
    content = cache.get(key)
    if content is None:
        out = io.StringIO()
        call_command("export_practices", format=format, stdout=out)
        content = out.getvalue().encode("utf-8")
        cache.set(key, content, CACHE_SECONDS)
    return content


@require_GET
def download(request, format):
    if format not in FORMATS:
        raise Http404("No such format.")
    response = HttpResponse(export(format), content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="safer-internet-practices.{format}"'
    response["Link"] = f'<{licence.URL}>; rel="license"'
    response["Cache-Control"] = "public, max-age=600"
    return response


def open_data(request):
    """What others may build on: downloads, feeds, the API, and under which licence."""
    context = {
        "licence": {"name": licence.NAME, "url": licence.URL, "title": licence.TITLE},
        "count": PracticePage.objects.live().public().count(),
        "languages": Language.choices,
        "topics": sorted(Topic.objects.all(), key=lambda topic: topic.name_in()),
        "schemes": sorted(Scheme.objects.all(), key=lambda scheme: scheme.name_in()),
    }
    return render(request, "portal/open_data.html", context)
