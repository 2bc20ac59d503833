"""Building queries: clauses, glossary alternatives, coordination, checked parameters, highlighting."""

import pytest
from django.http import QueryDict

from search import glossary
from search.analysis import digest
from search.forms import BadRequest, SearchRequest
from search.models import GlossaryEntry
from search.query import MAX_CLAUSES, Query, highlight


@pytest.fixture
def entries(db):
    # Only these two concepts: the migrations loaded the shipped glossary (search 0006). A raw delete,
    # without a search-index signal for each of its 1,300 entries.
    GlossaryEntry.objects.all()._raw_delete(GlossaryEntry.objects.db)
    GlossaryEntry.objects.create(terms_en="cyberbullying\nonline bullying", terms_ja="ネットいじめ")
    GlossaryEntry.objects.create(terms_en="school", terms_ja="学校")
    glossary.forget()
    yield
    glossary.forget()


def test_each_word_is_a_clause_and_a_glossary_phrase_brings_both_languages(entries):
    query = Query.parse("how can schools prevent cyberbullying?")
    assert [c.words for c in query.clauses] == ["schools", "prevent", "cyberbullying"]
    assert ("学校",) in query.clauses[0].alternatives
    assert set(query.clauses[2].alternatives) == {("cyberbulli",), ("onlin", "bulli"), ("ネット", "苛め")}


def test_a_japanese_query_finds_its_english_names(entries):
    (clause,) = Query.parse("ネットいじめ").clauses
    assert ("cyberbulli",) in clause.alternatives


def test_words_outside_the_glossary_stay_as_they_are(entries):
    (clause,) = Query.parse("保護者会").clauses
    assert clause.alternatives == (("保護者会",), ("保護者",), ("保護",))


def test_practices_matching_more_clauses_score_higher(entries):
    query = Query.parse("school cyberbullying")
    assert query.coordinated(1.0, 2) > query.coordinated(1.5, 1)


def test_an_empty_query_has_no_clauses(entries):
    assert Query.parse("  \u3000 ").clauses == ()


def params(**values):
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def test_parameters_are_read_and_defaulted(db):
    request = SearchRequest.from_params(params(q=" grooming ", page="2", page_size="5", country=["JP", "BE", "JP"]))
    assert (request.q, request.lang, request.page, request.page_size, request.start) == ("grooming", "en", 2, 5, 5)
    assert request.filters == {"country": ["JP", "BE"]}
    assert SearchRequest.from_params(params(q="")).sort == "date"


@pytest.mark.parametrize(
    ("values", "message"),
    [({"lang": "fr"}, "lang"), ({"page": "x"}, "page"), ({"page_size": "101"}, "page_size"), ({"country": "US"}, "country")],
)
def test_bad_parameters_are_refused_with_a_message(db, values, message):
    with pytest.raises(BadRequest, match=message):
        SearchRequest.from_params(params(**values))


def test_highlighting_marks_matching_words_and_escapes_the_rest():
    html = highlight("<b>Filters</b> for ネットいじめ", ["filter", "苛め"])
    assert html == "&lt;b&gt;<mark>Filters</mark>&lt;/b&gt; for ネット<mark>いじめ</mark>"


def test_highlighting_uses_the_stored_tokens_of_the_same_text():
    text = "Filters for parents"
    stored = {"digest": digest(text), "tokens": [[12, 19, ["parent"]]]}
    assert highlight(text, ["parent"], stored) == "Filters for <mark>parents</mark>"
    # Tokens stored for the text are what it marks: these claim "Filters" is the word "parent".
    claimed = {"digest": digest(text), "tokens": [[0, 7, ["parent"]]]}
    assert highlight(text, ["parent"], claimed) == "<mark>Filters</mark> for parents"


def test_highlighting_analyses_again_when_the_stored_tokens_are_of_another_text():
    stale = {"digest": digest("Filters for parents"), "tokens": [[0, 7, ["parent"]]]}
    assert highlight("Help for parents now", ["parent"], stale) == "Help for <mark>parents</mark> now"


def test_a_long_query_keeps_its_first_clauses_and_says_the_rest_was_ignored(entries):
    query = Query.parse(" ".join(f"topic{n}" for n in range(40)) + " cyberbullying")
    assert len(query.clauses) == MAX_CLAUSES == 16
    assert (query.clauses[0].words, query.clauses[-1].words) == ("topic0", "topic15")
    assert query.truncated
    assert query.concepts == []  # the ignored glossary word suggests nothing either
    assert not Query.parse("school cyberbullying").truncated


def test_repeating_words_adds_no_clauses(entries):
    query = Query.parse("school " * 80)
    assert len(query.clauses) == 1 and not query.truncated
