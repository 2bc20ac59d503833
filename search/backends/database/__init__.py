"""The database engine: SQLite FTS5 or PostgreSQL full-text search, indexing and querying.

Wagtail's database backend (modelsearch) keeps its own index, which the admin's search uses;
its query compiler ranks through a correlated subquery that took seconds per query at 10,000
practices (docs/search.md). So the backend also writes each practice's analysed text and facet
values to tables of ours (search/models.py), which practice search reads: full text through the
vendor's own index (sqlite.py, postgres.py), filters and facet counts from a snapshot in memory.
Both vendors weight the fields as the Elasticsearch mapping boosts them: title 4, summary 2, names 2, body 1.
"""

from collections import Counter, defaultdict
from functools import cache
from itertools import chain

from django.db import connection, transaction
from wagtail.models import Page

from ... import embeddings, fusion
from ...documents import FACETS, summary_tokens
from ...models import FacetValue, IndexVersion, PracticeText
from ..base import AUTOCOMPLETE_LIMIT, Outcome, hybrid_on, query_language
from . import postgres, sqlite

VENDORS = {"sqlite": sqlite, "postgresql": postgres}


def create_index(apps, schema_editor):
    """Create the vendor's full-text index over search_practicetext (migration 0002)."""
    vendor = VENDORS.get(schema_editor.connection.vendor)
    for statement in vendor.SCHEMA if vendor else ():
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = VENDORS.get(schema_editor.connection.vendor)
    for statement in vendor.DROP if vendor else ():
        schema_editor.execute(statement)


def _practices(objs):
    return [obj for obj in objs if hasattr(obj, "facet_topic")]


def sync_practices(objs):
    """Write the practices' analysed text and facet values for the database engine."""
    pages = _practices(objs)
    if not pages:
        return
    texts = [
        PracticeText(
            page_id=page.pk,
            title=page.index_title(),
            summary=page.index_summary(),
            names=page.index_names(),
            body=page.index_text(),
            autocomplete=page.index_autocomplete(),
            summary_tokens=summary_tokens(page),
        )
        for page in pages
    ]
    facet_values = [
        FacetValue(page_id=page.pk, facet=facet, value=value)
        for page in pages
        for facet in FACETS
        for value in dict.fromkeys(getattr(page, f"facet_{facet}")())
    ]
    ids = [page.pk for page in pages]
    with transaction.atomic():
        PracticeText.objects.filter(page_id__in=ids).delete()
        PracticeText.objects.bulk_create(texts)
        FacetValue.objects.filter(page_id__in=ids).delete()
        FacetValue.objects.bulk_create(facet_values)
        IndexVersion.bump()


def forget_practices(ids=None):
    texts, values = PracticeText.objects.all(), FacetValue.objects.all()
    if ids is not None:
        texts, values = texts.filter(page_id__in=ids), values.filter(page_id__in=ids)
    texts.delete()
    values.delete()
    IndexVersion.bump()


class PracticeIndexMixin:
    """Keeps the practice text and facet tables beside modelsearch's own index entries.

    On the index, not the backend, so that `update_index` (which writes to indexes directly)
    rebuilds them too.
    """

    def add_items(self, model, objs):
        super().add_items(model, objs)
        sync_practices(objs)

    def delete_item(self, item):
        super().delete_item(item)
        # Only pages have rows here; a glossary entry or topic may share a practice's id.
        if isinstance(item, Page):
            forget_practices([item.pk])

    def reset(self):
        super().reset()
        forget_practices()


@cache
def _database_backend_class(vendor):
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend as base
    else:
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend as base
    index_class = type(f"Practice{base.index_class.__name__}", (PracticeIndexMixin, base.index_class), {})
    return type(f"Practice{base.__name__}", (base,), {"index_class": index_class})


def DatabaseSearchBackend(params):
    """SQLite FTS5 or PostgreSQL full-text search, whichever the default database is."""
    return _database_backend_class(connection.vendor)(params)


