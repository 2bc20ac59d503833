"""The database engine: SQLite FTS5 or PostgreSQL full-text search, indexing and querying.

Wagtail's database backend (modelsearch) keeps its own index, which the admin's search uses;
its query compiler ranks through a correlated subquery that took seconds per query at 10,000
practices (docs/search.md). So the backend also writes each practice's analysed text and facet
values to tables of ours (search/models.py), which practice search reads: full text through the
vendor's own index (sqlite.py, postgres.py), filters and facet counts from a snapshot in memory.
Both vendors weight the fields as the Elasticsearch mapping boosts them: title 4, summary 2, names 2, body 1.
"""

from functools import cache

import numpy as np
from django.db import connection, transaction
from wagtail.models import Page

from ... import embeddings, fusion
from ...documents import FACETS, card_data, summary_tokens
from ...models import FacetValue, IndexVersion, PracticeText
from ..base import AUTOCOMPLETE_LIMIT, Outcome, hybrid_on, index_objects, query_language
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
            card=card_data(page),
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


def refresh_cards(sender, instance, **kwargs):
    """Index again the live practices whose stored result cards no longer show what they should.

    A card (search.documents.card_data) holds its practice's URLs and its organisation's names:
    renaming an organisation changes its practices' cards; moving a page or publishing a new slug
    changes the URLs of the practices below it (Wagtail updates their paths without saving them),
    all alike, so the first of them tells.
    """
    from practices.models import Organisation, PracticePage

    if isinstance(instance, PracticePage):
        return  # its own save (publishing, moving) indexes it again; an import publishes thousands
    practices = PracticePage.objects.live().prefetch_related(*PracticePage.index_prefetch)
    if isinstance(instance, Organisation):
        practices = practices.filter(organisation=instance)
    else:
        practices = practices.descendant_of(instance)
        first = practices.order_by("path").first()
        if first is None or not _stale([first]):
            return
    stale = _stale(list(practices))
    if stale:
        index_objects(PracticePage, stale)


def _stale(pages):
    """The pages whose stored card differs from what card_data makes of them now (none stored: not stale)."""
    stored = dict(PracticeText.objects.filter(page_id__in=[page.pk for page in pages]).values_list("page_id", "card"))
    return [page for page in pages if stored.get(page.pk) is not None and stored[page.pk] != card_data(page)]


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


# Every live practice with its organisation's slug, newest first: the order of "newest" and of the snapshot.
LIVE_NEWEST_FIRST = (
    "SELECT w.id, o.slug FROM wagtailcore_page w JOIN practices_practicepage pp ON pp.page_ptr_id = w.id"
    " LEFT JOIN practices_organisation o ON o.id = pp.organisation_id WHERE w.live"
    " ORDER BY pp.started IS NULL, pp.started DESC, w.first_published_at DESC, w.id DESC"
)
# Matches of recent clauses kept per process (search.backends.database.Snapshot.clause_scores): 16 bytes
# each, so at most ~32 MB.
CLAUSE_CACHE_MATCHES = 2_000_000


