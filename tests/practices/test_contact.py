"""Writing to the organisation behind a practice (issue 13): mail to its editors in their own language and a
copy to the sender, the editors' addresses never shown, a honeypot, a per-client limit, nothing stored, and
bad input shown again with what was typed."""

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

pytestmark = pytest.mark.django_db

JP_PRACTICE = "/{lang}/practices/demo-ngo-jp/jp-published/"
EU_PRACTICE = "/{lang}/practices/demo-ngo-eu/eu-published/"
MESSAGE = {
    "name": "Anna Schmidt",
    "email": "anna@example.de",
    "message": "Could we adapt your class for Belgian schools?\nThanks!",
}


def contact_url(practice, lang="en"):
    return practice.format(lang=lang) + "contact/"


def send(client, practice=JP_PRACTICE, lang="en", **changes):
    return client.post(contact_url(practice, lang), {**MESSAGE, **changes})


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_practice_page_links_to_the_contact_form_in_both_languages(client, accounts, lang):
    html = client.get(JP_PRACTICE.format(lang=lang)).content.decode()
    assert f'href="{contact_url(JP_PRACTICE, lang)}"' in html
    form = client.get(contact_url(JP_PRACTICE, lang))
    assert form.status_code == 200
    page = form.content.decode()
    assert f'<html lang="{lang}">' in page
    assert '<meta name="robots" content="noindex">' in page
    with translation.override(lang):
        assert translation.gettext("Your personal data") in page
        assert translation.gettext("Send the message") in page
    # Every field has a label; the honeypot is out of sight and out of the tab order.
    for field in ("name", "email", "message"):
        assert re.search(rf'<label for="id_{field}">', page)
    assert re.search(r'aria-hidden="true">.*name="phone"[^>]*tabindex="-1"', page, re.S)


def test_message_goes_to_each_editor_in_their_language_with_a_copy_to_the_sender(client, accounts):
    response = send(client, JP_PRACTICE, "en")
    assert response.status_code == 302
    assert response["Location"] == contact_url(JP_PRACTICE, "en") + "sent/"
    # ngo_jp reads Japanese; the reply goes straight to the sender.
    [to_editor] = mail_to("ngo_jp@example.org")
    assert to_editor.reply_to == ["anna@example.de"]
    assert to_editor.subject == "「親子のスマホ教室」について読者からメッセージが届きました"
    assert "このメールに返信すると、送信者に返事が届きます。" in to_editor.body
    assert "Could we adapt your class for Belgian schools?\nThanks!" in to_editor.body
    # The sender's copy is in the language they wrote in, and names no editor's address.
    [copy] = mail_to("anna@example.de")
    assert "This is a copy of the message you sent to the editors of" in copy.body
    assert "Could we adapt your class" in copy.body
    assert "ngo_jp@example.org" not in copy.body + str(copy.message())
    assert len(mail.outbox) == 2


def test_an_english_speaking_editor_gets_it_in_english(client, accounts):
    send(client, EU_PRACTICE, "ja")
    [to_editor] = mail_to("ngo_eu@example.org")
    assert to_editor.subject == 'A reader\'s message about "Family online safety evenings"'
    [copy] = mail_to("anna@example.de")
    assert "このサイトはメッセージを保存していません。" in copy.body


def test_editors_addresses_are_not_in_the_pages(client, accounts):
    pages = [client.get(JP_PRACTICE.format(lang="en")), client.get(contact_url(JP_PRACTICE))]
    sent = client.post(contact_url(JP_PRACTICE), MESSAGE, follow=True)
    assert "It went to the editors of Demo NPO Japan." in sent.content.decode()
    assert mail_to("ngo_jp@example.org")
    for response in (*pages, sent):
        assert "ngo_jp@example.org" not in response.content.decode()


