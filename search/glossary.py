"""The bilingual glossary: loading it from its data file, and expanding queries across languages."""

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.db.models import Count, Max

from practices.loaders import read_yaml

from .analysis import tokenize

DATA_FILE = Path(__file__).parent / "data" / "glossary.yaml"
# How long a process trusts its copy of the glossary before asking the database for changes.
RECHECK_SECONDS = 10


class GlossaryFileError(ValueError):
    pass


def read_file(path=DATA_FILE):
    """The entries of a glossary file as (English terms, Japanese terms, note) triples."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise GlossaryFileError(f"{path}: {error}") from error
    return [(list(en), list(ja), note) for en, ja, note in _parse(path, stat.st_mtime_ns, stat.st_size)]


@lru_cache(maxsize=8)
def _parse(path, _mtime_ns, _size):
    # Parsing the 175 KB file takes seconds with the pure-Python loader, and loaders and tests read it
    # again and again: parse each version of a file once per process.
    try:
        data = read_yaml(path)
    except (OSError, yaml.YAMLError) as error:
        raise GlossaryFileError(f"{path}: {error}") from error
    if not isinstance(data, list):
        raise GlossaryFileError(f"{path}: expected a list of entries")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise GlossaryFileError(f"{path}: entry {number} is not a mapping")
        en, ja = item.get("en"), item.get("ja")
        if not (isinstance(en, list) and en and isinstance(ja, list) and ja):
            raise GlossaryFileError(f"{path}: entry {number} needs non-empty 'en' and 'ja' lists")
        if not all(isinstance(term, str) and term.strip() for term in en + ja):
            raise GlossaryFileError(f"{path}: entry {number} has an empty or non-text term")
        entries.append((tuple(t.strip() for t in en), tuple(t.strip() for t in ja), str(item.get("note") or "")))
    return tuple(entries)


def load_file(path=DATA_FILE):
    """Add the file's concepts that the database lacks (by preferred English term); return how many."""
    from .models import GlossaryEntry

    known = {entry.english[0] for entry in GlossaryEntry.objects.all() if entry.english}
    new = [
        GlossaryEntry(terms_en="\n".join(en), terms_ja="\n".join(ja), note=note)
        for en, ja, note in read_file(path)
        if en[0] not in known
    ]
    GlossaryEntry.objects.bulk_create(new)
    forget()
    return len(new)


@dataclass(frozen=True)
class Concept:
    english: tuple
    japanese: tuple
    phrases: tuple  # each variant, in both languages, as a tuple of analysed head terms


class Expander:
    """Finds glossary concepts in an analysed query, longest phrase first."""

    def __init__(self, entries):
        self.phrases = {}
        for en, ja in entries:
            variants = [tuple(token.terms[0] for token in tokenize(variant)) for variant in (*en, *ja)]
            concept = Concept(tuple(en), tuple(ja), tuple(dict.fromkeys(v for v in variants if v)))
            for key in concept.phrases:
                self.phrases.setdefault(key, []).append(concept)
        self.longest = max((len(key) for key in self.phrases), default=0)

    def match(self, heads, longest=None):
        """[(start, end, concepts)] for the glossary phrases (of at most `longest` words) in head terms."""
        found = []
        position = 0
        while position < len(heads):
            for length in range(min(longest or self.longest, len(heads) - position), 0, -1):
                concepts = self.phrases.get(tuple(heads[position : position + length]))
                if concepts:
                    found.append((position, position + length, concepts))
                    position += length
                    break
            else:
                position += 1
        return found


_cache = {"expander": None, "version": None, "checked": 0.0}


def expander():
    """The expander for the glossary in the database, rebuilt when an entry changes."""
    from .models import GlossaryEntry

    now = time.monotonic()
    if _cache["expander"] is None or now - _cache["checked"] > RECHECK_SECONDS:
        version = tuple(GlossaryEntry.objects.aggregate(n=Count("pk"), latest=Max("updated_at")).values())
        if version != _cache["version"]:
            entries = tuple((tuple(entry.english), tuple(entry.japanese)) for entry in GlossaryEntry.objects.all())
            _cache.update(expander=_build(entries), version=version)
        _cache["checked"] = now
    return _cache["expander"]


@lru_cache(maxsize=4)
def _build(entries):
    # Analysing every term takes about a second; the same entries always give the same expander.
    return Expander(entries)


def forget():
    """Make the next search reread the glossary (tests and loaders change it under our feet)."""
    _cache.update(expander=None, version=None, checked=0.0)
