"""Organisations join: the public form (both languages, honeypot, rate limit), and a moderator accepting
an application and inviting its first editor with a set-password link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from practices.models import JoinApplication, Organisation, OrganisationPage

pytestmark = pytest.mark.django_db

APPLICATION = {
    "organisation_name": "Kodomo Net Mamoru",
    "country": "JP",
    "website": "https://kodomo-net.example.jp/",
    "contact_name": "佐藤花子",
    "email": "hanako@kodomo-net.example.jp",
    "message": "学校向けにネットいじめ対策の授業をしています。",
}


def apply(client, lang="ja", **changes):
    return client.post(f"/{lang}/join/", {**APPLICATION, **changes})


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_join_form_is_served_in_both_languages(client, site, lang):
    response = client.get(f"/{lang}/join/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    with translation.override(lang):
        assert translation.gettext("Join the exchange") in html
    for field in ("organisation_name", "country", "contact_name", "email", "message"):
        assert f'name="{field}"' in html
    # The honeypot is out of sight and out of the tab order.
    assert re.search(r'aria-hidden="true">.*name="phone"[^>]*tabindex="-1"', html, re.S)


def test_application_is_stored_and_moderators_are_told(client, accounts):
    response = apply(client, "ja")
    assert response.status_code == 302 and response["Location"] == "/ja/join/thanks/"
    application = JoinApplication.objects.get()
    assert (application.organisation_name, application.language, application.status) == ("Kodomo Net Mamoru", "ja", "new")
    [notice] = [message for message in mail.outbox if message.to == ["moderator@example.org"]]
    assert "Kodomo Net Mamoru" in notice.subject
    assert reverse("wagtailsnippets_practices_joinapplication:inspect", args=[application.pk]) in notice.body


def test_invalid_application_is_shown_again_with_errors(client, site):
    response = apply(client, "en", email="not-an-address", message="")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not JoinApplication.objects.exists()


def test_filled_honeypot_is_thanked_but_not_stored(client, accounts):
    response = apply(client, "en", phone="+1 555 0100")
    assert response.status_code == 302
    assert not JoinApplication.objects.exists()
    assert mail.outbox == []


def test_applications_are_rate_limited_per_address(site, settings):
    settings.JOIN_FORM_RATE_LIMIT = (3, 3600)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for number in range(3):
        assert apply(client, organisation_name=f"NGO {number}").status_code == 302
    response = apply(client, organisation_name="One too many")
    assert response.status_code == 429
    assert JoinApplication.objects.count() == 3
    assert apply(Client(REMOTE_ADDR="198.51.100.8"), organisation_name="Another address").status_code == 302


def test_moderators_see_applications_and_editors_do_not(signed_in, accounts):
    apply(Client())
    application = JoinApplication.objects.get()
    listing = reverse("wagtailsnippets_practices_joinapplication:list")
    inspect = reverse("wagtailsnippets_practices_joinapplication:inspect", args=[application.pk])
    moderator = signed_in("moderator")
    assert "Kodomo Net Mamoru" in moderator.get(listing).content.decode()
    assert "ネットいじめ対策" in moderator.get(inspect).content.decode()
    for url in (listing, inspect, reverse("practices_invite", args=[application.pk])):
        assert signed_in("ngo_eu").get(url).status_code in (302, 403), url


@pytest.fixture
def invited(signed_in, accounts):
    """A moderator accepts the application and invites its contact as the first editor."""
    apply(Client())
    application = JoinApplication.objects.get()
    mail.outbox.clear()
    moderator = signed_in("moderator")
    url = reverse("practices_invite", args=[application.pk])
    form = moderator.get(url)
    assert form.status_code == 200
    assert 'value="hanako@kodomo-net.example.jp"' in form.content.decode()
    data = {
        "slug": "kodomo-net-mamoru",
        "name_en": "Kodomo Net Mamoru",
        "name_ja": "こどもネットまもる",
        "country": "JP",
        "username": "hanako",
        "email": "hanako@kodomo-net.example.jp",
        "language": "ja",
    }
    response = moderator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return application


def test_accepting_creates_the_organisation_its_page_and_its_editor(invited):
    invited.refresh_from_db()
    organisation = Organisation.objects.get(slug="kodomo-net-mamoru")
    assert invited.status == "accepted" and invited.organisation == organisation
    assert OrganisationPage.objects.get(organisation=organisation).live
    editor = get_user_model().objects.get(username="hanako")
    assert not editor.has_usable_password()
    assert editor.groups.filter(name="Editors: kodomo-net-mamoru").exists()
    assert editor.wagtail_userprofile.preferred_language == "ja"


def test_invitation_mail_has_a_set_password_link_and_no_password(invited):
    [invitation] = mail.outbox
    assert invitation.to == ["hanako@kodomo-net.example.jp"]
    with translation.override("ja"):
        expected = translation.gettext("You are invited to publish practices for %(organisation)s")
    assert invitation.subject == expected % {"organisation": "こどもネットまもる"}
    assert re.search(r"/admin/password_reset/confirm/[^/\s]+/[^/\s]+/", invitation.body)
    assert "password:" not in invitation.body.lower()


def test_invited_editor_chooses_a_valid_password_and_signs_in(invited):
    [invitation] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", invitation.body).group(1)
    client = Client()
    set_password_url = client.get(link)["Location"]  # Django swaps the token for a session
    weak = client.post(set_password_url, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    assert not get_user_model().objects.get(username="hanako").has_usable_password()
    strong = "kujira-yuurei-2031"
    assert client.post(set_password_url, {"new_password1": strong, "new_password2": strong}).status_code == 302
    # The link works once.
    assert Client().get(link, follow=True).context["validlink"] is False

    editor = Client()
    assert editor.post(reverse("wagtailadmin_login"), {"username": "hanako", "password": strong}).status_code == 302
    own_page = OrganisationPage.objects.get(slug="kodomo-net-mamoru")
    add_url = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", own_page.pk])
    assert editor.get(add_url).status_code == 200
    other_page = OrganisationPage.objects.get(slug="demo-ngo-eu")
    other_add = reverse("wagtailadmin_pages:add", args=["practices", "practicepage", other_page.pk])
    assert editor.get(other_add).status_code in (302, 403)


def test_accepting_and_inviting_is_in_the_audit_log(invited):
    editor = get_user_model().objects.get(username="hanako")
    actions = set(ModelLogEntry.objects.filter(user__username="moderator").values_list("action", "label"))
    assert ("practices.accept_application", "Kodomo Net Mamoru") in actions
    assert ("practices.invite_editor", "hanako") in actions
    assert ("practices.add_to_group", "hanako") in actions
    assert ("practices.grant_page_permissions", "Editors: kodomo-net-mamoru") in actions
    assert ("wagtail.create", str(Organisation.objects.get(slug="kodomo-net-mamoru"))) in actions
    assert ModelLogEntry.objects.filter(object_id=str(editor.pk), action="practices.add_to_group").get().data == {
        "group": "Editors: kodomo-net-mamoru"
    }


def test_moderator_declines_an_application(signed_in, accounts):
    apply(Client())
    application = JoinApplication.objects.get()
    edit = reverse("wagtailsnippets_practices_joinapplication:edit", args=[application.pk])
    assert signed_in("moderator").post(edit, {"status": "declined"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "declined"
    assert ModelLogEntry.objects.filter(object_id=str(application.pk), action="wagtail.edit").exists()
    # A decided application cannot be accepted any more.
    response = signed_in("moderator").post(reverse("practices_invite", args=[application.pk]), {"slug": "too-late"})
    assert response["Location"] == reverse("wagtailsnippets_practices_joinapplication:inspect", args=[application.pk])
    assert not Organisation.objects.filter(slug="too-late").exists()


@pytest.mark.parametrize("field", ["organisation_name", "contact_name"])
@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\x1b", "\n"])
def test_names_with_control_or_bidi_characters_are_refused_and_the_form_kept(client, site, field, control):
    value = f"Kodomo{control}Net"
    response = apply(client, lang="en", **{field: value})
    assert response.status_code == 200
    assert "invisible control characters" in response.content.decode()
    # What the applicant typed is still there for them to correct.
    assert 'value="Kodomo' in response.content.decode() or "Kodomo" in response.content.decode()
    assert not JoinApplication.objects.exists()
    assert not mail.outbox
