"""Whether a search reads as a child in danger, so the page can put help above the results."""

from functools import cache
from pathlib import Path

from practices.loaders import read_yaml

from . import analysis

DISTRESS_FILE = Path(__file__).parent / "data" / "distress.yaml"
# Enough for any real question; a pasted essay is not analysed whole.
MAX_QUERY_CHARS = 1000


@cache
def signals(path=DISTRESS_FILE):
    """Each phrase of the file as the set of index terms a query must all contain."""
    phrases = read_yaml(path)
    found = (frozenset(analysis.terms(phrase)) for lang in ("en", "ja") for phrase in phrases.get(lang) or ())
    return tuple(signal for signal in found if signal)


def reads_as_distress(query):
    """True when the query holds every word of one distress phrase, in either language."""
    if not query or not query.strip():
        return False
    query_terms = set(analysis.terms(query[:MAX_QUERY_CHARS]))
    return any(signal <= query_terms for signal in signals())