class Snapshot:
    """What filters, sorting and facet counts need of every live practice, held in memory as arrays.

    A practice's position is its place in newest-first order, so a boolean mask over positions is a
    set of practices already sorted by date. Facet values are (position, value) pairs: counting them
    over a mask is one bincount (a Counter loop over the matched ids took 14 ms at 10,000 practices).
    Every change to the practice tables bumps IndexVersion, which tells each process when to reload.
    """

    _current = None

    def __init__(self, version):
        self.version = version
        with connection.cursor() as cursor:
            cursor.execute(LIVE_NEWEST_FIRST)
            rows = cursor.fetchall()
            cursor.execute("SELECT page_id, facet, value FROM search_facetvalue")
            values = cursor.fetchall()
        self.ids = np.array([pk for pk, _slug in rows], dtype=np.int64)
        self.positions = np.full(int(self.ids.max()) + 1 if len(rows) else 1, -1, dtype=np.int64)
        self.positions[self.ids] = np.arange(len(rows))
        # A practice without an organisation has no value to filter by.
        pairs = dict.fromkeys((pk, "organisation", slug) for pk, slug in rows if slug is not None)
        pairs.update(dict.fromkeys(values))
        # Counted facets first, in FACETS order, each sorted by value; then the organisations (filters only).
        self.keys = sorted({(facet, value) for _pk, facet, value in pairs}, key=self._key_order)
        self.numbers = {key: number for number, key in enumerate(self.keys)}
        kept = [(self.position(pk), self.numbers[facet, value]) for pk, facet, value in pairs if self.position(pk) >= 0]
        pair_array = np.array(kept, dtype=np.int64).reshape(-1, 2)
        self.pair_rows, self.pair_keys = pair_array[:, 0], pair_array[:, 1]
        self.counted = sum(1 for facet, _value in self.keys if facet in FACETS)
        self.language_codes = [value for facet, value in self.keys if facet == "language"]
        self._masks, self._clauses, self._kept_matches = {}, {}, 0

    @staticmethod
    def _key_order(key):
        facet, value = key
        return (FACETS.index(facet) if facet in FACETS else len(FACETS), facet, value)

    @classmethod
    def current(cls):
        version = (connection.settings_dict["NAME"], IndexVersion.current())
        if cls._current is None or cls._current.version != version:
            cls._current = cls(version)
        return cls._current

    def __len__(self):
        return len(self.ids)

    def position(self, pk):
        return int(self.positions[pk]) if 0 <= pk < len(self.positions) else -1

    def positions_of(self, pks):
        """Positions of an array of page ids, -1 for those not live."""
        pks = np.asarray(pks, dtype=np.int64)
        inside = (pks >= 0) & (pks < len(self.positions))
        return np.where(inside, self.positions[np.where(inside, pks, 0)], -1)

    def clause_scores(self, alternatives, scores):
        """(positions, scores) of the live practices matching a clause, from `scores` or kept from an earlier query.

        Frequent words recur in queries and cost the engine most (every match is scored); what is
        kept is dropped with the snapshot when the index changes, and the least recently used
        first once CLAUSE_CACHE_MATCHES matches are kept.
        """
        kept = self._clauses.pop(alternatives, None)
        if kept is None:
            pks, values = scores(alternatives)
            positions = self.positions_of(pks)
            live = positions >= 0
            kept = (positions[live], values[live])
            self._kept_matches += len(kept[0])
            while self._kept_matches > CLAUSE_CACHE_MATCHES and self._clauses:
                self._kept_matches -= len(self._clauses.pop(next(iter(self._clauses)))[0])
        self._clauses[alternatives] = kept
        return kept

    def allows(self, allowed, pk):
        """Whether a page is live and in the mask `allowed`."""
        position = self.position(pk)
        return position >= 0 and bool(allowed[position])

    def languages(self, pk):
        """The languages a live practice is written in."""
        position = self.position(pk)
        return {code for code in self.language_codes if self.mask("language", code)[position]}

    def mask(self, facet, value):
        """The practices with a facet value, as a boolean mask over positions (kept per snapshot)."""
        if (facet, value) not in self._masks:
            mask = np.zeros(len(self), dtype=bool)
            if (facet, value) in self.numbers:
                mask[self.pair_rows[self.pair_keys == self.numbers[facet, value]]] = True
            self._masks[facet, value] = mask
        return self._masks[facet, value]

    def allowed(self, filters):
        """The live practices that pass the filters: any value of a facet, every facet."""
        allowed = np.ones(len(self), dtype=bool)
        for facet, values in filters.items():
            either = np.zeros(len(self), dtype=bool)
            for value in values:
                either |= self.mask(facet, value)
            allowed &= either
        return allowed

    def facet_counts(self, mask):
        """{facet: {value: count}} over the practices in the mask, each facet's values most frequent first."""
        counts = np.bincount(self.pair_keys[mask[self.pair_rows]], minlength=len(self.keys))[: self.counted]
        by_facet = {facet: [] for facet in FACETS}
        for number in np.flatnonzero(counts).tolist():
            facet, value = self.keys[number]
            by_facet[facet].append((value, int(counts[number])))
        return {facet: dict(sorted(c, key=lambda item: (-item[1], item[0]))) for facet, c in by_facet.items()}


