"""What a search asks for: parameters checked once for the page and the API, and the terms to look up."""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from practices.models import Organisation, Scheme, Topic
from practices.vocabulary import LANGUAGE_CODES, AgeGroup, Audience, Country, Language

from . import glossary
from .analysis import JAPANESE_RUN, digest, tokens

MAX_QUERY_LENGTH = 500
MAX_PAGE = 1000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
SORTS = ("relevance", "date")
# Filter parameter → where its allowed values come from.
FILTERS = {
    "topic": lambda values: Topic.objects.filter(slug__in=values).values_list("slug", flat=True),
    "scheme": lambda values: Scheme.objects.filter(slug__in=values).values_list("slug", flat=True),
    "country": lambda values: [v for v in values if v in Country.values],
    "audience": lambda values: [v for v in values if v in Audience.values],
    "age": lambda values: [v for v in values if v in AgeGroup.values],
    "language": lambda values: [v for v in values if v in Language.values],
    "organisation": lambda values: Organisation.objects.filter(slug__in=values).values_list("slug", flat=True),
}


class BadRequest(ValueError):
    """A parameter the search cannot take; the message says which and why."""


def _integer(params, name, default, low, high):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name}) from None
    if not low <= value <= high:
        raise BadRequest(
            _("%(name)s must be between %(low)d and %(high)d.") % {"name": name, "low": low, "high": high}
        )
    return value


@dataclass
class SearchRequest:
    q: str = ""
    lang: str = "en"
    filters: dict = field(default_factory=dict)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params, lang=None):
        """Check a QueryDict of parameters; raise BadRequest with a message on the first problem."""
        # NUL reaches no analyser or database well (PostgreSQL refuses it in text): refused in any parameter.
        if any("\x00" in value for _name, values in params.lists() for value in values):
            raise BadRequest(_("The query contains a character that is not allowed."))
        q = params.get("q", "") or ""
        if len(q) > MAX_QUERY_LENGTH:
            raise BadRequest(_("The query is too long: at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH})
        lang = params.get("lang") or lang or "en"
        if lang not in LANGUAGE_CODES:
            raise BadRequest(_("lang must be one of: %(choices)s.") % {"choices": ", ".join(LANGUAGE_CODES)})
        filters = {}
        for name, allowed in FILTERS.items():
            values = list(dict.fromkeys(v for v in params.getlist(name) if v != ""))
            if not values:
                continue
            known = set(allowed(values))
            unknown = [v for v in values if v not in known]
            if unknown:
                raise BadRequest(
                    _("Unknown %(name)s: %(values)s.") % {"name": name, "values": ", ".join(unknown[:5])}
                )
            filters[name] = values
        sort = params.get("sort") or "relevance"
        if sort not in SORTS:
            raise BadRequest(_("sort must be one of: %(choices)s.") % {"choices": ", ".join(SORTS)})
        return cls(
            q=q.strip(),
            lang=lang,
            filters=filters,
            page=_integer(params, "page", 1, 1, MAX_PAGE),
            page_size=_integer(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
            sort=sort if q.strip() else "date",
        )

    @property
    def start(self):
        return (self.page - 1) * self.page_size


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

    @classmethod
    def parse(cls, text, whole_phrases=True):
        """The query for a text; without whole_phrases, glossary phrases of several words count word by word."""
        words = tokens(text)
        spans = glossary.expander().match([token.terms[0] for token in words], longest=None if whole_phrases else 1)
        clauses, concepts, position = [], [], 0
        for start, end, found in [*spans, (len(words), len(words), [])]:
            for token in words[position:start]:
                clauses.append(Clause(text[token.start : token.end], tuple((term,) for term in token.terms)))
            if end > start:
                own = tuple(token.terms[0] for token in words[start:end])
                phrases = _shortest([own, *(phrase for concept in found for phrase in concept.phrases)])
                clauses.append(Clause(text[words[start].start : words[end - 1].end], phrases))
                concepts.extend(c for c in found if c not in concepts)
            position = end
        unique = list(dict.fromkeys(clauses))
        return cls(text=text, clauses=tuple(unique), concepts=concepts, japanese_runs=JAPANESE_RUN.findall(text))

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
