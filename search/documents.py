"""What the search index holds for a practice: analysed text of both language versions."""

import functools

from django.utils.html import strip_tags

from practices.vocabulary import LANGUAGE_CODES

from .analysis import analyse, digest, surfaces_and_terms, tokens

# A practice's facets: what readers filter by and what every search counts (`facet_<name>` in the index).
FACETS = ("topic", "scheme", "country", "audience", "age", "language")
# A practice's text fields, each in both languages; title and summary are plain text, the others rich text (HTML).
TEXT_FIELDS = ("title", "summary", "body", "objectives", "outcomes", "lessons", "transfer")
PLAIN_FIELDS = ("title", "summary")


MEMO = "_index_memo"


def memoised(method):
    """Remember what an index method returned on this instance; `save()` forgets it (MEMO)."""

    @functools.wraps(method)
    def wrapper(page):
        memo = page.__dict__.setdefault(MEMO, {})
        if method.__name__ not in memo:
            memo[method.__name__] = method(page)
        return memo[method.__name__]

    return wrapper


def forget(page):
    """Drop what the index methods remembered: the page's content or relations have changed."""
    page.__dict__.pop(MEMO, None)


def plain_text(value):
    # Rich text is HTML; block ends become spaces so words at their edges stay apart.
    return strip_tags(str(value or "").replace("</", " </").replace("<br", " <br"))


def _text(page, field, code):
    value = getattr(page, f"{field}_{code}", "") or ""
    return value if field in PLAIN_FIELDS else plain_text(value)


def _analyse(text, field):
    # Titles and summaries are read word by word for other fields too (autocomplete, the admin's search,
    # highlighting): their remembered Tokens serve them all. Longer text is analysed once, uncached.
    if field in PLAIN_FIELDS:
        return " ".join(term for token in tokens(text) for term in token.terms)
    return analyse(text)


def analysed_fields(page, *fields):
    """Both language versions of the given fields, analysed, in one string."""
    texts = ((_text(page, field, code), field) for field in fields for code in LANGUAGE_CODES)
    return " ".join(analysed for analysed in (_analyse(text, field) for text, field in texts) if analysed)


def summary_tokens(page):
    """The words of each language's summary, with their places and terms, for highlighting."""
    summaries = {code: getattr(page, f"summary_{code}", "") or "" for code in LANGUAGE_CODES}
    return {code: {"digest": digest(text), "tokens": tokens(text)} for code, text in summaries.items() if text}


def analysed_names(page):
    """The bilingual names of the practice's organisation, topics and schemes, analysed."""
    named = [page.organisation, *page.topics.all(), *page.schemes.all()]
    return " ".join(analyse(getattr(obj, f"name_{code}", "") or "") for obj in named for code in LANGUAGE_CODES)


def raw_text(page, code):
    """The page's text in one language, unanalysed, for engines with their own analyzers."""
    return "\n".join(_text(page, field, code) for field in TEXT_FIELDS)


def autocomplete_text(page):
    """Title words of both languages, analysed and as written, for completing what a reader types."""
    return " ".join(surfaces_and_terms(getattr(page, f"title_{code}", "") or "") for code in LANGUAGE_CODES)


def card_data(page, languages=LANGUAGE_CODES):
    """What a result card shows of a practice, in both languages: stored with its index entry (search/results.py).

    Computed when the practice is indexed, so a result page reads one row per hit instead of
    the page, its organisation, its URL in each language and its topic and scheme slugs.
    """
    from django.utils import translation

    organisation = page.organisation
    data = {
        "slug": page.slug,
        "languages": list(page.languages),
        "countries": list(page.countries),
        "topics": sorted(dict.fromkeys(page.facet_topic())),
        "schemes": sorted(dict.fromkeys(page.facet_scheme())),
    }
    for code in languages:
        title, title_lang = page.text_in("title", code)
        summary, summary_lang = page.text_in("summary", code)
        with translation.override(code):
            url = page.get_url()
        data[code] = {
            "url": url,
            "title": title,
            "title_lang": title_lang,
            "summary": summary,
            "summary_lang": summary_lang,
            "organisation": {"slug": organisation.slug, "name": organisation.name_in(code)} if organisation else None,
        }
    return data
