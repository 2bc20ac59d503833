"""The admin's own search finds Japanese words inside sentences, as the public search does (issue 10)."""

import re

import pytest
from django.db.models import Q

from practices.models import PracticePage

pytestmark = pytest.mark.django_db


def admin_search(client, query):
    html = client.get("/admin/pages/search/", {"q": query}).content.decode()
    return {int(pk) for pk in re.findall(r'href="/admin/pages/(\d+)/edit/"', html)}


def containing(word):
    fields = Q()
    for name in ("title_en", "title_ja", "summary_en", "summary_ja"):
        fields |= Q(**{f"{name}__contains": word})
    return set(PracticePage.objects.filter(fields).values_list("pk", flat=True))


@pytest.mark.parametrize("word", ["ネットいじめ", "保護者", "フィルタリング"])
def test_page_search_finds_every_practice_whose_title_or_summary_has_the_word(signed_in, demo, accounts, word):
    expected = containing(word)
    assert expected, f"the demo content has no practice with {word}"
    found = admin_search(signed_in("moderator"), word)
    assert expected <= found


def test_page_search_finds_a_japanese_word_the_public_search_finds(client, signed_in, demo, accounts):
    public = {
        result["id"] for result in client.get("/api/search/", {"q": "保護者", "lang": "ja", "page_size": 100}).json()["results"]
    }
    in_title_or_summary = public & containing("保護者")
    assert in_title_or_summary and in_title_or_summary <= admin_search(signed_in("moderator"), "保護者")


def test_snippet_search_finds_a_japanese_topic_by_part_of_its_name(signed_in, demo, accounts):
    html = signed_in("moderator").get("/admin/snippets/practices/topic/", {"q": "いじめ"}).content.decode()
    assert "/admin/snippets/practices/topic/edit/cyberbullying/" in html or ">Cyberbullying<" in html
