from modeltranslation.translator import TranslationOptions, register

from .models import Organisation, OrganisationPage, PracticeIndexPage, PracticePage, Scheme, SchemeCounterpart, Topic


@register(PracticePage)
class PracticePageTR(TranslationOptions):
    fields = ("summary", "body", "objectives", "outcomes", "lessons", "transfer", "image_alt")


@register(PracticeIndexPage)
class PracticeIndexPageTR(TranslationOptions):
    fields = ("intro",)


@register(OrganisationPage)
class OrganisationPageTR(TranslationOptions):
    # Nothing of its own to translate; registered so that modeltranslation handles it as a Page.
    fields = ()


@register(Topic)
class TopicTR(TranslationOptions):
    fields = ("name", "description")


@register(Scheme)
class SchemeTR(TranslationOptions):
    fields = ("name", "operator", "description")


@register(SchemeCounterpart)
class SchemeCounterpartTR(TranslationOptions):
    fields = ("note",)


@register(Organisation)
class OrganisationTR(TranslationOptions):
    fields = ("name", "description")
