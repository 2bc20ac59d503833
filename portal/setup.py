"""The page tree every installation needs: a home page and the practice listing under it."""

import contextlib
import io
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME = {
    "title_en": "Safer Internet Practice Exchange",
    "title_ja": "セーファーインターネット実践交流サイト",
    "intro_en": (
        "NGOs in Japan and the European Union share what works to keep children safe online. "
        "Search their practices in English or Japanese, whichever language they were written in."
    ),
    "intro_ja": (
        "日本とEUのNGOが、子どもたちのインターネットの安全を守る取り組みを共有しています。"
        "英語でも日本語でも、書かれた言語に関係なく検索できます。"
    ),
}
LISTING = {
    "title_en": "Practices",
    "title_ja": "取り組み事例",
    "intro_en": "Practices from NGOs in Japan and the EU, reviewed by moderators before they appear here.",
    "intro_ja": "日本とEUのNGOによる取り組み事例です。掲載前にモデレーターが確認しています。",
}


def site_address():
    """The Site's hostname and port from WAGTAILADMIN_BASE_URL, so sitemaps and the API link to the real address."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return address.hostname or "localhost", address.port or (443 if address.scheme == "https" else 80)


@transaction.atomic
def ensure_page_tree():
    """Create the home page, its site and the practice listing if missing; return the listing."""
    from practices.models import PracticeIndexPage

    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migrations create the locale and the root page; a flushed database lacks them.
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        # Wagtail's placeholder welcome page would hold the "home" slug and the default site.
        for placeholder in root.get_children().exact_type(Page).filter(slug="home"):
            placeholder.delete()
        home = root.add_child(instance=HomePage(slug="home", **HOME))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    hostname, port = site_address()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=HOME["title_en"])
    elif (site.root_page_id, site.hostname, site.port) != (home.pk, hostname, port):
        site.root_page, site.hostname, site.port = home, hostname, port
        site.save()
    listing = PracticeIndexPage.objects.first()
    if listing is None:
        listing = home.add_child(instance=PracticeIndexPage(slug="practices", **LISTING))
        listing.save_revision().publish()
    return listing


def quiet_setup_databases():
    """A throwaway test database for benchmarks, without the migrations' chatter on stdout."""
    from django.test.utils import setup_databases

    with contextlib.redirect_stdout(io.StringIO()):
        return setup_databases(verbosity=0, interactive=False, keepdb=False)


@contextlib.contextmanager
def demo_database():
    """A throwaway database holding the demo content, for the page benchmarks."""
    from django.core.management import call_command
    from django.test.utils import override_settings, teardown_databases

    with override_settings(ALLOWED_HOSTS=["*"], DEMO_CONTENT=True):
        old = quiet_setup_databases()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            teardown_databases(old, verbosity=0)


def request_times(client, url, repeat, before=None):
    """Server times in ms of `repeat` GETs of url, sorted; `before` runs ahead of each (e.g. to clear a cache)."""
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return sorted(times), response
