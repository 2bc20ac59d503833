"""What a query looks for: its clauses, each with the ways of saying it in both languages; and highlighting."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import glossary
from .analysis import JAPANESE_RUN, digest, tokens

# Each clause costs the engine a full-text query (the database runs one per clause): the cap keeps
# 500 characters of common words from running hundreds (issue 9). The rest of the text is ignored.
MAX_CLAUSES = 16


@dataclass(frozen=True)
class Clause:
    """One thing the reader asked for, and the ways of saying it: phrases of analysed terms."""

    words: str
    alternatives: tuple


@dataclass
class Query:
    """What to look up for a query text.

    Each word, or each glossary phrase the words form, is a clause; a glossary phrase brings
    the concept's other names in both languages as alternatives. A clause matches if any of
    its alternatives occurs as a phrase. A practice matching any clause is a result; its
    score, the sum of its clauses' scores, is scaled by the share of clauses it matches
    (`coordinated`), so practices about everything asked for come first. Requiring most
    clauses instead lost a fifth of the recall on the relevance set (docs/search.md).
    """

    text: str
    clauses: tuple
    concepts: list
    japanese_runs: list
    truncated: bool = False  # the text had more than MAX_CLAUSES clauses; the first ones are kept

    @classmethod
    def parse(cls, text, whole_phrases=True):
        """The query for a text; without whole_phrases, glossary phrases of several words count word by word."""
        words = tokens(text)
        spans = glossary.expander().match([token.terms[0] for token in words], longest=None if whole_phrases else 1)
        found_by_clause, position = {}, 0
        for start, end, found in [*spans, (len(words), len(words), [])]:
            for token in words[position:start]:
                clause = Clause(text[token.start : token.end], tuple((term,) for term in token.terms))
                found_by_clause.setdefault(clause, [])
            if end > start:
                own = tuple(token.terms[0] for token in words[start:end])
                phrases = _shortest([own, *(phrase for concept in found for phrase in concept.phrases)])
                found_by_clause.setdefault(Clause(text[words[start].start : words[end - 1].end], phrases), found)
            position = end
        clauses = list(found_by_clause)[:MAX_CLAUSES]
        concepts = list(dict.fromkeys(concept for clause in clauses for concept in found_by_clause[clause]))
        return cls(
            text=text,
            clauses=tuple(clauses),
            concepts=concepts,
            japanese_runs=JAPANESE_RUN.findall(text)[:MAX_CLAUSES],
            truncated=len(found_by_clause) > MAX_CLAUSES,
        )

    def relaxed(self):
        """The same words without their glossary phrases, or None if it has none of several words.

        Tried when the query finds nothing: ゲーム依存 (gaming disorder) is a glossary phrase, and
        practices about ゲーム and ネット依存 are better than no answer.
        """
        relaxed = Query.parse(self.text, whole_phrases=False)
        return relaxed if relaxed.clauses != self.clauses else None

    @property
    def terms(self):
        """Every term the query looks for (for highlighting)."""
        return list(dict.fromkeys(t for clause in self.clauses for phrase in clause.alternatives for t in phrase))

    def coordinated(self, score, matched_clauses):
        return score * matched_clauses / len(self.clauses)


def _contains(phrase, part):
    return any(phrase[i : i + len(part)] == part for i in range(len(phrase) - len(part) + 1))


def _shortest(phrases):
    """The phrases, without those that contain another (which would only count the same words twice)."""
    unique = list(dict.fromkeys(phrases))
    return tuple(p for p in unique if not any(q != p and _contains(p, q) for q in unique))


def highlight(text, terms, known=None):
    """The text, escaped, with the words that match any of the terms marked.

    `known` is the text's stored tokens (search.documents.summary_tokens), used if they are
    of this very text; otherwise the text is analysed here.
    """
    if not text:
        return ""
    words = known["tokens"] if known and known.get("digest") == digest(text) else tokens(text)
    wanted = set(terms)
    parts, position = [], 0
    for start, end, token_terms in words:
        if wanted.intersection(token_terms):
            parts.append(escape(text[position:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))
