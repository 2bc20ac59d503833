"""/en/compare/<topic>/ and /ja/compare/<topic>/: a topic's EU and Japanese practices side by side (ORM only)."""

from collections import Counter
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from practices.models import PracticePage, Topic
from practices.vocabulary import AgeGroup, Audience


def countries_of(practice):
    return list(practice.countries) or ([practice.organisation.country] if practice.organisation else [])


def search_url(**filters):
    """The search page with these filters (each a list of values), in the reader's language."""
    return f"{reverse('search')}?{urlencode([(name, v) for name, values in filters.items() for v in values])}"


def side(key, title, practices, topic, lang):
    """One region's column: its practices, counts by audience and age, and the schemes it works with."""
    countries = sorted({code for p in practices for code in countries_of(p) if (code == "JP") == (key == "jp")})
    base = {"topic": [topic.slug], "country": countries}
    audiences, ages, schemes = Counter(), Counter(), Counter()
    scheme_objects = {}
    for practice in practices:
        audiences.update(practice.audiences)
        ages.update(practice.age_groups)
        for scheme in practice.schemes.all():
            schemes[scheme.pk] += 1
            scheme_objects[scheme.pk] = scheme
    return {
        "key": key,
        "title": title,
        "count": len(practices),
        "search_url": search_url(**base) if countries else None,
        "practices": [
            {"title": p.text_in("title", lang)[0], "lang": p.text_in("title", lang)[1], "url": p.get_url(),
             "organisation": p.organisation.name_in(lang) if p.organisation else ""}
            for p in practices
        ],
        "audiences": [
            {"label": label, "count": audiences[value], "url": search_url(**base, audience=[value])}
            for value, label in Audience.choices if audiences[value]
        ],
        "ages": [
            {"label": label, "count": ages[value], "url": search_url(**base, age=[value])}
            for value, label in AgeGroup.choices if ages[value]
        ],
        "schemes": [
            {"name": scheme.name_in(lang), "count": schemes[pk], "active": scheme.is_active,
             "url": search_url(**base, scheme=[scheme.slug])}
            for pk, scheme in sorted(scheme_objects.items(), key=lambda item: (-schemes[item[0]], item[1].slug))
        ],
    }


def compare(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    lang = get_language()
    practices = list(
        PracticePage.objects.live().public().filter(topics=topic)
        .select_related("organisation").prefetch_related("schemes").order_by("-first_published_at", "pk")
    )
    # A practice run in both regions appears in both columns.
    eu = [p for p in practices if any(code != "JP" for code in countries_of(p))]
    jp = [p for p in practices if "JP" in countries_of(p)]
    sides = [side("eu", _("European Union"), eu, topic, lang), side("jp", _("Japan"), jp, topic, lang)]
    return render(request, "portal/compare.html", {"topic": topic, "sides": sides, "topic_name": topic.name_in(lang)})
