"""Speed of import and search at scale, with synthetic bilingual practices (a benchmark, not a test).

Generates practices from the project's vocabulary and glossary, imports them through the real
importer into a throwaway database (and Elasticsearch indexes, with --elasticsearch), then times
a fixed mix of queries through the search API and, for comparison, the engine's own query time:
the bare FTS5 match for the same terms on SQLite, Elasticsearch's `took` on Elasticsearch.

Two query mixes: "specific" (glossary terms and short questions) and "frequent" (one or two of the
words every synthetic practice is made of, so each matches most of the collection: the hard case).
With --hybrid each query is also timed hybrid, right after its lexical run: `--hybrid generated`
gives every language version a seeded random unit vector (as costly to store and score as the
model's, and quick to make at 100,000), `--hybrid model` embeds every practice with the model as
the worker does, timing it; --vector-cache keeps the model's vectors by text in a file for the next run.
"""

import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings, teardown_databases

from portal.setup import quiet_setup_databases
from practices.loaders import SCHEMES_FILE, TOPICS_FILE
from practices.vocabulary import AgeGroup, Audience, Country
from search.glossary import DATA_FILE as GLOSSARY_FILE

EN_SENTENCES = [
    "{org} runs {a} sessions on {b} for {c} in schools and libraries.",
    "The programme helps {c} understand {a} and respond to {b}.",
    "Volunteers trained in {a} visit classes to talk about {b} with {c}.",
    "A short guide explains {a}, with practical steps on {b} for {c}.",
    "Evaluation showed that {c} felt more confident about {a} after the course on {b}.",
    "Partners from industry supported the work on {a} and {b}.",
]
JA_SENTENCES = [
    "{org}は、{c}を対象に{a}と{b}について学ぶ講座を開いています。",
    "この取組では、{c}が{a}を理解し、{b}に対応できるよう支援します。",
    "研修を受けたボランティアが学校を訪れ、{a}や{b}について{c}と話し合います。",
    "{a}についての手引きを作成し、{b}への具体的な対応を{c}に紹介しています。",
    "受講後のアンケートでは、{c}の多くが{a}について自信を持てたと答えました。",
    "企業とも連携し、{a}と{b}の取組を進めています。",
]
QUESTIONS_EN = ["how can {c} deal with {a}", "{a} for {c}", "{a} and {b}", "help with {a}"]
QUESTIONS_JA = ["{c}の{a}", "{a}と{b}", "{a}について相談したい", "{c}向けの{a}"]


WORST_REPEATS = 20
# Run in a fresh process by _web_process_rss: answer the queries lexical and hybrid, print the resident memory.
WEB_PROCESS = """
import json, os
from django.test import Client
from django.test.utils import override_settings
from search.management.commands.search_benchmark import rss_mb
client = Client()
with override_settings(ALLOWED_HOSTS=["*"], RATELIMIT_SEARCH="100000000/m", DEBUG=False):
    for q in json.loads(os.environ["BENCHMARK_QUERIES"]):
        for hybrid in (False, True):
            with override_settings(SEARCH_HYBRID=hybrid):
                assert client.get("/api/search/", {"q": q}).status_code == 200, q
print(rss_mb())
"""


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mb():
    """This process's resident memory now, in MB (its peak if /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class VectorCache:
    """The model's vectors by text digest, kept in an .npz file between runs (or nowhere, without a path)."""

    def __init__(self, path, embedder):
        from search.embeddings import text_digest

        self.path, self.embedder, self.digest = path, embedder, text_digest
        self.encode_model = embedder.encode
        self.vectors, self.hits = {}, 0
        if path and Path(path).exists():
            with np.load(path) as stored:
                self.vectors = dict(zip(stored["digests"].tolist(), stored["vectors"], strict=True))

    def encode(self, texts):
        digests = [self.digest(text) for text in texts]
        missing = [text for text, digest in zip(texts, digests, strict=True) if digest not in self.vectors]
        if missing:
            for text, vector in zip(missing, self.encode_model(missing), strict=True):
                self.vectors[self.digest(text)] = vector
        self.hits += len(texts) - len(missing)
        return np.stack([self.vectors[digest] for digest in digests])

    def save(self):
        if self.path and self.vectors:
            digests = list(self.vectors)
            np.savez(self.path, digests=np.array(digests), vectors=np.stack([self.vectors[d] for d in digests]))


