"""What a search shows: result cards, and the context of the search page and of practice listings.

Views, page models and the API all build on this module; it imports no view.
"""

from dataclasses import replace

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from practices.models import PracticePage, Scheme, Topic
from practices.vocabulary import AgeGroup, Audience, Country, Language, other_language

from . import distress, engine
from .documents import FACETS, card_data
from .forms import SORTS, BadRequest, SearchRequest
from .models import PracticeText
from .query import MAX_CLAUSES, Query, highlight

# What a result card reads from a practice whose index entry has no stored card yet.
CARD_FIELDS = (
    "slug", "url_path", "depth", "path", "content_type", "locale", "live",
    "title_en", "title_ja", "summary_en", "summary_ja", "countries",
    "organisation__slug", "organisation__name_en", "organisation__name_ja",
)


def card(page, lang, terms=(), score=0.0, summary_tokens=None):
    """A practice as result lists show it, in the reader's language where it exists."""
    return stored_card(page.pk, card_data(page, [lang]), lang, terms, score, summary_tokens)


def stored_card(pk, data, lang, terms=(), score=0.0, summary_tokens=None):
    """A result card from what search.documents.card_data stored, with the query's words marked in the summary."""
    shown = data[lang]
    return {
        "id": pk,
        "slug": data["slug"],
        "url": shown["url"],
        "title": shown["title"],
        "title_lang": shown["title_lang"],
        "summary": shown["summary"],
        "summary_lang": shown["summary_lang"],
        "snippet": highlight(shown["summary"], terms, (summary_tokens or {}).get(shown["summary_lang"])),
        "languages": data["languages"],
        "organisation": shown["organisation"],
        "countries": data["countries"],
        "topics": data["topics"],
        "schemes": data["schemes"],
        "score": round(float(score), 4),
    }


def practice_results(outcome, search_request, query):
    """The hits of an outcome in order; a hit unpublished since the engine indexed it is left out.

    One query reads the stored cards of the hits; a practice indexed before cards were stored
    (until `update_index`) is read from its page.
    """
    ids = [pk for pk, _score in outcome.hits]
    rows = PracticeText.objects.filter(page_id__in=ids, page__live=True)
    # The summaries' tokens only when there are words to mark (a listing has none).
    rows = rows.values_list("page_id", "card", "summary_tokens") if query.terms else rows.values_list("page_id", "card")
    cards, tokens = {}, {}
    for pk, data, *summary_tokens in rows:
        tokens[pk] = summary_tokens[0] if summary_tokens else None
        if data is not None:
            cards[pk] = data
    if missing := [pk for pk in ids if pk not in cards]:
        pages = PracticePage.objects.live().filter(pk__in=missing).select_related("organisation").only(*CARD_FIELDS)
        cards.update((pk, card_data(page)) for pk, page in pages.order_by().in_bulk().items())
    return [
        stored_card(pk, cards[pk], search_request.lang, query.terms, score, tokens.get(pk))
        for pk, score in outcome.hits
        if pk in cards
    ]


FACET_TITLES = {
    "topic": _("Topic"),
    "scheme": _("Voluntary scheme"),
    "country": _("Country"),
    "audience": _("Audience"),
    "age": _("Age group"),
    "language": _("Written in"),
}


def _names(model, lang):
    """{slug: name in lang, or in the other language where it has none} of every topic or scheme."""
    names = model.objects.values_list("slug", f"name_{lang}", f"name_{other_language(lang)}")
    return {slug: mine or theirs or "" for slug, mine, theirs in names}


def _labels(lang):
    return {
        "topic": _names(Topic, lang),
        "scheme": _names(Scheme, lang),
        "country": dict(Country.choices),
        "audience": dict(Audience.choices),
        "age": dict(AgeGroup.choices),
        "language": dict(Language.choices),
    }


def _link(params, **changes):
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return "?" + query.urlencode()


def _own_facet_counts(search_request, query, facets, fixed):
    """Each ticked facet's counts as if it alone were unticked, so ticking one country keeps the others to tick.

    Values of one facet combine with OR and facets with AND: the other countries stay choices.
    """
    counts = dict(facets)
    for facet in search_request.filters:
        if facet in fixed:
            continue
        others = {name: values for name, values in search_request.filters.items() if name != facet}
        widened = engine.run(replace(search_request, filters=others, page=1, page_size=1), query)
        counts[facet] = widened.facets.get(facet, {})
    return counts


def search_context(request, fixed=None):
    """Run the search the request's parameters ask for; return (template context, HTTP status)."""
    lang = get_language()
    # Links keep what the reader chose; the language is in the path, fixed filters in the page.
    params = request.GET.copy()
    for name in ("lang", *(fixed or {})):
        params.pop(name, None)
    search_params = params.copy()
    search_params.setlist("lang", [lang])
    for name, values in (fixed or {}).items():
        search_params.setlist(name, values)
    context = {"q": params.get("q", ""), "fixed": fixed or {}, "facet_titles": FACET_TITLES}
    # The help block (portal's get_help tag) goes above the results when a query reads as a child in danger.
    context["distress"] = distress.reads_as_distress(context["q"])
    try:
        search_request = SearchRequest.from_params(search_params)
    except BadRequest as problem:
        context.update(error=str(problem), results=[], count=0, facet_groups=[])
        return context, 400
    query = Query.parse(search_request.q)
    outcome = engine.run(search_request, query)
    facet_counts = _own_facet_counts(search_request, query, outcome.facets, fixed or {})
    labels = _labels(lang)
    facet_groups = []
    for facet in FACETS:
        if facet in (fixed or {}):
            continue
        selected = search_request.filters.get(facet, [])
        options = [
            {"value": value, "label": labels[facet].get(value, value), "count": n, "selected": value in selected}
            for value, n in sorted(facet_counts.get(facet, {}).items(), key=lambda item: (-item[1], item[0]))
        ]
        options += [
            {"value": value, "label": labels[facet].get(value, value), "count": 0, "selected": True}
            for value in selected
            if value not in facet_counts.get(facet, {})
        ]
        if options:
            facet_groups.append({"name": facet, "title": FACET_TITLES[facet], "options": options})
    last_page = max(1, -(-outcome.count // search_request.page_size))
    active_filters = [
        {
            "label": f"{FACET_TITLES.get(facet, facet)}: {labels.get(facet, {}).get(value, value)}",
            "remove_url": _link(params, **{facet: [v for v in values if v != value]}),
        }
        for facet, values in search_request.filters.items()
        if facet not in (fixed or {})
        for value in values
    ]
    other = other_language(lang)
    suggestions = [
        {"term": term, "lang": other}
        for concept in query.concepts
        for term in (concept.japanese if other == "ja" else concept.english)[:1]
    ]
    context.update(
        search_request=search_request,
        query=query,
        results=practice_results(outcome, search_request, outcome.query),
        count=outcome.count,
        backend=outcome.backend,
        degraded=outcome.degraded,
        relaxed=outcome.relaxed,
        truncated=outcome.query.truncated,
        max_clauses=MAX_CLAUSES,
        facet_groups=facet_groups,
        active_filters=active_filters,
        suggestions=suggestions,
        sort_links={sort: _link(params, sort=sort) for sort in SORTS},
        previous_url=_link(params, page=str(search_request.page - 1)) if search_request.page > 1 else None,
        next_url=_link(params, page=str(search_request.page + 1)) if search_request.page < last_page else None,
        last_page=last_page,
    )
    return context, 200


def listing_context(request, fixed=None):
    """The context of a practice listing (filters fixed by the page) with its HTTP status under "status"."""
    context, status = search_context(request, fixed)
    context["status"] = status
    return context
