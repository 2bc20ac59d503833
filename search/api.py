"""The JSON search API (CONTRACT §4) and title autocomplete."""

from collections import defaultdict

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from practices.models import PracticePage

from . import engine
from .models import FacetValue, PracticeText
from .query import BadRequest, Query, SearchRequest, highlight

# What a result card reads from a practice; the long rich-text fields stay in the database.
CARD_FIELDS = (
    "slug", "url_path", "depth", "path", "content_type", "locale", "live",
    "title_en", "title_ja", "summary_en", "summary_ja", "countries",
    "organisation__slug", "organisation__name_en", "organisation__name_ja",
)


def card(page, lang, terms=(), score=0.0, topics=None, schemes=None, summary_tokens=None):
    """A practice as result lists show it, in the reader's language where it exists.

    Result lists pass what they fetched for all their pages at once: topic and scheme slugs,
    and the summaries' stored tokens for highlighting.
    """
    title, title_lang = page.text_in("title", lang)
    summary, summary_lang = page.text_in("summary", lang)
    with translation.override(lang):
        url = page.get_url()
    organisation = page.organisation
    return {
        "id": page.pk,
        "slug": page.slug,
        "url": url,
        "title": title,
        "title_lang": title_lang,
        "summary": summary,
        "summary_lang": summary_lang,
        "snippet": highlight(summary, terms, (summary_tokens or {}).get(summary_lang)),
        "languages": page.languages,
        "organisation": {"slug": organisation.slug, "name": organisation.name_in(lang)} if organisation else None,
        "countries": list(page.countries),
        "topics": page.facet_topic() if topics is None else topics,
        "schemes": page.facet_scheme() if schemes is None else schemes,
        "score": round(float(score), 4),
    }


def practice_results(outcome, search_request, query):
    """The hits of an outcome in order; a hit unpublished since the engine indexed it is left out."""
    ids = [pk for pk, _score in outcome.hits]
    pages = PracticePage.objects.live().filter(pk__in=ids).select_related("organisation").only(*CARD_FIELDS)
    pages = pages.order_by().in_bulk()
    # Topic and scheme slugs from the facet table, in one query: prefetching whole topics and
    # schemes took four times as long.
    slugs = defaultdict(list)
    facet_values = FacetValue.objects.filter(page_id__in=ids, facet__in=("topic", "scheme")).order_by("value")
    for page_id, facet, value in facet_values.values_list("page_id", "facet", "value"):
        slugs[page_id, facet].append(value)
    stored = dict(PracticeText.objects.filter(page_id__in=ids).values_list("page_id", "summary_tokens"))
    return [
        card(pages[pk], search_request.lang, query.terms, score, slugs[pk, "topic"], slugs[pk, "scheme"], stored.get(pk))
        for pk, score in outcome.hits
        if pk in pages
    ]


def error(message, status=400):
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def search(request):
    try:
        search_request = SearchRequest.from_params(request.GET)
    except BadRequest as problem:
        return error(str(problem))
    query = Query.parse(search_request.q)
    outcome = engine.run(search_request, query)
    results = practice_results(outcome, search_request, outcome.query)
    for result in results:
        del result["title_lang"], result["summary_lang"]
        result["snippet"] = str(result["snippet"])
    payload = {
        "query": search_request.q,
        "lang": search_request.lang,
        "count": outcome.count,
        "page": search_request.page,
        "page_size": search_request.page_size,
        "backend": outcome.backend,
        "degraded": outcome.degraded,
        "relaxed": outcome.relaxed,
        "results": results,
        "facets": outcome.facets,
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


@require_GET
def autocomplete(request):
    """Titles of published practices whose words start like the query, in the reader's language."""
    try:
        search_request = SearchRequest.from_params(request.GET)
    except BadRequest as problem:
        return error(str(problem))
    suggestions = engine.autocomplete(search_request)
    return JsonResponse({"query": search_request.q, "suggestions": suggestions}, json_dumps_params={"ensure_ascii": False})
