"""Behaviour shared by things written in English, Japanese or both."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..vocabulary import LANGUAGE_CODES


def text_in(obj, field, lang):
    """Return (value, language) for a translated field, falling back to the other language."""
    for code in (lang, *[c for c in LANGUAGE_CODES if c != lang]):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value, code
    return "", lang


class BilingualNameMixin:
    """Named in English, Japanese or both; at least one name is required."""

    def name_in(self, lang=None):
        return text_in(self, "name", lang or get_language())[0]

    def __str__(self):
        return self.name_in() or self.slug

    def clean(self):
        super().clean()
        if not any(getattr(self, f"name_{code}", "") for code in LANGUAGE_CODES):
            raise ValidationError({"name_en": _("Give a name in English, Japanese or both.")})


class OwnLanguageCleanMixin:
    """Clean a page in the language of its own title.

    Wagtail cleans the plain `title`, which modeltranslation reads with fallback and writes in the
    active language: with the interface in English, a Japanese-only page would get its Japanese
    title copied into title_en. Cleaning in the page's own first language writes it back to itself.
    """

    def _own_language(self):
        return translation.override("en" if self.title_en else "ja")

    def full_clean(self, *args, **kwargs):
        # Errors about no language at all go to the field in the language of whoever is writing.
        self._writer_language = get_language()
        with self._own_language():
            super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        with self._own_language():
            super().minimal_clean()
