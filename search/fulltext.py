"""The database engine's full-text index of practices: SQLite FTS5, or a PostgreSQL tsvector.

Wagtail's database backend (modelsearch) keeps its own index for the admin's search; its
query compiler ranks through a correlated subquery that took seconds per query at 10,000
practices (docs/search.md), so practice search reads this table instead. Both databases
weight the fields as the Elasticsearch mapping boosts them: title 4, summary 2, names 2, body 1.
"""

SQLITE_WEIGHTS = "4.0, 2.0, 2.0, 1.0"  # title, summary, names, body
# ts_rank weights in the order D, C, B, A: body 0.25, summary and names 0.5, title 1.
PG_WEIGHTS = "'{0.25, 0.25, 0.5, 1.0}'"
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')"
    " || setweight(to_tsvector('simple', names), 'B') || setweight(to_tsvector('simple', body), 'D'))"
)

SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE search_practicetext_fts USING fts5(
        title, summary, names, body,
        content='search_practicetext', content_rowid='page_id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_practicetext_ai AFTER INSERT ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(rowid, title, summary, names, body)
        VALUES (new.page_id, new.title, new.summary, new.names, new.body);
    END""",
    """CREATE TRIGGER search_practicetext_ad AFTER DELETE ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(search_practicetext_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.page_id, old.title, old.summary, old.names, old.body);
    END""",
    """CREATE TRIGGER search_practicetext_au AFTER UPDATE ON search_practicetext BEGIN
        INSERT INTO search_practicetext_fts(search_practicetext_fts, rowid, title, summary, names, body)
        VALUES ('delete', old.page_id, old.title, old.summary, old.names, old.body);
        INSERT INTO search_practicetext_fts(rowid, title, summary, names, body)
        VALUES (new.page_id, new.title, new.summary, new.names, new.body);
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


def _fts_string(term):
    return '"' + term.replace('"', '""') + '"'


def matches(vendor, terms, prefix=None):
    """SQL selecting (page_id, score) for pages matching any term (higher score is better), and its params.

    With `prefix`, pages must also have a title word starting with it (autocomplete).
    """
    if vendor == "postgresql":
        parts = ["plainto_tsquery('simple', %s)"] * len(terms)
        params = list(terms)
        if prefix:
            parts.append("to_tsquery('simple', %s)")
            params.append(f"'{prefix}':*")
        query = " || ".join(parts) if not prefix or not terms else f"({' || '.join(parts[:-1])}) && {parts[-1]}"
        sql = (
            f"SELECT page_id, ts_rank({PG_WEIGHTS}, {PG_DOCUMENT}, q.query) AS score"
            f" FROM search_practicetext, (SELECT {query} AS query) AS q WHERE {PG_DOCUMENT} @@ q.query"
        )
        return sql, params
    expression = " OR ".join(_fts_string(term) for term in terms)
    if prefix:
        title_prefix = f"title : {_fts_string(prefix)}*"
        expression = f"({expression}) AND {title_prefix}" if terms else title_prefix
    sql = (
        f"SELECT rowid AS page_id, -bm25(search_practicetext_fts, {SQLITE_WEIGHTS}) AS score"
        " FROM search_practicetext_fts WHERE search_practicetext_fts MATCH %s"
    )
    return sql, [expression]
