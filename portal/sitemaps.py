"""/sitemap.xml: every public page once per language, with hreflang alternates and x-default.

Wagtail's own sitemap lists each page once, in whatever language is active; Django's i18n
sitemap lists it per language with alternates, so pages are handed to Django's.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, Site

from practices.models import PracticeIndexPage, Scheme, Topic


@dataclass
class Entry:
    """A public URL: a page, a route of a routable page, or a named view."""

    page: Page | None = None
    suffix: str = ""
    url_name: str = ""
    args: tuple = ()
    lastmod: datetime | None = None


# Named views with a page of their own in each language (added by the modules that define them).
NAMED_VIEWS = ("opendata", "statistics")


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, request):
        self.request = request

    def items(self):
        site = Site.find_for_request(self.request) or Site.objects.get(is_default_site=True)
        pages = site.root_page.get_descendants(inclusive=True).live().public().order_by("path")
        entries = [Entry(page=page, lastmod=page.last_published_at) for page in pages]
        listing = PracticeIndexPage.objects.live().public().first()
        if listing is not None:
            entries += [Entry(page=listing, suffix=f"topics/{topic.slug}/") for topic in Topic.objects.all()]
            entries += [Entry(page=listing, suffix=f"schemes/{scheme.slug}/") for scheme in Scheme.objects.all()]
            entries.append(Entry(page=listing, suffix="travelled/"))
        entries += [Entry(url_name="compare", args=(topic.slug,)) for topic in Topic.objects.all()]
        for name in NAMED_VIEWS:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            entries.append(Entry(url_name=name))
        return entries

    def location(self, entry):
        if entry.page is not None:
            return entry.page.get_url_parts(self.request)[2] + entry.suffix
        return reverse(entry.url_name, args=entry.args)

    def lastmod(self, entry):
        return entry.lastmod

    # The configured public address, not the Host header a proxy or test client happened to send.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.WAGTAILADMIN_BASE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc

    def _urls(self, page, protocol, domain):
        # Django's x-default drops the language prefix; the pages themselves name the English
        # version as x-default (base.html), and a sitemap must agree with them.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            by_language = {alternate["lang_code"]: alternate for alternate in url["alternates"]}
            if "x-default" in by_language:
                by_language["x-default"]["location"] = by_language[settings.LANGUAGE_CODE]["location"]
        return urls


def sitemap(request):
    return sitemap_views.sitemap(request, {"pages": PortalSitemap(request)})
