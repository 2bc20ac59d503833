"""Load and fault benchmark (a script, not a test): gunicorn under production settings, many clients, publishing meanwhile.

Run it with the database and Elasticsearch it should use, only on this machine, e.g.
    DATABASE_URL=postgres://portal@127.0.0.1:54330/portal_bench ELASTICSEARCH_URL=http://127.0.0.1:9250 \\
        python manage.py load_benchmark --clients 50 --seconds 60 [--stop-elasticsearch]
Requests go only to 127.0.0.1; every loop stops at its deadline.
"""

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from practices.models import OrganisationPage, PracticePage
from search.node import ElasticsearchNode, NodeError

ROOT = Path(__file__).resolve().parents[3]
SEARCHES = ["ネットいじめ", "filtering", "保護者", "cyberbullying", "スマホ", "school"]


class Command(BaseCommand):
    help = (
        "Serve with gunicorn (production settings), send a bounded mixed load from N clients, publish meanwhile; print the table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--port", type=int, default=8150)
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument("--publish-every", type=float, default=2.0, help="seconds between publishes")
        parser.add_argument("--stop-elasticsearch", action="store_true", help="stop Elasticsearch half-way, then start it again")

    def handle(self, clients, seconds, port, workers, publish_every, stop_elasticsearch, **options):
        if not settings.ELASTICSEARCH_URL or connection.vendor != "postgresql":
            raise CommandError("Set DATABASE_URL (PostgreSQL) and ELASTICSEARCH_URL: the benchmark runs the production stack.")
        self.prepare()
        server = self.start_gunicorn(port, workers)
        try:
            results, published, fault = self.run_load(port, clients, seconds, publish_every, stop_elasticsearch)
            found = self.found_in_search(port, published)
        finally:
            server.terminate()
            server.wait(timeout=30)
        self.report(results, published, found, fault, clients, seconds)

    def prepare(self):
        quiet = open(os.devnull, "w")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("setup_portal", stdout=quiet)
        if not PracticePage.objects.live().exists():
            call_command("load_demo", stdout=quiet)
        call_command("update_index", stdout=quiet)

    def start_gunicorn(self, port, workers):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "load-benchmark-only-not-a-secret-0123456789abcdef"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            # The load comes from one address: the per-client limit would answer 429 to it.
            "DJANGO_RATELIMIT_SEARCH": "100000000/m",
        }
        python = [sys.executable, *(["-S"] if sys.flags.no_site else [])]
        # What the production image does before it serves: hashed static files and the cache table.
        for task in (["collectstatic", "--noinput", "-v", "0"], ["createcachetable"]):
            subprocess.run([*python, "manage.py", *task], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        command = [
            *python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ]
        log = open(settings.VAR_DIR / "load_benchmark_gunicorn.log", "w")
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for _attempt in range(120):
            try:
                if get(port, "/healthz")[0] == 200:
                    return server
            except OSError:
                pass
            time.sleep(0.5)
        server.terminate()
        raise CommandError("gunicorn did not answer /healthz within 60 s")

    def urls(self):
        practices = [page.url_path for page in PracticePage.objects.live()[:40]]
        home = PracticePage.objects.live().first().get_site().root_page.url_path
        pages = ["/en/", "/ja/", "/en/practices/", "/ja/practices/"]
        pages += ["/en" + path[len(home) - 1 :] for path in practices] + ["/ja" + path[len(home) - 1 :] for path in practices]
        pages += [f"/{lang}/search/?q={quote(word)}" for word in SEARCHES for lang in ("en", "ja")]
        pages += [f"/api/search/?q={quote(word)}" for word in SEARCHES]
        return pages

    def run_load(self, port, clients, seconds, publish_every, stop_elasticsearch):
        urls = self.urls()
        deadline = time.monotonic() + seconds
        results, lock = [], threading.Lock()

        def client(seed):
            chooser = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    status = get(port, chooser.choice(urls), conn)[0]
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    results.append((status, (time.perf_counter() - started) * 1000))
            conn.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        published, fault = [], {}
        parent = OrganisationPage.objects.first()
        half = time.monotonic() + seconds / 2
        restarter = None
        number = 0
        while time.monotonic() < deadline:
            if stop_elasticsearch and restarter is None and time.monotonic() >= half:
                fault["stopped_at"] = round(seconds / 2)
                elasticsearch("stop")
                restarter = threading.Thread(target=lambda: fault.update(restarted=elasticsearch("start")))
                restarter.start()
            number += 1
            word = f"loadbench{int(time.time())}n{number}"
            page = PracticePage(
                title_en=f"Practice {word}",
                summary_en=f"Published during the load benchmark: {word}.",
                slug=word,
                organisation=parent.organisation,
            )
            parent.add_child(instance=page)
            page.save_revision().publish()
            published.append(word)
            time.sleep(publish_every)
        for thread in threads:
            thread.join()
        if restarter is not None:
            restarter.join()
        return results, published, fault

    def found_in_search(self, port, words):
        found = 0
        for word in words:
            status, body = get(port, f"/api/search/?q={word}")
            found += status == 200 and word.encode() in body
        return found

    def report(self, results, published, found, fault, clients, seconds):
        statuses = Counter(status for status, _ms in results)
        times = sorted(ms for _status, ms in results)
        p95 = times[int(0.95 * (len(times) - 1))] if times else 0
        server_errors = sum(count for status, count in statuses.items() if isinstance(status, int) and status >= 500)
        self.stdout.write(f"{clients} clients, {seconds} s, production settings under gunicorn, PostgreSQL + Elasticsearch")
        if fault:
            restart = "succeeded" if fault.get("restarted") else "FAILED"
            self.stdout.write(f"Elasticsearch stopped at {fault.get('stopped_at')} s; restart {restart}")
        self.stdout.write("| requests | by status | 5xx | p50 ms | p95 ms | publishes | found in search |")
        self.stdout.write("| --- | --- | --- | --- | --- | --- | --- |")
        by_status = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
        median = statistics.median(times) if times else 0
        self.stdout.write(
            f"| {len(results)} | {by_status} | {server_errors} | {median:.0f} | {p95:.0f} | {len(published)} | {found} |"
        )


def get(port, path, conn=None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    return response.status, response.read()


def elasticsearch(action):
    """Stop or start the benchmark's own Elasticsearch (`make elasticsearch`'s node on the port of ELASTICSEARCH_URL)."""
    node = ElasticsearchNode(settings.ELASTICSEARCH_URL.rsplit(":", 1)[-1].strip("/"))
    try:
        getattr(node, action)()
    except NodeError:
        return False
    return True