class Snapshot:
    """What filters, sorting and facet counts need of every live practice, held in memory.

    Counting facets in SQL over a few thousand matched ids took ~100 ms at 10,000 practices;
    in memory it takes a few. Every change to the practice tables bumps IndexVersion, which
    tells each process when to reload.
    """

    _current = None

    def __init__(self, version):
        self.version = version
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.id, o.slug FROM wagtailcore_page w JOIN practices_practicepage pp ON pp.page_ptr_id = w.id"
                " LEFT JOIN practices_organisation o ON o.id = pp.organisation_id WHERE w.live"
                " ORDER BY pp.started IS NULL, pp.started DESC, w.first_published_at DESC, w.id DESC"
            )
            rows = cursor.fetchall()
            self.newest_first = [pk for pk, _slug in rows]
            grouped = defaultdict(lambda: defaultdict(set))
            for pk, organisation in rows:
                grouped[pk]["organisation"].add(organisation)
            cursor.execute("SELECT page_id, facet, value FROM search_facetvalue")
            for pk, facet, value in cursor.fetchall():
                if pk in grouped:
                    grouped[pk][facet].add(value)
        self.values = {pk: {facet: frozenset(v) for facet, v in facets.items()} for pk, facets in grouped.items()}
        self.facet_keys = {
            pk: tuple((facet, value) for facet in FACETS for value in facets.get(facet, ()))
            for pk, facets in grouped.items()
        }

    @classmethod
    def current(cls):
        version = (connection.settings_dict["NAME"], IndexVersion.current())
        if cls._current is None or cls._current.version != version:
            cls._current = cls(version)
        return cls._current

    def facet_counts(self, ids):
        counts = {facet: {} for facet in FACETS}
        for (facet, value), n in Counter(chain.from_iterable(map(self.facet_keys.__getitem__, ids))).items():
            counts[facet][value] = n
        return {facet: dict(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for facet, c in counts.items()}


class DatabaseEngine:
    """Practice search over the practice text table.

    One full-text query per clause of the query; Query.coordinated combines the clause scores.
    """

    def __init__(self):
        self.vendor = VENDORS.get(connection.vendor, sqlite)
        self.name = "postgresql" if connection.vendor == "postgresql" else "sqlite"

    @staticmethod
    def allowed(request, snapshot):
        """Ids of the live practices that pass the request's filters, newest first."""
        if not request.filters:
            return snapshot.newest_first
        wanted = [(facet, set(values)) for facet, values in request.filters.items()]
        return [
            pk
            for pk in snapshot.newest_first
            if all(snapshot.values[pk].get(facet, frozenset()) & values for facet, values in wanted)
        ]

    def run(self, request, query):
        snapshot = Snapshot.current()
        newest_first = self.allowed(request, snapshot)
        allowed = set(newest_first)
        total, matched = defaultdict(float), defaultdict(int)
        for clause in query.clauses:
            for pk, score in self.vendor.scores(clause.alternatives).items():
                if pk in allowed:
                    total[pk] += score
                    matched[pk] += 1
        total = {pk: query.coordinated(score, matched[pk]) for pk, score in total.items()}
        if hybrid_on(query):
            total = self.fused(query, total, allowed, snapshot)
            ranked = list(total)
        else:
            ranked = sorted(total, key=lambda pk: (total[pk], pk), reverse=True)
        if not query.clauses and not hybrid_on(query):
            hits = newest_first
        elif request.sort == "relevance":
            hits = ranked
        else:
            hits = [pk for pk in newest_first if pk in total]
        page = [(pk, total.get(pk, 0.0)) for pk in hits[request.start : request.start + request.page_size]]
        return Outcome(hits=page, count=len(hits), facets=snapshot.facet_counts(hits), backend=self.name)

    @staticmethod
    def fused(query, lexical_scores, allowed, snapshot):
        """{id: fused score} in fused order: the lexical matches and the dense matches among the allowed practices.

        Standardised over every stored vector, not just the allowed ones, as on Elasticsearch, so a
        filter never changes which practices count as dense matches.
        """
        lexical = sorted(lexical_scores, key=lambda pk: (lexical_scores[pk], pk), reverse=True)
        scores = embeddings.VectorIndex.current().scores(embeddings.embed_query(query.text), floor=fusion.MATCH_Z)
        scores = {pk: score for pk, score in scores.items() if pk in allowed}
        languages = {pk: snapshot.values[pk].get("language", ()) for pk in {*lexical, *scores}}
        fused = fusion.hybrid(lexical, scores, query_language(query), languages, has_words=bool(query.clauses))
        return dict(fused)

    def autocomplete(self, request, words, prefixes):
        allowed = set(self.allowed(request, Snapshot.current()))
        matches = self.vendor.title_prefix_matches(words, prefixes)
        ranked = sorted(((score, pk) for pk, score in matches.items() if pk in allowed), reverse=True)
        return [pk for _score, pk in ranked[:AUTOCOMPLETE_LIMIT]]
