"""Glosses on practice pages: glossary terms in other-language text, named in the reader's language (search/glosses.py)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from practices.models import PRACTICE_TEXT_FIELDS
from practices.vocabulary import LANGUAGE_CODES
from search import glossary
from search.glosses import gloss_html
from search.glosses import key_terms as find_key_terms

register = template.Library()


def reader_language():
    code = (get_language() or "en")[:2]
    return code if code in LANGUAGE_CODES else LANGUAGE_CODES[0]


@register.filter
def glossed(html, text_lang):
    """Rendered HTML of `text_lang`, glossed when the reader reads the other language."""
    reader = reader_language()
    if not text_lang or text_lang == reader:
        return html
    return mark_safe(gloss_html(str(html), reader, glossary.expander())[0])


@register.simple_tag
def key_terms(page):
    """The glossary terms in a practice's text, in both languages."""
    texts = [getattr(page, f"{field}_{code}", "") or "" for field in PRACTICE_TEXT_FIELDS for code in LANGUAGE_CODES]
    return find_key_terms(texts, glossary.expander())


@register.simple_tag(takes_context=True)
def translation_note(context, page, lang):
    """How the title and summary shown in `lang` came to be: None for the original, else who translated them."""
    from django.urls import translate_url

    from practices.translation_workflow import original_language

    provenance = getattr(page, "translation_provenance", None) or {}
    entries = [provenance[field] for field in (f"title_{lang}", f"summary_{lang}") if field in provenance]
    original = original_language(page)
    if not entries or not original or original == lang:
        return None
    request = context.get("request")
    return {
        "original": original,
        "by": ", ".join(dict.fromkeys(entry["by"] for entry in entries)),
        "reviewed": all(entry.get("reviewed") for entry in entries),
        "original_url": translate_url(request.path, original) if request else page.url,
    }