class Generator:
    """Deterministic synthetic practices and queries built from the project's own vocabulary."""

    def __init__(self, seed=2012):
        self.random = random.Random(seed)
        glossary = yaml.safe_load(Path(GLOSSARY_FILE).read_text(encoding="utf-8"))
        self.terms = [(entry["en"][0], entry["ja"][0]) for entry in glossary]
        self.topics = yaml.safe_load(Path(TOPICS_FILE).read_text(encoding="utf-8"))
        self.schemes = yaml.safe_load(Path(SCHEMES_FILE).read_text(encoding="utf-8"))
        self.audiences = [("parents", "保護者"), ("teachers", "教員"), ("children", "子ども"), ("teenagers", "中高生")]

    def _text(self, lang, org, sentences):
        r = self.random
        (a_en, a_ja), (b_en, b_ja) = r.sample(self.terms, 2)
        c_en, c_ja = r.choice(self.audiences)
        values = {"org": org, "a": a_en, "b": b_en, "c": c_en} if lang == "en" else {"org": org, "a": a_ja, "b": b_ja, "c": c_ja}
        return " ".join(r.choice(sentences).format(**values) for _ in range(r.randint(5, 9))), values

    def practice(self, number):
        r = self.random
        languages = r.choice([("en", "ja"), ("en",), ("ja",)])
        country = r.choice(Country.values)
        org = f"synthetic-ngo-{number % 150}"
        record = {"slug": f"synthetic-{number}", "title": {}, "summary": {}, "body": {}}
        for lang in languages:
            sentences = EN_SENTENCES if lang == "en" else JA_SENTENCES
            body, values = self._text(lang, org, sentences)
            record["title"][lang] = (
                f"{values['a'].capitalize()} and {values['b']} for {values['c']}"
                if lang == "en"
                else f"{values['c']}のための{values['a']}と{values['b']}"
            )[:250]
            record["summary"][lang] = body.split(". ")[0][:400]
            record["body"][lang] = body
        topic, scheme = r.choice(self.topics), r.choice(self.schemes)
        record.update(
            organisation={"slug": org, "name": {"en": f"Synthetic NGO {number % 150}", "ja": f"合成NGO {number % 150}"},
                          "country": country},
            countries=[country],
            topics=[{"slug": topic["slug"], "name": topic["name"]}],
            schemes=[{"slug": scheme["slug"], "name": scheme["name"]}] if r.random() < 0.3 else [],
            audiences=r.sample(Audience.values, 2),
            age_groups=r.sample(AgeGroup.values, 2),
            started=f"{r.randint(2008, 2025)}-{r.randint(1, 12):02d}-01",
        )
        return record

    def worst_queries(self):
        """The costliest queries a reader can send (500 characters, more clauses than are kept), by kind."""
        glossary = yaml.safe_load(Path(GLOSSARY_FILE).read_text(encoding="utf-8"))
        # Glossary phrases with the most names: every clause brings many alternatives in both languages.
        richest = sorted(glossary, key=lambda entry: -(len(entry["en"]) + len(entry["ja"])))
        # Words of the sentences every synthetic practice is made of: each clause matches most practices.
        common = dict.fromkeys(
            word.strip(".,").lower() for sentence in EN_SENTENCES for word in sentence.split() if "{" not in word
        )
        return {
            "common English words": " ".join(common)[:500],
            "richest glossary phrases (en)": " ".join(entry["en"][0] for entry in richest)[:500],
            "richest glossary phrases (ja)": " ".join(entry["ja"][0] for entry in richest)[:500],
        }

    def frequent_queries(self, count):
        """One- and two-word queries of the words every synthetic practice is made of: each matches most of them."""
        r = self.random
        english = sorted({word.strip(".,").lower() for sentence in EN_SENTENCES for word in sentence.split()} - {"{org}"})
        english = [word for word in english if "{" not in word and len(word) > 3]
        japanese = ["講座", "保護者", "学校", "ボランティア", "支援", "手引き", "研修", "子ども", "対応", "企業"]
        words = english + japanese + [en for en, _ja in self.audiences] + [ja for _en, ja in self.audiences]
        return [" ".join(r.sample(words, r.choice([1, 2]))) for _ in range(count)]

    def queries(self, count):
        r = self.random
        queries = []
        while len(queries) < count:
            (a_en, a_ja), (b_en, b_ja) = r.sample(self.terms, 2)
            c_en, c_ja = r.choice(self.audiences)
            if r.random() < 0.5:
                queries.append(r.choice([a_en, *QUESTIONS_EN]).format(a=a_en, b=b_en, c=c_en))
            else:
                queries.append(r.choice([a_ja, *QUESTIONS_JA]).format(a=a_ja, b=b_ja, c=c_ja))
        return queries


