"""The practice text index on PostgreSQL: a weighted tsvector of search_practicetext, stored, with a GIN index.

Stored (a generated column), not an expression index: ts_rank reads each match's vector, and an
expression index left it to be computed again from the text for every match — ~60 µs each, so a
frequent word's thousands of matches took 400–600 ms at 10,000 practices (search_benchmark).
"""

from django.db import connection

from ..base import as_arrays

# ts_rank weights in the order D, C, B, A: body 0.25, summary and names 0.5, title 1.
WEIGHTS = "'{0.25, 0.25, 0.5, 1.0}'"
DOCUMENT = (
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')"
    " || setweight(to_tsvector('simple', names), 'B') || setweight(to_tsvector('simple', body), 'D'))"
)
# Run by migrations 0002 (a new database) and 0008 (one whose index was on the expression): either way once more is harmless.
SCHEMA = [
    "DROP INDEX IF EXISTS search_practicetext_document",
    f"ALTER TABLE search_practicetext ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS {DOCUMENT} STORED",
    "CREATE INDEX search_practicetext_document ON search_practicetext USING gin (document)",
]
DROP = ["DROP INDEX IF EXISTS search_practicetext_document", "ALTER TABLE search_practicetext DROP COLUMN IF EXISTS document"]


def scores(phrases):
    """(page ids, scores) of the pages containing any of the phrases (tuples of terms); higher is better."""
    query = " || ".join(["phraseto_tsquery('simple', %s)"] * len(phrases))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page_id, ts_rank({WEIGHTS}, document, q.query) FROM search_practicetext,"
            f" (SELECT {query} AS query) AS q WHERE document @@ q.query",
            [" ".join(phrase) for phrase in phrases],
        )
        return as_arrays(cursor.fetchall())


def title_prefix_matches(words, prefixes):
    """{page id: score} for pages whose title has all `words` and a word starting with any of the prefixes."""
    parts = ["plainto_tsquery('simple', %s)"] * len(words)
    starts = " || ".join(["to_tsquery('simple', %s)"] * len(prefixes))
    query = " && ".join([*parts, f"({starts})"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_id, ts_rank(to_tsvector('simple', autocomplete), q.query) FROM search_practicetext,"
            f" (SELECT {query} AS query) AS q WHERE to_tsvector('simple', autocomplete) @@ q.query",
            [*words, *(f"'{prefix}':*" for prefix in prefixes)],
        )
        return dict(cursor.fetchall())
