"""Glosses: glossary terms in other-language text, marked with their name in the reader's language.

Model-free: it takes HTML (or plain text) and the glossary's expander (search/glossary.py), finds
the glossary's phrases among the text's analysed words exactly as query expansion does, and wraps
each in <span class="gloss" data-gloss="…">term</span> followed by the name in the reader's language,
visible (not a tooltip) and read by screen readers in its own language.

Only terms worth a gloss: not the everyday words of data/gloss_stoplist.txt, not a term whose two names
are the same, each once per section, at most MAX_PER_SECTION per section.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape, format_html

from .analysis import tokenize

TAG = re.compile(r"(<[^>]*>)")
STOPLIST_FILE = Path(__file__).parent / "data" / "gloss_stoplist.txt"
MAX_PER_SECTION = 8


@dataclass(frozen=True)
class Term:
    en: str
    ja: str

    def name_in(self, lang):
        return self.ja if lang == "ja" else self.en


def _term(concepts):
    # A phrase shared by several concepts takes the first; their names are variants of one another.
    concept = concepts[0]
    return Term(concept.english[0], concept.japanese[0])


@lru_cache(maxsize=1)
def stoplist():
    """The preferred English terms of concepts never glossed, case-folded."""
    lines = STOPLIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def worth_glossing(term):
    return term.en.casefold() != term.ja.casefold() and term.en.casefold() not in stoplist()


@lru_cache(maxsize=4096)
def find_terms(text, expander):
    """((start, end, Term), …) for each glossary phrase in a piece of text.

    Remembered per piece of text and expander (a new one is built whenever the glossary changes):
    analysing Japanese text is most of the time a practice page takes to render.
    """
    tokens = list(tokenize(text))
    heads = [token.terms[0] for token in tokens]
    return tuple((tokens[start].start, tokens[end - 1].end, _term(concepts)) for start, end, concepts in expander.match(heads))


def _gloss_text(text, reader_lang, expander, counted):
    pieces, position = [], 0
    for start, end, term in find_terms(text, expander):
        if term in counted or not worth_glossing(term) or len(counted) >= MAX_PER_SECTION:
            # A term's first appearance in a section, and few per section: glosses everywhere bury the text.
            continue
        name = term.name_in(reader_lang)
        pieces.append(text[position:start])
        pieces.append(
            format_html(
                '<span class="gloss" data-gloss="{}">{}</span><span class="gloss__name" lang="{}"> ({})</span>',
                name,
                # The text is already HTML (escaped where needed): keep its characters as they are.
                _Raw(text[start:end]),
                reader_lang,
                name,
            )
        )
        counted.append(term)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


class _Raw(str):
    def __html__(self):
        return str(self)


def gloss_html(html, reader_lang, expander):
    """The HTML with each glossary term's first appearance glossed in `reader_lang`; and the Terms glossed."""
    counted = []
    parts = TAG.split(html or "")
    inside_gloss_free = 0
    for index, part in enumerate(parts):
        if index % 2:
            # Never inside a tag's own text of <script>/<style> (rich text has none, but be safe) or <code>.
            name = part[1:].split()[0].lower().rstrip(">") if len(part) > 2 else ""
            if name in ("script", "style", "code"):
                inside_gloss_free += 1
            elif name in ("/script", "/style", "/code"):
                inside_gloss_free = max(0, inside_gloss_free - 1)
            continue
        if part.strip() and not inside_gloss_free:
            parts[index] = _gloss_text(part, reader_lang, expander, counted)
    return "".join(parts), counted


def gloss_plain(text, reader_lang, expander):
    """Plain text glossed: escaped first, so the result is safe HTML."""
    return gloss_html(str(escape(text or "")), reader_lang, expander)


def key_terms(texts, expander):
    """The distinct glossary Terms in some texts (HTML or plain), in order of first appearance."""
    found = []
    for text in texts:
        for part in TAG.split(text or "")[::2]:
            found.extend(term for _start, _end, term in find_terms(part, expander) if worth_glossing(term))
    return list(dict.fromkeys(found))
