"""Median server time to render the main pages with the demo content (a benchmark, not a test)."""

import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import override_settings, teardown_databases

from portal.setup import quiet_setup_databases
from practices.models import PracticePage


class Command(BaseCommand):
    help = "Render the home page, the practice listing, a practice, and a search, N times each; print medians."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=50)

    def handle(self, repeat, **options):
        with override_settings(ALLOWED_HOSTS=["*"], DEMO_CONTENT=True):
            old = quiet_setup_databases()
            try:
                call_command("load_demo", stdout=open("/dev/null", "w"))
                rows = self.measure(repeat)
            finally:
                teardown_databases(old, verbosity=0)
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
        }
        rows = []
        for name, url in pages.items():
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            rows.append((name, statistics.median(times), times[int(0.95 * (len(times) - 1))]))
        return rows
