"""The closed vocabularies of the practice data (CONTRACT §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents")
    EDUCATORS = "educators", _("Educators")
    CHILDREN = "children", _("Children")
    TEENAGERS = "teenagers", _("Teenagers")
    INDUSTRY = "industry", _("Industry")
    POLICYMAKERS = "policymakers", _("Policymakers")


class AgeGroup(models.TextChoices):
    AGE_0_5 = "0-5", _("0–5 years")
    AGE_6_9 = "6-9", _("6–9 years")
    AGE_10_12 = "10-12", _("10–12 years")
    AGE_13_15 = "13-15", _("13–15 years")
    AGE_16_17 = "16-17", _("16–17 years")


class Country(models.TextChoices):
    AT = "AT", _("Austria")
    BE = "BE", _("Belgium")
    BG = "BG", _("Bulgaria")
    HR = "HR", _("Croatia")
    CY = "CY", _("Cyprus")
    CZ = "CZ", _("Czechia")
    DK = "DK", _("Denmark")
    EE = "EE", _("Estonia")
    FI = "FI", _("Finland")
    FR = "FR", _("France")
    DE = "DE", _("Germany")
    GR = "GR", _("Greece")
    HU = "HU", _("Hungary")
    IE = "IE", _("Ireland")
    IT = "IT", _("Italy")
    LV = "LV", _("Latvia")
    LT = "LT", _("Lithuania")
    LU = "LU", _("Luxembourg")
    MT = "MT", _("Malta")
    NL = "NL", _("Netherlands")
    PL = "PL", _("Poland")
    PT = "PT", _("Portugal")
    RO = "RO", _("Romania")
    SK = "SK", _("Slovakia")
    SI = "SI", _("Slovenia")
    ES = "ES", _("Spain")
    SE = "SE", _("Sweden")
    JP = "JP", _("Japan")


class Region(models.TextChoices):
    EU = "eu", _("European Union")
    JP = "jp", _("Japan")
    GLOBAL = "global", _("Global")


class Relation(models.TextChoices):
    """How a later practice stands to an earlier one (issue 13); the values are the import format's."""

    ADAPTED_FROM = "adapted-from", _("Adapted from")
    INSPIRED_BY = "inspired-by", _("Inspired by")
    PARTNER = "partner", _("Run in partnership with")


class Language(models.TextChoices):
    EN = "en", _("English")
    JA = "ja", _("Japanese")


LANGUAGE_CODES = tuple(Language.values)


def other_language(code):
    return "ja" if code == "en" else "en"
