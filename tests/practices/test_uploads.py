"""Uploads belong to their organisation and the moderators until a live practice uses them (issue 9 §1)."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from practices.models import Organisation, PracticeDocument, PracticePage
from practices.permissions import organisation_collection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    # Served as in production: from files on disk through Wagtail's view.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.fixture
def jp_document(accounts, jp_draft):
    """A document demo-ngo-jp's editor uploaded for their draft, with a title found nowhere else."""
    collection = organisation_collection(Organisation.objects.get(slug="demo-ngo-jp"))
    document = get_document_model().objects.create(
        title="ひみつ相談マニュアル草稿",
        file=ContentFile(b"draft manual", name="himitsu-manual.txt"),
        collection=collection,
        uploaded_by_user=accounts["ngo_jp"],
    )
    PracticeDocument.objects.create(page=jp_draft, document=document)
    return document


@pytest.fixture
def jp_image(accounts):
    collection = organisation_collection(Organisation.objects.get(slug="demo-ngo-jp"))
    return get_image_model().objects.create(
        title="ひみつ写真草稿", file=get_test_image_file(), collection=collection, uploaded_by_user=accounts["ngo_jp"]
    )


def serve(client, document):
    return client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))


def test_a_draft_only_document_is_not_served_to_the_public_or_another_organisation(signed_in, jp_document):
    assert serve(Client(), jp_document).status_code == 404
    assert serve(signed_in("ngo_eu"), jp_document).status_code == 404


def test_a_draft_only_document_is_served_to_its_organisation_and_the_moderators(signed_in, jp_document):
    for username in ("ngo_jp", "moderator"):
        response = serve(signed_in(username), jp_document)
        assert response.status_code == 200, username
        assert b"".join(response.streaming_content) == b"draft manual"


def test_a_document_is_public_once_a_live_practice_lists_it(jp_document):
    PracticeDocument.objects.create(page=PracticePage.objects.get(slug="jp-published"), document=jp_document)
    assert serve(Client(), jp_document).status_code == 200


def test_the_public_api_lists_no_uploads(client, jp_document, jp_image):
    for endpoint in ("documents", "images"):
        response = client.get(f"/api/v2/{endpoint}/", follow=True)
        assert response.status_code == 404
        assert "ひみつ" not in response.content.decode()


def test_the_admin_api_lists_another_organisations_uploads_to_nobody_else(signed_in, jp_document, jp_image):
    for endpoint, title in (("documents", jp_document.title), ("images", jp_image.title)):
        url = f"/admin/api/main/{endpoint}/"
        assert title not in signed_in("ngo_eu").get(url).content.decode()
        assert title in signed_in("ngo_jp").get(url).content.decode()
        assert title in signed_in("moderator").get(url).content.decode()


def test_choosers_offer_an_editor_only_their_organisations_uploads(signed_in, jp_document, jp_image):
    for chooser, title in (("wagtaildocs_chooser:choose", jp_document.title), ("wagtailimages_chooser:choose", jp_image.title)):
        assert title not in signed_in("ngo_eu").get(reverse(chooser)).json()["html"]
        assert title in signed_in("ngo_jp").get(reverse(chooser)).json()["html"]


def test_an_editor_uploads_only_into_their_organisations_collection(signed_in, accounts):
    page = signed_in("ngo_eu").get(reverse("wagtaildocs:add")).content.decode()
    assert "demo-ngo-eu" in page or 'name="collection"' not in page
    assert "demo-ngo-jp" not in page

