"""The database engine's full-text index of practices: SQLite FTS5, or a PostgreSQL tsvector.

Wagtail's database backend (modelsearch) keeps its own index for the admin's search; its
query compiler ranks through a correlated subquery that took seconds per query at 10,000
practices (docs/search.md), so practice search reads this table instead. Both databases
weight the fields as the Elasticsearch mapping boosts them: title 4, summary 2, names 2, body 1.
"""

from django.db import connection

SQLITE_FIELDS = (("title", 4.0), ("summary", 2.0), ("names", 2.0), ("body", 1.0))
# ts_rank weights in the order D, C, B, A: body 0.25, summary and names 0.5, title 1.
PG_WEIGHTS = "'{0.25, 0.25, 0.5, 1.0}'"
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')"
    " || setweight(to_tsvector('simple', names), 'B') || setweight(to_tsvector('simple', body), 'D'))"
)

SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE search_practicetext_fts USING fts5(
        title, summary, names, body, autocomplete,
        content='search_practicetext', content_rowid='page_id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_practicetext_ai AFTER INSERT ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(rowid, title, summary, names, body, autocomplete)
        VALUES (new.page_id, new.title, new.summary, new.names, new.body, new.autocomplete);
    END""",
    """CREATE TRIGGER search_practicetext_ad AFTER DELETE ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(search_practicetext_fts, rowid, title, summary, names, body, autocomplete)
        VALUES ('delete', old.page_id, old.title, old.summary, old.names, old.body, old.autocomplete);
    END""",
    """CREATE TRIGGER search_practicetext_au AFTER UPDATE ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(search_practicetext_fts, rowid, title, summary, names, body, autocomplete)
        VALUES ('delete', old.page_id, old.title, old.summary, old.names, old.body, old.autocomplete);
        INSERT INTO search_practicetext_fts(rowid, title, summary, names, body, autocomplete)
        VALUES (new.page_id, new.title, new.summary, new.names, new.body, new.autocomplete);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_practicetext_au",
    "DROP TRIGGER IF EXISTS search_practicetext_ad",
    "DROP TRIGGER IF EXISTS search_practicetext_ai",
    "DROP TABLE IF EXISTS search_practicetext_fts",
]
PG_SCHEMA = [f"CREATE INDEX search_practicetext_document ON search_practicetext USING gin ({PG_DOCUMENT})"]
PG_DROP = ["DROP INDEX IF EXISTS search_practicetext_document"]


def create_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": PG_SCHEMA}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def _fts_phrase(phrase):
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def _pg_query(phrases):
    return " || ".join(["phraseto_tsquery('simple', %s)"] * len(phrases)), [" ".join(p) for p in phrases]


def scores(phrases):
    """{page id: score} for pages containing any of the phrases (tuples of terms); higher is better.

    On SQLite each field gets its own bm25, weighted, as Elasticsearch scores each field
    separately and adds them up: one bm25 over the whole row let matches in long bodies
    outweigh the title and the bilingual topic names (nDCG@10 0.68 against 0.72).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query, params = _pg_query(phrases)
            cursor.execute(
                f"SELECT page_id, ts_rank({PG_WEIGHTS}, {PG_DOCUMENT}, q.query) FROM search_practicetext,"
                f" (SELECT {query} AS query) AS q WHERE {PG_DOCUMENT} @@ q.query",
                params,
            )
            return dict(cursor.fetchall())
        expression = " OR ".join(_fts_phrase(phrase) for phrase in phrases)
        # One match; bm25 once per field (the weights pick the field), weighted and added up.
        columns = [column for column, _weight in SQLITE_FIELDS]
        score = " + ".join(
            f"{weight} * bm25(search_practicetext_fts, "
            + ", ".join("1.0" if other == column else "0.0" for other in [*columns, "autocomplete"])
            + ")"
            for column, weight in SQLITE_FIELDS
        )
        cursor.execute(
            f"SELECT rowid, -({score}) FROM search_practicetext_fts WHERE search_practicetext_fts MATCH %s",
            [f"{{{' '.join(columns)}}} : ({expression})"],
        )
        return dict(cursor.fetchall())


def title_prefix_matches(words, prefixes):
    """{page id: score} for pages whose title has all `words` and a word starting with any of the prefixes."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = ["plainto_tsquery('simple', %s)"] * len(words)
            starts = " || ".join(["to_tsquery('simple', %s)"] * len(prefixes))
            query = " && ".join([*parts, f"({starts})"])
            params = [*words, *(f"'{prefix}':*" for prefix in prefixes)]
            cursor.execute(
                "SELECT page_id, ts_rank(to_tsvector('simple', autocomplete), q.query) FROM search_practicetext,"
                f" (SELECT {query} AS query) AS q WHERE to_tsvector('simple', autocomplete) @@ q.query",
                params,
            )
        else:
            starts = " OR ".join(_fts_phrase((prefix,)) + "*" for prefix in prefixes)
            expression = " AND ".join([*(_fts_phrase((word,)) for word in words), f"({starts})"])
            cursor.execute(
                "SELECT rowid, -bm25(search_practicetext_fts) FROM search_practicetext_fts"
                " WHERE search_practicetext_fts MATCH %s",
                [f"{{autocomplete}} : ({expression})"],
            )
        return dict(cursor.fetchall())
