"""Title suggestions while typing, on both backends."""

import pytest

from tests.search.test_elasticsearch import BULLYING, FILTERS

pytestmark = pytest.mark.django_db


def test_autocomplete_completes_words_not_single_characters(client, search_backend, vocabulary, import_lines, refresh):
    import_lines(BULLYING, FILTERS)
    refresh()

    def titles(q):
        response = client.get("/api/search/autocomplete/", {"q": q, "lang": "ja"})
        return [s["title"] for s in response.json()["suggestions"]]

    assert titles("ネット") == ["ネットいじめ対策の出前授業"]
    assert titles("いじ") == ["ネットいじめ対策の出前授業"]
    assert titles("ット") == []  # not an n-gram of ネット
    assert titles("filt") == ["Filtering tools for families"]
