"""The practice data: `from practices.models import X` finds every model here."""

from .applications import JoinApplication
from .bilingual import BilingualNameMixin, OwnLanguageCleanMixin, text_in
from .fields import PRACTICE_TEXT_FIELDS, RICH_TEXT_FEATURES, ChoiceListField
from .pages import ListingMixin, OrganisationPage, PracticeDocument, PracticeIndexPage, PracticePage, TranslationRequest
from .relations import PracticeRelation
from .snippets import Organisation, Scheme, SchemeCounterpart, Topic
from .tasks import TranslationTask, is_bilingual

__all__ = [
    "PRACTICE_TEXT_FIELDS",
    "RICH_TEXT_FEATURES",
    "BilingualNameMixin",
    "ChoiceListField",
    "JoinApplication",
    "ListingMixin",
    "Organisation",
    "OrganisationPage",
    "OwnLanguageCleanMixin",
    "PracticeDocument",
    "PracticeIndexPage",
    "PracticePage",
    "PracticeRelation",
    "Scheme",
    "SchemeCounterpart",
    "Topic",
    "TranslationRequest",
    "TranslationTask",
    "is_bilingual",
    "text_in",
]