class Command(BaseCommand):
    help = "Benchmark import throughput and search latency with synthetic practices (prints a table)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000", help="Comma-separated corpus sizes.")
        parser.add_argument("--queries", type=int, default=200, help="Queries in each mix.")
        parser.add_argument("--elasticsearch", metavar="URL", help="Benchmark Elasticsearch at URL.")
        parser.add_argument(
            "--worst", action="store_true", help="Also time the costliest 500-character queries (issue 9; aim < 300 ms)."
        )
        parser.add_argument(
            "--hybrid",
            choices=("generated", "model"),
            help="Also time hybrid search, over generated unit vectors (as costly to score) or the model's own (slow to make).",
        )
        parser.add_argument("--vector-cache", metavar="FILE", help="With --hybrid model: reuse (and keep) vectors by text.")

    def handle(self, sizes, queries, elasticsearch=None, worst=False, hybrid=None, vector_cache=None, **options):
        self.worst, self.hybrid, self.vector_cache = worst, hybrid, vector_cache
        generator = Generator()
        mixes = {"specific": generator.queries(queries), "frequent": generator.frequent_queries(queries)}
        rows = [self.measure(generator, int(size), mixes, elasticsearch) for size in sizes.split(",")]
        backend = "Elasticsearch" if elasticsearch else {"postgresql": "PostgreSQL FTS"}.get(connection.vendor, "SQLite FTS5")
        self.stdout.write(
            f"\n{backend}; {queries} queries per mix through /api/search/ (Django test client, warm, DEBUG off),"
            f" {os.cpu_count()}-core machine; engine = "
            + ("Elasticsearch's took" if elasticsearch else "the bare full-text match of the same words, top 10")
        )
        hybrid_columns = " hybrid p50 | hybrid p95 |" if hybrid else ""
        self.stdout.write(
            f"| practices | mix | import /s | API p50 ms | API p95 ms |{hybrid_columns} engine p50 ms | p50 ratio |"
            " web process RSS MB | benchmark RSS MB |"
        )
        self.stdout.write("| --- " * (9 + 2 * bool(hybrid)) + "|")
        for row in rows:
            web = f"{row['web']:.0f}" if row["web"] else "–"  # Elasticsearch: the engine's memory is its own
            for mix, times in row["mixes"].items():
                hybrid_cells = f" {times['hybrid_p50']:.1f} | {times['hybrid_p95']:.1f} |" if hybrid else ""
                self.stdout.write(
                    f"| {row['size']:,} | {mix} | {row['rate']:.0f} | {times['p50']:.1f} | {times['p95']:.1f} |{hybrid_cells}"
                    f" {times['engine_p50']:.1f} | {times['p50'] / max(times['engine_p50'], 0.01):.1f} |"
                    f" {web} | {row['rss']:.0f} |"
                )
        if hybrid == "model":
            self.stdout.write("\n| practices | embedded /s (texts /s) |\n| --- | --- |")
            for row in rows:
                h = row["embedded"]
                rate = f"{h['rate']:.1f} ({h['texts_rate']:.1f})" if h["rate"] else f"cached ({h['cached']} texts)"
                self.stdout.write(f"| {row['size']:,} | {rate} |")
        if worst:
            self.stdout.write(f"\nWorst queries (500 characters; {WORST_REPEATS} runs each through /api/search/)")
            self.stdout.write("| practices | query | clauses kept | API p50 ms | API max ms |")
            self.stdout.write("| --- | --- | --- | --- | --- |")
            for row in rows:
                for kind, (clauses, times) in row["worst"].items():
                    self.stdout.write(
                        f"| {row['size']:,} | {kind} | {clauses} | {statistics.median(times):.1f} | {max(times):.1f} |"
                    )

    def measure(self, generator, size, mixes, elasticsearch):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            generator.random.seed(size)
            with corpus.open("w", encoding="utf-8") as out:
                for n in range(size):
                    out.write(json.dumps(generator.practice(n), ensure_ascii=False) + "\n")
            # A file, as a site's database is (the test runner's default for SQLite is in memory), which the
            # web process of _web_process_rss opens too.
            test_database = connection.settings_dict.setdefault("TEST", {})
            kept_name = test_database.get("NAME")
            if connection.vendor == "sqlite":
                test_database["NAME"] = str(Path(tmp) / "benchmark.sqlite3")
            # A benchmark client sends far more than a reader may (portal/throttle.py).
            overrides = {"ALLOWED_HOSTS": ["*"], "RATELIMIT_SEARCH": "100000000/m", "DEBUG": False}
            if elasticsearch:
                overrides.update(
                    ELASTICSEARCH_URL=elasticsearch,
                    WAGTAILSEARCH_BACKENDS={
                        "default": {"BACKEND": "search.backends", "URLS": [elasticsearch],
                                    "INDEX_PREFIX": f"sipe_benchmark_{size}_", "TIMEOUT": 30},
                        "database": {"BACKEND": "search.backends.DatabaseSearchBackend"},
                    },
                )
            with override_settings(**overrides):
                old = quiet_setup_databases()
                try:
                    return self._run(size, corpus, mixes, elasticsearch)
                finally:
                    if elasticsearch:
                        self._drop_indexes()
                    teardown_databases(old, verbosity=0)
                    test_database["NAME"] = kept_name

    def _run(self, size, corpus, mixes, elasticsearch):
        quiet = open("/dev/null", "w")
        call_command("setup_portal", stdout=quiet)
        if elasticsearch:
            call_command("update_index", backend_name="default", stdout=quiet)
        started = time.perf_counter()
        call_command("import_practices", str(corpus), stdout=quiet)
        rate = size / (time.perf_counter() - started)
        self.stderr.write(f"{size} practices: imported at {rate:.0f}/s")
        embedded = None
        if self.hybrid == "model":
            embedded = self._embed(size)
        elif self.hybrid == "generated":
            self._generated_vectors()
        client = Client()
        client.get("/api/search/", {"q": "warm up"})
        timed = {}
        for mix, query_mix in mixes.items():
            times = {"lexical": [], "hybrid": [], "engine": []}
            for q in query_mix:
                for kind in ("lexical", "hybrid") if self.hybrid else ("lexical",):
                    with override_settings(SEARCH_HYBRID=kind == "hybrid"):
                        begin = time.perf_counter()
                        response = client.get("/api/search/", {"q": q})
                        times[kind].append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200 and not response.json().get("degraded"), response.content[:300]
                times["engine"].append(self._engine_time(q, elasticsearch))
            timed[mix] = {
                "p50": statistics.median(times["lexical"]),
                "p95": percentile(times["lexical"], 95),
                "engine_p50": statistics.median(times["engine"]),
                **(
                    {"hybrid_p50": statistics.median(times["hybrid"]), "hybrid_p95": percentile(times["hybrid"], 95)}
                    if self.hybrid
                    else {}
                ),
            }
            self.stderr.write(f"{size} practices: {len(query_mix)} {mix} queries timed")
        worst = {}
        if self.worst:
            from search.query import Query

            for kind, q in Generator().worst_queries().items():
                times = []
                for _ in range(WORST_REPEATS):
                    begin = time.perf_counter()
                    response = client.get("/api/search/", {"q": q})
                    times.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200 and response.json()["truncated"], response.content[:300]
                worst[kind] = (len(Query.parse(q).clauses), times)
        web = None if elasticsearch else self._web_process_rss([q for query_mix in mixes.values() for q in query_mix[:20]])
        return {"size": size, "rate": rate, "mixes": timed, "embedded": embedded, "worst": worst, "rss": rss_mb(), "web": web}

    def _web_process_rss(self, queries):
        """Resident memory (MB) of a fresh process that has answered queries, lexical and hybrid, from this database:
        what a web worker holds (the snapshot, the vectors, the model, the kept clauses), without the import's garbage."""
        db = connection.settings_dict
        url = (
            f"sqlite:///{db['NAME']}"
            if connection.vendor == "sqlite"
            else f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        env = {**os.environ, "DATABASE_URL": url, "BENCHMARK_QUERIES": json.dumps(queries)}
        answered = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", WEB_PROCESS],
            env=env, capture_output=True, text=True, cwd=settings.BASE_DIR,
        )
        if answered.returncode:
            raise CommandError(f"the web process on {url} failed: {answered.stderr[-2000:]}")
        return float(answered.stdout.split()[-1])

    def _generated_vectors(self):
        """A seeded random unit vector per language version: as costly to store and score as the model's."""
        from search import embeddings
        from search.models import FacetValue, IndexVersion, PracticeVector

        rng = np.random.default_rng(2012)
        versions = FacetValue.objects.filter(facet="language").values_list("page_id", "value").order_by("page_id", "value")
        batch = []
        for page_id, code in versions.iterator(chunk_size=5000):
            vector = rng.standard_normal(embeddings.dimensions()).astype(np.float32)
            vector /= np.linalg.norm(vector)
            batch.append(
                PracticeVector(page_id=page_id, language=code, model=embeddings.model_name(), digest="generated",
                               vector=vector.astype(embeddings.STORED_DTYPE).tobytes())
            )
        PracticeVector.objects.bulk_create(batch, batch_size=2000)
        IndexVersion.bump()
        if settings.ELASTICSEARCH_URL:
            from modelsearch.backends import get_search_backend

            from search.backends.elasticsearch import send_vectors

            pks = sorted({page_id for page_id, _code in versions})
            for start in range(0, len(pks), 500):
                send_vectors(pks[start : start + 500])
            get_search_backend("default").refresh_indexes()

    def _embed(self, size):
        """Embed every practice with the model as the worker does, timing it."""
        from practices.models import PracticePage
        from search import embeddings
        from search.backends.elasticsearch import send_vectors

        embedder = embeddings.model()
        cache = VectorCache(self.vector_cache, embedder)
        pages = PracticePage.objects.live().order_by("pk").select_related("organisation").prefetch_related("topics", "schemes")
        started, texts = time.perf_counter(), 0
        with mock.patch.object(embedder, "encode", cache.encode):
            batch = []
            for page in pages.iterator(chunk_size=100):
                batch.append(page)
                if len(batch) == 100:
                    texts += embeddings.embed_practices(batch)
                    send_vectors([p.pk for p in batch])
                    batch = []
            if batch:
                texts += embeddings.embed_practices(batch)
                send_vectors([p.pk for p in batch])
        seconds = time.perf_counter() - started
        cache.save()
        if settings.ELASTICSEARCH_URL:
            from modelsearch.backends import get_search_backend

            get_search_backend("default").refresh_indexes()
        # Rates only when every text was encoded here, not read from the cache.
        rate = size / seconds if not cache.hits else 0
        self.stderr.write(f"{size} practices: {texts} texts embedded in {seconds:.0f} s ({cache.hits} from the cache)")
        return {"rate": rate, "texts_rate": texts / seconds if rate else 0, "cached": cache.hits}

    @staticmethod
    def _engine_time(q, elasticsearch):
        """The engine's own time for the same words: Elasticsearch's `took`, or a bare FTS5 match."""
        from search import engine
        from search.forms import SearchRequest
        from search.query import Query

        query = Query.parse(q)
        if elasticsearch:
            return engine.elasticsearch_engine().run(SearchRequest(q=q), query).took_ms["engine"]
        if connection.vendor == "postgresql":
            from search.backends.database.postgres import WEIGHTS

            begin = time.perf_counter()
            with connection.cursor() as cursor:
                # The ten best by the same ranking, as the FTS5 query below.
                cursor.execute(
                    f"SELECT page_id FROM search_practicetext, websearch_to_tsquery('simple', %s) AS q"
                    f" WHERE document @@ q ORDER BY ts_rank({WEIGHTS}, document, q) DESC LIMIT 10",
                    [" OR ".join(query.terms)],
                )
                cursor.fetchall()
            return (time.perf_counter() - begin) * 1000
        terms = " OR ".join(f'"{term}"' for term in query.terms) or '""'
        bare = sqlite3.connect(connection.settings_dict["NAME"])
        begin = time.perf_counter()
        bare.execute(
            "SELECT rowid FROM search_practicetext_fts WHERE search_practicetext_fts MATCH ?"
            " ORDER BY bm25(search_practicetext_fts) LIMIT 10",
            (terms,),
        ).fetchall()
        elapsed = (time.perf_counter() - begin) * 1000
        bare.close()
        return elapsed

    @staticmethod
    def _drop_indexes():
        from modelsearch.backends import get_search_backend

        from search.backends.elasticsearch import drop_indexes

        drop_indexes(get_search_backend("default").es, settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"])
