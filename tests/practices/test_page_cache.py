"""Parts of practice pages rendered once (practices/page_cache.py): a published change shows at once,
the reader's own parts (CSRF token, help block country) are never shared, and previews are never cached."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from portal.models import Helpline
from practices.models import Organisation, PracticePage, Topic
from search.models import GlossaryEntry
from tests.conftest import practice
from tests.practices.conftest import edit_form_data

pytestmark = pytest.mark.django_db

EN_URL = "/en/practices/test-ngo/{}/"
JA_URL = "/ja/practices/test-ngo/{}/"
BODY = "Parents set up filtering at home. Schools talk about cyberbullying."


def page_html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def without_csrf_token(html):
    # The token is masked afresh in each response.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def heading(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def glosses(html):
    return re.findall(r'<span class="gloss" data-gloss="([^"]*)">([^<]*)</span>', html)


def related_text(html):
    found = re.search(r'<section class="related-practices".*?</section>', html, re.S)
    return found.group(0) if found else ""


def publish(slug, **fields):
    page = PracticePage.objects.get(slug=slug)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def test_the_cached_page_is_the_page_rendered_without_the_cache(client, vocabulary, import_lines, settings):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.", BODY), topics=["cyberbullying"]))
    cold, warm = (without_csrf_token(page_html(client, JA_URL.format("kit"))) for _ in range(2))
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert cold == warm == without_csrf_token(page_html(client, JA_URL.format("kit")))
    assert ("フィルタリング", "filtering") in glosses(warm)


def test_the_second_reader_is_served_from_the_cache(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.", BODY)))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            page_html(client, JA_URL.format("kit"))
        counts.append(len(queries))
    assert counts[1] < counts[0]


def test_a_new_revision_shows_its_title_and_glosses_at_once(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.", "Parents meet once a month.")))
    before = page_html(client, JA_URL.format("kit"))
    assert "Filtering kit" in before and glosses(before) == []
    publish("kit", title_en="Cyberbullying kit", body_en=f"<p>{BODY}</p>")
    after = page_html(client, JA_URL.format("kit"))
    assert "Cyberbullying kit" in after and "Filtering kit" not in after
    assert ("ネットいじめ", "cyberbullying") in glosses(after)
    assert '<span lang="en">cyberbullying</span> · <span lang="ja">ネットいじめ</span>' in after


def test_a_relation_shows_on_both_practices_at_once(client, vocabulary, import_lines):
    import_lines(
        practice("earlier", en=("Earlier kit", "The first one.")),
        practice("later", en=("Later kit", "The second one.")),
    )
    for slug in ("earlier", "later"):
        assert related_text(page_html(client, EN_URL.format(slug))) == ""
    related = [{"slug": "earlier", "relation": "adapted-from"}]
    import_lines(practice("later", en=("Later kit", "The second one."), related=related))
    assert "Earlier kit" in related_text(page_html(client, EN_URL.format("later")))
    assert "Later kit" in related_text(page_html(client, EN_URL.format("earlier")))


def test_an_unpublished_practice_leaves_the_pages_that_named_it(client, vocabulary, import_lines):
    import_lines(
        practice("earlier", en=("Earlier kit", "The first one.")),
        practice("later", en=("Later kit", "The second one."), related=[{"slug": "earlier", "relation": "adapted-from"}]),
    )
    assert "Later kit" in related_text(page_html(client, EN_URL.format("earlier")))
    PracticePage.objects.get(slug="later").unpublish()
    assert related_text(page_html(client, EN_URL.format("earlier"))) == ""


def test_an_organisation_renamed_shows_at_once(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.")))
    assert "Test NGO" in page_html(client, EN_URL.format("kit"))
    organisation = Organisation.objects.get(slug="test-ngo")
    organisation.name_en = "Harbour Foundation"
    organisation.save()
    html = page_html(client, EN_URL.format("kit"))
    assert "Harbour Foundation" in html and "Test NGO" not in html


def test_a_topic_renamed_shows_at_once(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents."), topics=["cyberbullying"]))
    topic = Topic.objects.get(slug="cyberbullying")
    assert topic.name_en in page_html(client, EN_URL.format("kit"))
    topic.name_en = "Bullying on the Internet"
    topic.save()
    assert "Bullying on the Internet" in page_html(client, EN_URL.format("kit"))


def test_a_glossary_entry_edited_changes_the_glosses_at_once(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.", BODY)))
    assert ("フィルタリング", "filtering") in glosses(page_html(client, JA_URL.format("kit")))
    entry = next(entry for entry in GlossaryEntry.objects.all() if entry.english[:1] == ["filtering"])
    entry.terms_ja = "\n".join(["有害サイト遮断", *entry.japanese])
    entry.save()
    html = page_html(client, JA_URL.format("kit"))
    assert ("有害サイト遮断", "filtering") in glosses(html)
    assert '<span lang="ja">有害サイト遮断</span>' in html


def test_a_practice_shows_ended_on_the_day_after_its_end(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.")))
    today = timezone.localdate()
    publish("kit", started=today - datetime.timedelta(days=30), ended=today)
    assert "<dd>Ended</dd>" in page_html(client, EN_URL.format("kit"))
    publish("kit", ended=today + datetime.timedelta(days=1))
    assert "<dd>Ongoing</dd>" in page_html(client, EN_URL.format("kit"))
    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(days=1)):
        assert "<dd>Ended</dd>" in page_html(client, EN_URL.format("kit"))


def test_each_reader_gets_a_csrf_token_of_their_own(vocabulary, import_lines):
    import_lines(practice("kit", ja=("親子のスマホ教室", "親子で学びます。")))
    tokens = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        response = reader.get(EN_URL.format("kit"))
        assert "csrftoken" in response.cookies
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1))
        # The request for a translation is accepted with the reader's own token.
        posted = reader.post(
            reverse("request_translation", args=[PracticePage.objects.get(slug="kit").pk]),
            {"language": "en", "csrfmiddlewaretoken": tokens[-1]},
        )
        assert posted.status_code in (302, 303), posted.status_code
    assert tokens[0] != tokens[1]


def test_the_help_block_follows_the_readers_country_and_helpline_changes(client, vocabulary, import_lines):
    from portal.helplines import load_helplines

    load_helplines()
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.")))
    url = EN_URL.format("kit")
    anywhere = page_html(client, url)
    client.cookies["help_country"] = "DE"
    germany = page_html(client, url)
    assert 'value="DE" selected' in germany and 'value="DE" selected' not in anywhere
    helpline = Helpline.objects.filter(region="EU").first()
    helpline.name_en = "Renamed helpline for the test"
    helpline.save()
    assert "Renamed helpline for the test" in page_html(client, url)


def test_previews_and_drafts_are_never_cached_nor_served_to_the_public(client, signed_in, accounts):
    public_url = "/en/practices/demo-ngo-eu/eu-published/"
    page = PracticePage.objects.get(slug="eu-published")
    editor = signed_in("ngo_eu")
    # Readers ask at the site's own address, the one Wagtail renders previews at.
    site = Site.objects.get(is_default_site=True)
    for reader in (client, editor):
        reader.defaults["HTTP_HOST"] = f"{site.hostname}:{site.port}"
    assert heading(page_html(client, public_url)) == "Family online safety evenings"
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = edit_form_data(page, title_en="Draft title nobody may read yet")
    assert editor.post(preview_url, data).json()["is_valid"]
    assert heading(editor.get(preview_url, {"mode": "en"}).content.decode()) == "Draft title nobody may read yet"
    # Saving the draft changes nothing the public sees; the editor's own view of the live page neither.
    assert editor.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data).status_code == 302
    for reader in (client, editor):
        assert heading(page_html(reader, public_url)) == "Family online safety evenings"
    # Previewed again with other changes, the preview shows them, not the public page just cached.
    assert editor.post(preview_url, edit_form_data(page, title_en="A second draft title")).json()["is_valid"]
    assert heading(editor.get(preview_url, {"mode": "en"}).content.decode()) == "A second draft title"


def test_the_home_page_shows_a_new_practice_and_a_renamed_topic_at_once(client, vocabulary, import_lines):
    assert "No practices have been published yet." in page_html(client, "/en/")
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.")))
    html = page_html(client, "/en/")
    assert "Filtering kit" in html and "No practices have been published yet." not in html
    topic = Topic.objects.get(slug="cyberbullying")
    topic.name_en = "Bullying on the Internet"
    topic.save()
    assert "Bullying on the Internet" in page_html(client, "/en/")
    PracticePage.objects.get(slug="kit").unpublish()
    assert "Filtering kit" not in page_html(client, "/en/")


def listing_part(html):
    return re.search(r'<div class="with-sidebar">.*?</section>\s*</div>', html, re.S).group(0)


@pytest.mark.parametrize("url", ["/en/practices/", "/ja/practices/topics/cyberbullying/", "/en/practices/test-ngo/"])
def test_a_listing_is_kept_for_the_next_reader_as_it_was_rendered(client, vocabulary, import_lines, settings, url):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents."), topics=["cyberbullying"]))
    counts, pages = [], []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            pages.append(page_html(client, url))
        counts.append(len(queries))
    assert counts[1] < counts[0]
    settings.CACHES = {**settings.CACHES, "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert pages[0] == pages[1] == page_html(client, url)
    assert "Filtering kit" in listing_part(pages[1])


def test_a_listing_shows_each_change_at_once_and_each_address_its_own(client, vocabulary, import_lines):
    import_lines(practice("kit", en=("Filtering kit", "A kit for parents.")))
    assert "Filtering kit" in listing_part(page_html(client, "/en/practices/"))
    assert "Filtering kit" not in listing_part(page_html(client, "/en/practices/?language=ja"))
    import_lines(practice("oyako", ja=("親子のスマホ教室", "保護者と子どもが一緒に学びます。")))
    listing = listing_part(page_html(client, "/en/practices/"))
    assert "Filtering kit" in listing and "親子のスマホ教室" in listing
    assert "親子のスマホ教室" in listing_part(page_html(client, "/en/practices/?language=ja"))
    PracticePage.objects.get(slug="kit").unpublish()
    assert "Filtering kit" not in listing_part(page_html(client, "/en/practices/"))


def test_a_refused_listing_is_not_kept(client, vocabulary):
    from practices.page_cache import fragments

    with mock.patch.object(fragments(), "set", wraps=fragments().set) as kept:
        assert client.get("/en/practices/", {"page": "many"}).status_code == 400
        assert not [call for call in kept.call_args_list if call.args[0].startswith("page:listing:")]
        assert client.get("/en/practices/", {"page": "1"}).status_code == 200
        assert [call for call in kept.call_args_list if call.args[0].startswith("page:listing:")]