def test_nothing_is_stored(client, accounts):
    with CaptureQueriesContext(connection) as queries:
        send(client)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_without_active_editors_it_goes_to_the_moderators_and_the_sender_is_told(client, accounts):
    get_user_model().objects.filter(username="ngo_jp").update(is_active=False)
    response = client.post(contact_url(JP_PRACTICE), MESSAGE, follow=True)
    assert mail_to("moderator@example.org")
    assert not mail_to("ngo_jp@example.org")
    html = response.content.decode()
    assert "This organisation has no active editors on the portal, so your message went to the portal's moderators." in html
    [copy] = mail_to("anna@example.de")
    assert "went to the portal's moderators" in copy.body


def test_with_nobody_to_receive_it_the_sender_is_told_and_keeps_the_message(client, accounts):
    get_user_model().objects.exclude(username="admin").update(is_active=False)
    response = send(client)
    assert response.status_code == 503
    html = response.content.decode()
    assert "The portal has nobody to pass your message to right now." in html
    assert "Could we adapt your class for Belgian schools?" in html
    assert mail.outbox == []


def test_when_mail_cannot_be_sent_the_sender_is_told_and_keeps_the_message(client, accounts, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("practices.contact.send_to_user", refuse)
    response = send(client)
    assert response.status_code == 503
    html = response.content.decode()
    assert "Your message could not be sent just now." in html
    assert "Could we adapt your class for Belgian schools?" in html


def test_an_empty_post_shows_what_is_missing(client, accounts):
    html = client.post(contact_url(JP_PRACTICE), {}).content.decode()
    assert html.count("This field is required.") == 3


def test_honeypot_pretends_to_work_and_sends_nothing(client, accounts):
    response = send(client, phone="+32 2 555 0100")
    assert response.status_code == 302 and response["Location"].endswith("/contact/sent/")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"message": "   "}, "message", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        ({"email": "anna-at-example"}, "email", "Enter a valid email address."),
        ({"message": "x" * 5001}, "message", "Ensure this value has at most 5000 characters (it has 5001)."),
        ({"name": "Anna\u202eevil"}, "name", "Remove the invisible control characters from this name."),
        ({"message": "Hello\x07 there"}, "message", "Remove the invisible control characters from this message."),
    ],
)
def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(client, accounts, changes, field, error):
    response = send(client, **changes)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<strong class="error" id="id_{field}_error">{re.escape(error)}', html)
    assert 'role="alert"' in html
    # What was typed in the other fields is still there.
    for name, value in MESSAGE.items():
        if name not in changes:
            assert value.split("\n")[0] in html, name
    assert mail.outbox == []


def test_bad_input_is_explained_in_japanese(client, accounts):
    html = send(client, "/{lang}/practices/demo-ngo-jp/jp-published/", "ja", email="anna-at-example").content.decode()
    with translation.override("ja"):
        assert translation.gettext("Please correct the fields marked below.") in html


def test_line_breaks_in_a_message_are_welcome(client, accounts):
    assert send(client, message="First line\r\n\tSecond line").status_code == 302


def test_too_many_messages_from_one_client_are_refused_with_the_message_kept(accounts, settings):
    settings.RATELIMIT_CONTACT = "2/h"
    client, other = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    assert [send(client).status_code for _ in range(2)] == [302, 302]
    refused = send(client)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many messages were sent from your address." in html
    assert "Could we adapt your class for Belgian schools?" in html
    assert len(mail.outbox) == 4
    # Another client is not held back.
    assert send(other).status_code == 302


def test_only_messages_sent_count_against_the_limit(accounts, settings):
    settings.RATELIMIT_CONTACT = "1/h"
    client = Client(REMOTE_ADDR="198.51.100.9")
    # A bot on the same address filling the honeypot, and a person's typing mistakes, use none of it.
    assert send(client, phone="bot").status_code == 302
    assert send(client, email="typo").status_code == 200
    assert send(client).status_code == 302
    assert mail_to("ngo_jp@example.org")
    assert send(client).status_code == 429


def test_contact_of_a_page_that_is_not_a_practice_is_not_found(client, accounts):
    assert client.get("/en/practices/demo-ngo-jp/contact/").status_code == 404
    assert client.get("/en/practices/demo-ngo-jp/no-such-practice/contact/").status_code == 404
