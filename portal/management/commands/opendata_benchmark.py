"""Median server time of the open-data URLs with the demo content (a benchmark, not a test)."""

import statistics

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.test import Client

from portal.setup import demo_database, request_times

URLS = (
    "/open-data/practices.jsonl", "/open-data/practices.csv", "/en/feeds/practices/", "/ja/feeds/practices/",
    "/sitemap.xml", "/api/openapi.json", "/en/statistics/", "/ja/statistics/", "/en/compare/cyberbullying/",
)


class Command(BaseCommand):
    help = "Request each open-data URL N times (downloads also with the cache cleared each time); print medians."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, repeat, **options):
        with demo_database():
            rows = self.measure(repeat)
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
                times, response = request_times(client, url, repeat, before=cache.clear if uncached else None)
                rows.append((url + (" (generated)" if uncached else ""), statistics.median(times), len(response.content)))
        return rows
