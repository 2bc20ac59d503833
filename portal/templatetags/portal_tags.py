from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in each interface language: [{code, name, url, current}]."""
    request = context["request"]
    path = request.get_full_path()
    current = get_language()
    return [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in (("en", "English"), ("ja", "日本語"))
        if code in dict(settings.LANGUAGES)
    ]


@register.filter
def lang_if_different(lang):
    """A lang attribute for content whose language differs from the page's, else nothing."""
    if lang in dict(settings.LANGUAGES) and lang != get_language():
        return format_html(' lang="{}"', lang)
    return ""


@register.filter
def series(items):
    """Items joined as the reader's language writes a list: "a, b" in English, "a、b" in Japanese."""
    return ("、" if get_language() == "ja" else ", ").join(str(item) for item in items)


@register.simple_tag
def latest_title(obj):
    """The latest title in the active language (Wagtail's latest_str is in whichever language its last editor used)."""
    latest = obj.get_latest_revision_as_object() if hasattr(obj, "get_latest_revision_as_object") else obj
    return str(getattr(latest, "title", "") or latest)