class DatabaseEngine:
    """Practice search over the practice text table.

    One full-text query per clause of the query, whose scores are added up in arrays over the
    snapshot's positions; Query.coordinated combines the clause scores.
    """

    def __init__(self):
        self.vendor = VENDORS.get(connection.vendor, sqlite)
        self.name = "postgresql" if connection.vendor == "postgresql" else "sqlite"

    def run(self, request, query):
        snapshot = Snapshot.current()
        allowed = snapshot.allowed(request.filters)
        total, matched = np.zeros(len(snapshot)), np.zeros(len(snapshot), dtype=np.int64)
        for clause in query.clauses:
            positions, scores = snapshot.clause_scores(clause.alternatives, self.vendor.scores)
            keep = allowed[positions]
            total[positions[keep]] += scores[keep]
            matched[positions[keep]] += 1
        found = np.flatnonzero(matched)  # positions, newest first
        score = total[found] * matched[found] / max(len(query.clauses), 1)
        ids = snapshot.ids[found]
        if hybrid_on(query):
            in_ranking, score = self.fused(query, ids, score, allowed, snapshot)
            found = ranking_positions = snapshot.positions_of(in_ranking)
        else:
            order = np.lexsort((ids, score))[::-1]
            in_ranking, score, ranking_positions = ids[order], score[order], found[order]
        if not query.clauses and not hybrid_on(query):
            hits_mask, hits = allowed, None
        else:
            hits_mask = np.zeros(len(snapshot), dtype=bool)
            hits_mask[found] = True
            hits = in_ranking if request.sort == "relevance" else None
        if hits is None:  # newest first: the mask's positions in order
            hits = snapshot.ids[np.flatnonzero(hits_mask)]
        window = hits[request.start : request.start + request.page_size]
        by_position = np.zeros(len(snapshot))
        by_position[ranking_positions] = score
        page = list(zip(window.tolist(), by_position[snapshot.positions_of(window)].tolist(), strict=True))
        return Outcome(hits=page, count=len(hits), facets=snapshot.facet_counts(hits_mask), backend=self.name)

    @staticmethod
    def fused(query, ids, lexical_scores, allowed, snapshot):
        """(ids, fused scores) in fused order: the lexical matches and the dense matches among the allowed practices.

        Standardised over every stored vector, not just the allowed ones, as on Elasticsearch, so a
        filter never changes which practices count as dense matches.
        """
        lexical = ids[np.lexsort((ids, lexical_scores))[::-1]]
        practices, best, cosine = embeddings.VectorIndex.current().best(embeddings.embed_query(query.text))
        # Compared as float64, as Python compares the floats fusion is given (0.35 is not a float32).
        best, cosine = best.astype(float), cosine.astype(float)
        positions = snapshot.positions_of(practices)
        keep = positions >= 0
        keep[keep] = allowed[positions[keep]]
        has_words = bool(query.clauses)
        # The dense matches as fusion.dense_matches and fusion.vague_matches choose them, found in arrays.
        keep &= best >= fusion.MATCH_Z if has_words else (best >= fusion.VAGUE_Z) & (cosine >= fusion.VAGUE_COSINE)
        top = np.lexsort((practices[keep], -best[keep]))[: fusion.DENSE_LIMIT]
        dense = practices[keep][top].tolist()
        if not has_words:
            return np.array(dense, dtype=np.int64), best[keep][top]
        languages = {pk: snapshot.languages(pk) for pk in dense}
        return fusion.fuse_arrays(lexical, dense, query_language(query), languages)

    def autocomplete(self, request, words, prefixes):
        snapshot = Snapshot.current()
        allowed = snapshot.allowed(request.filters)
        matches = self.vendor.title_prefix_matches(words, prefixes)
        ranked = sorted(((score, pk) for pk, score in matches.items() if snapshot.allows(allowed, pk)), reverse=True)
        return [pk for _score, pk in ranked[:AUTOCOMPLETE_LIMIT]]
