"""schema.org JSON-LD of a practice page (CONTRACT §3a): the practice as a CreativeWork."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from practices.models import PracticeIndexPage
from practices.vocabulary import LANGUAGE_CODES, Country, Relation

from . import licence

# What could end the <script> element or start a comment is written as a JSON escape.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def in_languages(obj, field):
    """A field in every language it is written in, as JSON-LD language-tagged values."""
    return [
        {"@language": code, "@value": value}
        for code in LANGUAGE_CODES
        if (value := getattr(obj, f"{field}_{code}", ""))
    ]


def absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def organisation(org, request):
    data = {
        "@type": "NGO",
        "name": in_languages(org, "name"),
        "address": {"@type": "PostalAddress", "addressCountry": org.country},
    }
    if org.url:
        data["sameAs"] = org.url
    page = getattr(org, "page", None)
    if page is not None and page.live:
        data["url"] = absolute(request, page.get_url(request))
    return data


def temporal_coverage(page):
    """ISO 8601 interval of the practice's run; open-ended while it runs."""
    if not page.started:
        return None
    return f"{page.started.isoformat()}/{page.ended.isoformat() if page.ended else '..'}"


def practice(page, request):
    url = absolute(request, page.get_url(request))
    listing = page.get_ancestors().type(PracticeIndexPage).first()
    listing_url = absolute(request, listing.get_url(request)) if listing else ""
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": in_languages(page, "title"),
        "description": in_languages(page, "summary"),
        "inLanguage": page.languages,
        "license": licence.URL,
        "publisher": {
            "@type": "Organization",
            "name": settings.WAGTAIL_SITE_NAME,
            "url": absolute(request, f"/{get_language()}/"),
        },
        "datePublished": page.first_published_at.isoformat() if page.first_published_at else None,
        "dateModified": page.last_published_at.isoformat() if page.last_published_at else None,
        "temporalCoverage": temporal_coverage(page),
        "sameAs": page.website or None,
        "about": [
            {"@type": "DefinedTerm", "name": in_languages(topic, "name"), "url": f"{listing_url}topics/{topic.slug}/"}
            for topic in page.topics.all()
            if listing_url
        ],
        "audience": [{"@type": "Audience", "audienceType": audience} for audience in page.audiences],
        "typicalAgeRange": ", ".join(page.age_groups) or None,
        "spatialCoverage": [
            {"@type": "Country", "identifier": code, "name": str(Country(code).label)} for code in page.countries
        ],
    }
    if page.organisation:
        data["sourceOrganization"] = data["author"] = organisation(page.organisation, request)
    # Issue 13: the published practices it was adapted from or inspired by (schema.org has no "partner of").
    data["isBasedOn"] = [
        absolute(request, row.target.get_url(request))
        for row in page.relations.all()
        if row.relation != Relation.PARTNER and row.target.live
    ]
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def script(data):
    """A <script type="application/ld+json"> element holding the data."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
