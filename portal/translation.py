from modeltranslation.translator import TranslationOptions, register

from .models import Helpline, HomePage, Journey


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = ("intro",)


@register(Helpline)
class HelplineTR(TranslationOptions):
    fields = ("name", "purpose", "hours", "ages")


@register(Journey)
class JourneyTR(TranslationOptions):
    fields = ("title", "intro", "guidance")
