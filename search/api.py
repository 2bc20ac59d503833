"""The JSON search API (CONTRACT §4) and title autocomplete."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import engine
from .forms import BadRequest, SearchRequest
from .query import Query
from .results import practice_results


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
        "truncated": outcome.query.truncated,
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
