"""The practice text index on PostgreSQL: a GIN index over a weighted tsvector of search_practicetext."""

from django.db import connection

from ..base import as_arrays

# ts_rank weights in the order D, C, B, A: body 0.25, summary and names 0.5, title 1.
WEIGHTS = "'{0.25, 0.25, 0.5, 1.0}'"
DOCUMENT = (
    "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', summary), 'B')"
    " || setweight(to_tsvector('simple', names), 'B') || setweight(to_tsvector('simple', body), 'D'))"
)
SCHEMA = [f"CREATE INDEX search_practicetext_document ON search_practicetext USING gin ({DOCUMENT})"]
DROP = ["DROP INDEX IF EXISTS search_practicetext_document"]


def scores(phrases):
    """(page ids, scores) of the pages containing any of the phrases (tuples of terms); higher is better."""
    query = " || ".join(["phraseto_tsquery('simple', %s)"] * len(phrases))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page_id, ts_rank({WEIGHTS}, {DOCUMENT}, q.query) FROM search_practicetext,"
            f" (SELECT {query} AS query) AS q WHERE {DOCUMENT} @@ q.query",
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
