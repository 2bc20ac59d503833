"""Median server time to render the main pages with the demo content (a benchmark, not a test)."""

import statistics

from django.core.management.base import BaseCommand
from django.test import Client

from portal.setup import demo_database, request_times
from practices.models import PracticePage
from practices.page_cache import fragments


class Command(BaseCommand):
    help = "Render the home page, the practice listing, a practice, and a search, N times each; print medians."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50)

    def handle(self, repeat, **options):
        with demo_database():
            rows = self.measure(repeat)
        self.stdout.write(f"Median of {repeat} renders (Django test client, warm), demo content, 2-core machine")
        self.stdout.write("| page | median ms | p95 ms |")
        self.stdout.write("| --- | --- | --- |")
        for name, median, p95 in rows:
            self.stdout.write(f"| {name} | {median:.1f} | {p95:.1f} |")

    def measure(self, repeat):
        client = Client()
        practice = PracticePage.objects.live().filter(title_ja__gt="", title_en__gt="").first()
        pages = {
            "home (ja)": "/ja/",
            "practice listing (en)": "/en/practices/",
            "practice page (en)": practice.get_url(),
            "practice page (ja)": practice.get_url().replace("/en/", "/ja/", 1),
            "search page, ネットいじめ (ja)": "/ja/search/?q=ネットいじめ",
            "scheme page with counterparts, CERO (ja)": "/ja/practices/schemes/cero/",
            "contact form (en)": f"{practice.get_url()}contact/",
            "practices that travelled (ja)": "/ja/practices/travelled/",
        }
        # Parts the same for every reader are kept once rendered (practices/page_cache.py): the first reader of
        # an address after a change pays for them, as these rows show.
        first = {f"{name}, first render": pages[name] for name in ("practice listing (en)", "practice page (en)")}
        rows = []
        for name, url in {**pages, **first}.items():
            client.get(url)  # warm
            times, _response = request_times(client, url, repeat, before=fragments().clear if name in first else None)
            rows.append((name, statistics.median(times), times[int(0.95 * (len(times) - 1))]))
        return rows
