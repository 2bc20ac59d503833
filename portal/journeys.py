"""Routes into the site for parents, teachers and organisations: the seed loader and the route's page."""

from pathlib import Path

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from practices.loaders import read_yaml
from practices.models import PracticeIndexPage
from search.results import listing_context

from .models import Journey

JOURNEYS_FILE = Path(__file__).parent / "data" / "journeys.yaml"
TRANSLATED = ("title", "intro", "guidance")


@transaction.atomic
def load_journeys(path=JOURNEYS_FILE):
    """Add the routes that are missing; those moderators already keep are left as they are."""
    created = 0
    for item in read_yaml(path):
        if Journey.objects.filter(slug=item["slug"]).exists():
            continue
        fields = {f"{key}_{code}": (item.get(key) or {}).get(code) or "" for key in TRANSLATED for code in ("en", "ja")}
        journey = Journey(slug=item["slug"], audiences=item["audiences"], sort_order=item.get("sort_order", 100), **fields)
        journey.full_clean()
        journey.save()
        created += 1
    return created


def journey_page(request, slug):
    """The route's guidance, help, its topics and the practices tagged for its audiences."""
    journey = get_object_or_404(Journey, slug=slug)
    context = listing_context(request, {"audience": journey.audience_list})
    topic_group = next((group for group in context["facet_groups"] if group["name"] == "topic"), None)
    context.update(
        journey=journey,
        journey_topics=topic_group["options"][:8] if topic_group else [],
        practice_index=PracticeIndexPage.objects.live().first(),
    )
    return TemplateResponse(request, "portal/journey.html", context, status=context["status"])
