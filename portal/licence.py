"""The licence the portal states for its collection of practices (issue 13: CC BY 4.0)."""

from django.utils.translation import gettext_lazy as _

NAME = "CC BY 4.0"
URL = "https://creativecommons.org/licenses/by/4.0/"
TITLE = _("Creative Commons Attribution 4.0 International")
