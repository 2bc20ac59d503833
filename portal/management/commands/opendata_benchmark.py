"""Median server time of the open-data URLs with the demo content (a benchmark, not a test)."""

import statistics
import time

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import override_settings, teardown_databases

from portal.setup import quiet_setup_databases

URLS = (
    "/open-data/practices.jsonl", "/open-data/practices.csv", "/en/feeds/practices/", "/ja/feeds/practices/",
    "/sitemap.xml", "/api/openapi.json", "/en/statistics/", "/ja/statistics/", "/en/compare/cyberbullying/",
)


class Command(BaseCommand):
    help = "Request each open-data URL N times (downloads also with the cache cleared each time); print medians."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, repeat, **options):
        with override_settings(ALLOWED_HOSTS=["*"], DEMO_CONTENT=True):
            old = quiet_setup_databases()
            try:
                call_command("load_demo", stdout=open("/dev/null", "w"))
                rows = self.measure(repeat)
            finally:
                teardown_databases(old, verbosity=0)
        self.stdout.write(f"Median of {repeat} requests (Django test client), demo content")
        self.stdout.write("| URL | median ms | bytes |")
        self.stdout.write("| --- | --- | --- |")
        for url, median, size in rows:
            self.stdout.write(f"| {url} | {median:.1f} | {size:,} |")

    def measure(self, repeat):
        client = Client()
        rows = []
        for url in URLS:
            for uncached in (True, False) if url.startswith("/open-data/") else (False,):
                times = []
                for _ in range(repeat):
                    if uncached:
                        cache.clear()
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, url
                rows.append((url + (" (generated)" if uncached else ""), statistics.median(times), len(response.content)))
        return rows
