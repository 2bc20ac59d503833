"""Speed of import and search at scale, with synthetic bilingual practices (a benchmark, not a test).

Generates practices from the project's vocabulary and glossary, imports them through the real
importer into a throwaway database (and Elasticsearch indexes, with --elasticsearch), then times
a fixed mix of queries through the search API and, for comparison, the engine's own query time:
the bare FTS5 match for the same terms on SQLite, Elasticsearch's `took` on Elasticsearch.
"""

import json
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
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


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


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
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--elasticsearch", metavar="URL", help="Benchmark Elasticsearch at URL.")
        parser.add_argument(
            "--worst", action="store_true", help="Also time the costliest 500-character queries (issue 9; aim < 300 ms)."
        )

    def handle(self, sizes, queries, elasticsearch=None, worst=False, **options):
        self.worst = worst
        generator = Generator()
        query_mix = generator.queries(queries)
        rows = []
        for size in [int(s) for s in sizes.split(",")]:
            rows.append(self.measure(generator, size, query_mix, elasticsearch))
        backend = "Elasticsearch" if elasticsearch else "SQLite FTS5"
        self.stdout.write(f"\n{backend}; {queries} queries through /api/search/ (Django test client, warm), 2-core machine")
        self.stdout.write("| practices | import /s | API p50 ms | API p95 ms | engine p50 ms | engine p95 ms | p50 ratio |")
        self.stdout.write("| --- | --- | --- | --- | --- | --- | --- |")
        for row in rows:
            self.stdout.write(
                f"| {row['size']:,} | {row['rate']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} "
                f"| {row['engine_p50']:.1f} | {row['engine_p95']:.1f} | {row['p50'] / max(row['engine_p50'], 0.01):.1f} |"
            )
        if worst:
            self.stdout.write(f"\nWorst queries (500 characters; {WORST_REPEATS} runs each through /api/search/)")
            self.stdout.write("| practices | query | clauses kept | API p50 ms | API max ms |")
            self.stdout.write("| --- | --- | --- | --- | --- |")
            for row in rows:
                for kind, (clauses, times) in row["worst"].items():
                    self.stdout.write(
                        f"| {row['size']:,} | {kind} | {clauses} | {statistics.median(times):.1f} | {max(times):.1f} |"
                    )

    def measure(self, generator, size, query_mix, elasticsearch):
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            generator.random.seed(size)
            corpus.write_text(
                "\n".join(json.dumps(generator.practice(n), ensure_ascii=False) for n in range(size)) + "\n",
                encoding="utf-8",
            )
            database = dict(settings.DATABASES["default"])
            if database["ENGINE"].endswith("sqlite3"):
                database["TEST"] = {"NAME": str(Path(tmp) / "benchmark.sqlite3")}
            overrides = {"DATABASES": {"default": database}, "ALLOWED_HOSTS": ["*"]}
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
                    return self._run(size, corpus, query_mix, elasticsearch)
                finally:
                    if elasticsearch:
                        self._drop_indexes()
                    teardown_databases(old, verbosity=0)

    def _run(self, size, corpus, query_mix, elasticsearch):
        quiet = open("/dev/null", "w")
        call_command("setup_portal", stdout=quiet)
        if elasticsearch:
            call_command("update_index", backend_name="default", stdout=quiet)
        started = time.perf_counter()
        call_command("import_practices", str(corpus), stdout=quiet)
        rate = size / (time.perf_counter() - started)
        client = Client()
        client.get("/api/search/", {"q": "warm up"})
        api, engine = [], []
        for q in query_mix:
            begin = time.perf_counter()
            response = client.get("/api/search/", {"q": q})
            api.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.content
            engine.append(self._engine_time(q, elasticsearch))
        self.stderr.write(f"{size} practices: imported at {rate:.0f}/s; {len(query_mix)} queries timed")
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
        return {
            "worst": worst,
            "size": size,
            "rate": rate,
            "p50": statistics.median(api),
            "p95": percentile(api, 95),
            "engine_p50": statistics.median(engine),
            "engine_p95": percentile(engine, 95),
        }

    @staticmethod
    def _engine_time(q, elasticsearch):
        """The engine's own time for the same words: Elasticsearch's `took`, or a bare FTS5 match."""
        from search import engine
        from search.forms import SearchRequest
        from search.query import Query

        query = Query.parse(q)
        if elasticsearch:
            return engine.elasticsearch_engine().run(SearchRequest(q=q), query).took_ms["engine"]
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

        es = get_search_backend("default").es
        prefix = settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"]
        for name in es.indices.get(index=f"{prefix}*", expand_wildcards="all"):
            es.indices.delete(index=name)
