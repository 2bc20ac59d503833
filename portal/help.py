"""Whose helplines a reader sees: Japan's on /ja/, on /en/ the EU's and the member state they chose."""

from functools import cache

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from practices.vocabulary import Country

from . import helplines

COUNTRY_COOKIE = "help_country"
COOKIE_AGE = 365 * 24 * 3600


def countries():
    """The chooser's options in the reader's language, sorted; on /ja/ Japan comes first."""
    return _countries(get_language())


@cache
def _countries(language):
    # Sorted once per language and process: the list is fixed, and every page with the help block shows it.
    options = sorted(Country.choices, key=lambda choice: str(choice[1]))
    if language == "ja":
        options.sort(key=lambda choice: choice[0] != "JP")
    return [(code, str(label)) for code, label in options]


def chosen_country(request):
    code = request.COOKIES.get(COUNTRY_COOKIE, "").upper()
    return code if code in Country.values else None


def reader_region(request):
    """JP on Japanese pages; on English ones the remembered country, or None for the EU at large."""
    if get_language() == "ja":
        return "JP"
    return chosen_country(request)


def help_context(request, prominent=False, distress=False, region=None):
    region = region or reader_region(request)
    return {
        "request": request,
        "helplines": helplines.for_region(region),
        "region": region,
        "region_name": dict(countries()).get(region, ""),
        "countries": countries(),
        "show_chooser": get_language() != "ja",
        "prominent": prominent,
        "distress": distress,
        "next": request.get_full_path(),
    }


def help_page(request):
    """Every helpline for a country; with ?country= it remembers the choice and goes back to `next`."""
    if "country" not in request.GET:
        context = help_context(request, prominent=True)
        return render(request, "portal/help.html", context)
    code = request.GET["country"].strip().upper()
    if code and code not in Country.values:
        context = help_context(request, prominent=True)
        context["error"] = _("We do not know the country “%(code)s”. Choose one from the list.") % {"code": code[:20]}
        return render(request, "portal/help.html", context, status=400)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = request.path
    response = HttpResponseRedirect(target + "#get-help")
    if code:
        response.set_cookie(COUNTRY_COOKIE, code, max_age=COOKIE_AGE, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(COUNTRY_COOKIE)
    return response
