"""Time the parts hybrid search adds to a query: embedding it, and scoring every stored vector (synthetic, in memory)."""

import statistics
import time

import numpy as np
from django.core.management.base import BaseCommand

from search import embeddings, fusion

QUERIES = ("my child is being blackmailed", "どうしたらいい", "スマホの利用時間 家庭のルール", "sexting", "すまほ")
# Share of practices written in both languages (the relevance set has a third): rows per practice.
VERSIONS_PER_PRACTICE = 1.33


def percentiles(times):
    return statistics.median(times), float(np.percentile(times, 95))


def synthetic_index(practices, dims, seed=0):
    """A VectorIndex of random normalised vectors, as VectorIndex builds from the database."""
    rows = int(practices * VERSIONS_PER_PRACTICE)
    matrix = np.random.default_rng(seed).standard_normal((rows, dims), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = embeddings.VectorIndex.__new__(embeddings.VectorIndex)
    index.matrix, index.page_ids = matrix, np.sort(np.arange(rows) % practices)
    index.languages = np.array([("en", "ja")[i % 2] for i in range(rows)], dtype=object)
    index.by_language = {code: np.flatnonzero(index.languages == code) for code in ("en", "ja")}
    changes = np.r_[False, index.page_ids[1:] != index.page_ids[:-1]]
    index.starts = np.flatnonzero(np.r_[True, changes[1:]])
    index.practices, index.group = index.page_ids[index.starts], np.cumsum(changes)
    return index


class Command(BaseCommand):
    help = "Print p50/p95 of query embedding and of scoring 1,000 and 10,000 practices' vectors."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
        parser.add_argument("--repeat", type=int, default=100)

    def handle(self, sizes, repeat, **options):
        model = embeddings.model()
        model.encode(["warm up"])
        times = []
        for number in range(repeat):
            start = time.perf_counter()
            embeddings.embed_query(QUERIES[number % len(QUERIES)])
            times.append((time.perf_counter() - start) * 1000)
        self.stdout.write("query embedding: p50 {:.1f} ms, p95 {:.1f} ms".format(*percentiles(times)))
        query = embeddings.embed_query(QUERIES[0])
        for practices in sizes:
            index = synthetic_index(practices, model.dims)
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                index.scores(query, floor=fusion.MATCH_Z)
                times.append((time.perf_counter() - start) * 1000)
            p50, p95 = percentiles(times)
            self.stdout.write(
                f"scoring {practices:,} practices ({len(index):,} vectors, {index.matrix.nbytes / 2**20:.0f} MB "
                f"in memory): p50 {p50:.1f} ms, p95 {p95:.1f} ms"
            )
